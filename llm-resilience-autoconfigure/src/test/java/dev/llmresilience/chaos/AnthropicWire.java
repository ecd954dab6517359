package dev.llmresilience.chaos;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Bodies and server-sent events of the Anthropic Messages API, as the fault-injecting
 * server sends them.
 */
final class AnthropicWire {

	private static final ObjectMapper MAPPER = new ObjectMapper();

	private AnthropicWire() {
	}

	/**
	 * A whole message whose text is the given pieces joined.
	 */
	static String message(String model, List<String> pieces) {
		ObjectNode body = MAPPER.createObjectNode();
		body.put("id", "msg_chaos").put("type", "message").put("role", "assistant").put("model", model);
		body.putArray("content").addObject().put("type", "text").put("text", String.join("", pieces));
		body.put("stop_reason", "end_turn");
		body.putObject("usage").put("input_tokens", 10).put("output_tokens", pieces.size());
		return body.toString();
	}

	/**
	 * An error body, the envelope the API uses for error statuses and error events.
	 */
	static String error(String type, String message) {
		ObjectNode body = MAPPER.createObjectNode();
		body.put("type", "error");
		body.putObject("error").put("type", type).put("message", message);
		return body.toString();
	}

	/**
	 * The events that open a stream: {@code message_start}, {@code content_block_start}.
	 */
	static List<String> streamStart(String model) {
		List<String> events = new ArrayList<>();
		events.add(event("message_start",
				"{\"type\":\"message_start\",\"message\":{\"id\":\"msg_chaos\",\"type\":"
						+ "\"message\",\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":[],\"usage\":"
						+ "{\"input_tokens\":10,\"output_tokens\":1}}}"));
		events.add(event("content_block_start",
				"{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
		return events;
	}

	/**
	 * One {@code content_block_delta} event per piece, with a {@code ping} after the
	 * first.
	 */
	static List<String> deltas(List<String> pieces) {
		List<String> events = new ArrayList<>();
		for (int i = 0; i < pieces.size(); i++) {
			ObjectNode data = MAPPER.createObjectNode();
			data.put("type", "content_block_delta").put("index", 0);
			data.putObject("delta").put("type", "text_delta").put("text", pieces.get(i));
			events.add(event("content_block_delta", data.toString()));
			if (i == 0) {
				events.add(event("ping", "{\"type\":\"ping\"}"));
			}
		}
		return events;
	}

	/**
	 * The events that end a stream: {@code content_block_stop}, {@code message_delta},
	 * {@code message_stop}.
	 */
	static List<String> streamEnd(int outputTokens) {
		return List.of(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
				event("message_delta",
						"{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
								+ "\"usage\":{\"output_tokens\":" + outputTokens + "}}"),
				event("message_stop", "{\"type\":\"message_stop\"}"));
	}

	/**
	 * A whole stream whose text is the given pieces.
	 */
	static List<String> stream(String model, List<String> pieces) {
		List<String> events = new ArrayList<>(streamStart(model));
		events.addAll(deltas(pieces));
		events.addAll(streamEnd(pieces.size()));
		return events;
	}

	/**
	 * One server-sent event.
	 */
	static String event(String name, String data) {
		return "event: " + name + "\ndata: " + data + "\n\n";
	}

}
