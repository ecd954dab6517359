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

	/** The provider withheld content ({@code refusal}, {@code content_filter}). */
	CONTENT_FILTER,

	/** A value this library does not know; see the raw value. */
	OTHER

}
