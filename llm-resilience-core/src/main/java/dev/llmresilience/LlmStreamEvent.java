package dev.llmresilience;

/**
 * An event of a streamed answer: any number of {@link TextDelta}s, then exactly one
 * {@link Completion} as the last element.
 */
public sealed interface LlmStreamEvent permits LlmStreamEvent.TextDelta, LlmStreamEvent.Completion {

	/**
	 * A piece of generated text, in order.
	 *
	 * @param text the new text
	 */
	record TextDelta(String text) implements LlmStreamEvent {

	}

	/**
	 * The end of the answer.
	 *
	 * @param response the whole answer: all text, stop reason, usage and model
	 */
	record Completion(LlmResponse response) implements LlmStreamEvent {

	}

}
