package dev.llmresilience.springai.chat;

/**
 * A Spring AI prompt that has no neutral form, refused before anything is sent: a media
 * type that no content block takes, an option without a neutral counterpart (top-k,
 * frequency or presence penalty), a tool schema or output schema that is not a JSON
 * object. The message names what is wrong, never the prompt's content.
 *
 * @author llm-resilience
 */
public class UnsupportedPromptException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param problem what cannot be mapped, without any of the prompt's content
	 */
	public UnsupportedPromptException(String problem) {
		super(problem);
	}

	/**
	 * Create a new instance with a cause.
	 * @param problem what cannot be mapped, without any of the prompt's content
	 * @param cause why
	 */
	public UnsupportedPromptException(String problem, Throwable cause) {
		super(problem, cause);
	}

}
