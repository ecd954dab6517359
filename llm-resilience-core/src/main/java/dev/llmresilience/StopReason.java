package dev.llmresilience;

/**
 * Why a model stopped generating, mapped from each provider's own vocabulary. The
 * provider's original value stays available on {@link LlmResponse#rawStopReason()}.
 */
public enum StopReason {

	/** The model finished its answer ({@code end_turn}, {@code stop}). */
	END_TURN,

	/** The output token limit was reached ({@code max_tokens}, {@code length}). */
	MAX_TOKENS,

	/** A caller-supplied stop sequence was generated. */
	STOP_SEQUENCE,

	/** The model asked for a tool call ({@code tool_use}, {@code tool_calls}). */
	TOOL_USE,

	/**
	 * The model refused to answer (Anthropic {@code refusal}; an OpenAI-compatible answer
	 * with a {@code refusal}); its words are a {@link LlmContent.Refusal} block.
	 */
	REFUSAL,

	/** The provider's content filter withheld the answer ({@code content_filter}). */
	CONTENT_FILTER,

	/**
	 * The provider paused a long turn (Anthropic {@code pause_turn}, while its server
	 * tools run): send the answer back as it is to let the model continue.
	 */
	PAUSE_TURN,

	/** A value this library does not know; see the raw value. */
	OTHER

}
