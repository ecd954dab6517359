package dev.llmresilience.test;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

import org.springframework.lang.Nullable;

/**
 * What an answer of the {@link FakeProviderServer} holds, in the order a model produces
 * it: reasoning, then text, then tool calls. Each part comes in the pieces a stream
 * sends, one delta each; a whole answer carries them joined.
 *
 * @param pieces the text in pieces, empty for none
 * @param thinking the reasoning before the answer, or {@code null} for none
 * @param toolCalls the tool calls, empty for none
 */
record AnswerContent(List<String> pieces, @Nullable Thinking thinking, List<ToolCall> toolCalls) {

	/** The pieces a tool call's input is streamed in, as the providers send it: small. */
	private static final int INPUT_PIECES = 3;

	private static final ObjectMapper MAPPER = new ObjectMapper();

	AnswerContent {
		pieces = List.copyOf(pieces);
		toolCalls = List.copyOf(toolCalls);
	}

	/**
	 * Return an answer of text only.
	 */
	static AnswerContent text(List<String> pieces) {
		return new AnswerContent(pieces, null, List.of());
	}

	/**
	 * Return whether the answer has a text block: when it has text, or nothing else (an
	 * empty answer is an empty text).
	 */
	boolean hasText() {
		return !this.pieces.isEmpty() || (this.thinking == null && this.toolCalls.isEmpty());
	}

	String joinedText() {
		return String.join("", this.pieces);
	}

	/**
	 * Return the number of deltas a stream of the answer sends, which is also its output
	 * tokens.
	 */
	int deltaCount() {
		int count = this.pieces.size();
		if (this.thinking != null) {
			count += this.thinking.pieces().size();
		}
		for (ToolCall call : this.toolCalls) {
			count += call.inputPieces().size();
		}
		return count;
	}

	/**
	 * Reasoning before the answer.
	 *
	 * @param pieces the reasoning in pieces
	 * @param signature the signature Anthropic sends with it; OpenAI-compatible servers
	 * send none
	 */
	record Thinking(List<String> pieces, String signature) {

		Thinking {
			pieces = List.copyOf(pieces);
		}

		static Thinking of(String text, String signature) {
			return new Thinking(ModelScript.split(text, INPUT_PIECES), signature);
		}

		String text() {
			return String.join("", this.pieces);
		}

	}

	/**
	 * A call of a tool.
	 *
	 * @param id the call's id
	 * @param name the tool's name
	 * @param inputPieces the input, a JSON object, in the pieces a stream sends
	 */
	record ToolCall(String id, String name, List<String> inputPieces) {

		ToolCall {
			inputPieces = List.copyOf(inputPieces);
		}

		static ToolCall of(String id, String name, String input) {
			return new ToolCall(id, name, ModelScript.split(input, INPUT_PIECES));
		}

		String input() {
			return String.join("", this.inputPieces);
		}

		/**
		 * Return the input as JSON; input that is not JSON, as a test may send on
		 * purpose, as a string.
		 */
		JsonNode parsedInput() {
			try {
				JsonNode input = MAPPER.readTree(input());
				// no input at all is a tool without parameters
				return (input == null || input.isMissingNode()) ? MAPPER.createObjectNode() : input;
			}
			catch (JsonProcessingException ex) {
				return TextNode.valueOf(input());
			}
		}

	}

}
