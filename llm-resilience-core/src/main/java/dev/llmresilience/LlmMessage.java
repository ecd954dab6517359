package dev.llmresilience;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import org.springframework.util.Assert;

/**
 * One turn of a conversation sent to a model: who spoke it, and its content blocks in
 * order. A user turn holds text, images, documents and tool results; an assistant turn
 * holds what a model answered (text, tool calls, reasoning...), usually
 * {@link LlmResponse#toMessage()}.
 *
 * @param role who spoke the turn
 * @param content the blocks of the turn, at least one
 */
public record LlmMessage(Role role, List<LlmContent> content) {

	public LlmMessage {
		Objects.requireNonNull(role, "role must not be null");
		Assert.notEmpty(content, "A message needs at least one content block");
		content = List.copyOf(content);
		Assert.isTrue(role == Role.ASSISTANT || content.stream().allMatch(LlmMessage::isUserContent),
				"A user turn holds text, images, documents and tool results only");
		Assert.isTrue(role == Role.USER || content.stream().noneMatch(LlmContent.ToolResult.class::isInstance),
				"Tool results belong in a user turn");
	}

	private static boolean isUserContent(LlmContent block) {
		return block instanceof LlmContent.Text || block instanceof LlmContent.Image
				|| block instanceof LlmContent.Document || block instanceof LlmContent.ToolResult
				|| block instanceof LlmContent.ProviderBlock;
	}

	/**
	 * Create a user turn of text.
	 * @param text the text
	 * @return the message
	 */
	public static LlmMessage user(String text) {
		return new LlmMessage(Role.USER, List.of(LlmContent.text(text)));
	}

	/**
	 * Create a user turn of content blocks, for example an image and a question about it,
	 * or the results of the tool calls of the previous answer.
	 * @param content the blocks, in order
	 * @return the message
	 */
	public static LlmMessage user(LlmContent... content) {
		return new LlmMessage(Role.USER, List.of(content));
	}

	/**
	 * Create an assistant turn of text, for example an earlier answer or a prefill.
	 * @param text the text
	 * @return the message
	 */
	public static LlmMessage assistant(String text) {
		return new LlmMessage(Role.ASSISTANT, List.of(LlmContent.text(text)));
	}

	/**
	 * Create an assistant turn of content blocks.
	 * @param content the blocks, in order
	 * @return the message
	 */
	public static LlmMessage assistant(LlmContent... content) {
		return new LlmMessage(Role.ASSISTANT, List.of(content));
	}

	/**
	 * Return the text blocks of this turn, joined.
	 * @return the text, empty if there is none
	 */
	public String text() {
		return this.content.stream()
			.filter(LlmContent.Text.class::isInstance)
			.map((block) -> ((LlmContent.Text) block).text())
			.collect(Collectors.joining());
	}

	@Override
	public String toString() {
		// The content stays out: it may hold personal data, and it is large.
		return "LlmMessage{role=" + this.role + ", content=" + this.content + "}";
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
