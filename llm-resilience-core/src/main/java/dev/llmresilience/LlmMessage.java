package dev.llmresilience;

import java.util.Objects;

/**
 * One turn of a conversation sent to a model.
 *
 * @param role who spoke the turn
 * @param content the text of the turn
 */
public record LlmMessage(Role role, String content) {

	public LlmMessage {
		Objects.requireNonNull(role, "role must not be null");
		Objects.requireNonNull(content, "content must not be null");
	}

	/**
	 * Create a user turn.
	 * @param content the text
	 * @return the message
	 */
	public static LlmMessage user(String content) {
		return new LlmMessage(Role.USER, content);
	}

	/**
	 * Create an assistant turn, for example an earlier answer or a prefill.
	 * @param content the text
	 * @return the message
	 */
	public static LlmMessage assistant(String content) {
		return new LlmMessage(Role.ASSISTANT, content);
	}

	/**
	 * The speaker of a turn. System prompts are not turns: see
	 * {@link LlmRequest#system()}.
	 */
	public enum Role {

		/** The caller. */
		USER,

		/** The model. */
		ASSISTANT

	}

}
