package dev.llmresilience;

/**
 * An event of a streamed answer, in the order the provider sent its parts: text deltas,
 * reasoning deltas, refusal deltas, and for each tool call a start, its input deltas and
 * an end; then exactly one {@link Completion} as the last element, with the whole answer.
 * <p>
 * An answer that asks for an output schema streams its JSON as text deltas, whichever way
 * the provider produces it.
 */
public sealed interface LlmStreamEvent permits LlmStreamEvent.TextDelta, LlmStreamEvent.ReasoningDelta,
		LlmStreamEvent.RefusalDelta, LlmStreamEvent.ToolCallStart, LlmStreamEvent.ToolInputDelta,
		LlmStreamEvent.ToolCallEnd, LlmStreamEvent.Completion {

	/**
	 * A piece of generated text, in order.
	 *
	 * @param text the new text
	 */
	record TextDelta(String text) implements LlmStreamEvent {

		@Override
		public String toString() {
			return "TextDelta{length=" + this.text.length() + "}";
		}

	}

	/**
	 * A piece of the model's reasoning.
	 *
	 * @param text the new reasoning text
	 */
	record ReasoningDelta(String text) implements LlmStreamEvent {

		@Override
		public String toString() {
			return "ReasoningDelta{length=" + this.text.length() + "}";
		}

	}

	/**
	 * A piece of the model's refusal.
	 *
	 * @param text the new refusal text
	 */
	record RefusalDelta(String text) implements LlmStreamEvent {

		@Override
		public String toString() {
			return "RefusalDelta{length=" + this.text.length() + "}";
		}

	}

	/**
	 * The model began a tool call.
	 *
	 * @param id the call's id
	 * @param name the tool's name
	 */
	record ToolCallStart(String id, String name) implements LlmStreamEvent {

	}

	/**
	 * A piece of a tool call's input: a fragment of JSON, not JSON on its own.
	 *
	 * @param id the call's id
	 * @param partialJson the fragment
	 */
	record ToolInputDelta(String id, String partialJson) implements LlmStreamEvent {

		@Override
		public String toString() {
			return "ToolInputDelta{id=" + this.id + ", length=" + this.partialJson.length() + "}";
		}

	}

	/**
	 * The model finished a tool call.
	 *
	 * @param call the whole call, its input parsed
	 */
	record ToolCallEnd(LlmContent.ToolCall call) implements LlmStreamEvent {

	}

	/**
	 * The end of the answer.
	 *
	 * @param response the whole answer: all content, stop reason, usage and model
	 */
	record Completion(LlmResponse response) implements LlmStreamEvent {

	}

}
