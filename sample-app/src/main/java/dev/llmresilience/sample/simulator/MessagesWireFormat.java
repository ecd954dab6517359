package dev.llmresilience.sample.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON bodies and stream events of the Anthropic Messages API, field for field.
 */
final class MessagesWireFormat {

	private static final JsonNodeFactory json = JsonNodeFactory.instance;

	private static final ObjectMapper objectMapper = new ObjectMapper();

	private MessagesWireFormat() {
	}

	static ObjectNode message(String id, String model, SimulatedAnswer answer, long inputTokens) {
		ObjectNode message = messageHead(id, model);
		ObjectNode block = message.putArray("content").addObject();
		if (answer.tool() != null) {
			toolUse(block, answer.tool()).set("input", toolInput(answer.text()));
		}
		else {
			block.put("type", "text").put("text", answer.text());
		}
		message.put("stop_reason", answer.stopReason());
		message.putNull("stop_sequence");
		message.set("usage", usage(inputTokens, answer.outputTokens()));
		return message;
	}

	static ObjectNode messageStart(String id, String model, long inputTokens) {
		ObjectNode message = messageHead(id, model);
		message.putArray("content");
		message.putNull("stop_reason");
		message.putNull("stop_sequence");
		// The real API reports the first output token at the start already.
		message.set("usage", usage(inputTokens, 1));
		ObjectNode event = event("message_start");
		event.set("message", message);
		return event;
	}

	private static ObjectNode messageHead(String id, String model) {
		return json.objectNode().put("id", id).put("type", "message").put("role", "assistant").put("model", model);
	}

	private static ObjectNode usage(long inputTokens, long outputTokens) {
		return json.objectNode().put("input_tokens", inputTokens).put("output_tokens", outputTokens);
	}

	/**
	 * Return the start of the answer's one block: a text block, or a {@code tool_use}
	 * block whose input comes in the deltas.
	 * @param answer the answer
	 * @return the event
	 */
	static ObjectNode contentBlockStart(SimulatedAnswer answer) {
		ObjectNode event = event("content_block_start").put("index", 0);
		ObjectNode block = event.putObject("content_block");
		if (answer.tool() != null) {
			toolUse(block, answer.tool()).putObject("input");
		}
		else {
			block.put("type", "text").put("text", "");
		}
		return event;
	}

	private static ObjectNode toolUse(ObjectNode block, String tool) {
		return block.put("type", "tool_use").put("id", ModelSimulator.newId("toolu_sim_")).put("name", tool);
	}

	private static JsonNode toolInput(String input) {
		try {
			return objectMapper.readTree(input);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException("The simulator wrote a tool input that is not JSON", ex);
		}
	}

	static ObjectNode ping() {
		return event("ping");
	}

	/**
	 * Return a piece of the answer: of its text, or of its tool call's input.
	 * @param answer the answer
	 * @param chunk the piece
	 * @return the event
	 */
	static ObjectNode delta(SimulatedAnswer answer, String chunk) {
		ObjectNode event = event("content_block_delta").put("index", 0);
		if (answer.tool() != null) {
			event.putObject("delta").put("type", "input_json_delta").put("partial_json", chunk);
		}
		else {
			event.putObject("delta").put("type", "text_delta").put("text", chunk);
		}
		return event;
	}

	static ObjectNode contentBlockStop() {
		return event("content_block_stop").put("index", 0);
	}

	static ObjectNode messageDelta(String stopReason, long outputTokens) {
		ObjectNode event = event("message_delta");
		event.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
		event.putObject("usage").put("output_tokens", outputTokens);
		return event;
	}

	static ObjectNode messageStop() {
		return event("message_stop");
	}

	/**
	 * Return an error as a stream sends it, without a request id.
	 * @param type the error type, such as {@code overloaded_error}
	 * @param message the message
	 * @return the event data
	 */
	static ObjectNode error(String type, String message) {
		ObjectNode error = event("error");
		error.putObject("error").put("type", type).put("message", message);
		return error;
	}

	/**
	 * Return an error as the body of an HTTP error response.
	 * @param type the error type, such as {@code overloaded_error}
	 * @param message the message
	 * @param requestId the request id, also sent as the {@code request-id} header
	 * @return the body
	 */
	static ObjectNode errorBody(String type, String message, String requestId) {
		return error(type, message).put("request_id", requestId);
	}

	private static ObjectNode event(String type) {
		return json.objectNode().put("type", type);
	}

}
