package dev.llmresilience.benchmarks.stub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Anthropic Messages API: a {@code message} object, or the event stream
 * {@code message_start}, {@code content_block_start}, {@code ping}, {@code content_block_delta}
 * per chunk, {@code content_block_stop}, {@code message_delta}, {@code message_stop}.
 */
final class AnthropicWireFormat implements WireFormat {

	private static final int INPUT_TOKENS = 12;

	private final ObjectMapper objectMapper;

	AnthropicWireFormat(ObjectMapper objectMapper) {
		this.objectMapper = objectMapper;
	}

	@Override
	public CannedAnswer answer(String model, int chunks) {
		ObjectNode message = message(model, chunks);
		message.putArray("content").addObject().put("type", "text").put("text", CannedText.whole(chunks));
		message.put("stop_reason", "end_turn");

		ObjectNode started = message(model, 1);
		started.putArray("content");
		started.putNull("stop_reason");
		ObjectNode start = this.objectMapper.createObjectNode().put("type", "message_start");
		start.set("message", started);
		ObjectNode blockStart = this.objectMapper.createObjectNode().put("type", "content_block_start").put("index", 0);
		blockStart.putObject("content_block").put("type", "text").put("text", "");
		String head = event("message_start", start) + event("content_block_start", blockStart)
				+ event("ping", this.objectMapper.createObjectNode().put("type", "ping"));

		List<byte[]> deltas = new ArrayList<>(chunks);
		for (int i = 0; i < chunks; i++) {
			ObjectNode delta = this.objectMapper.createObjectNode().put("type", "content_block_delta").put("index", 0);
			delta.putObject("delta").put("type", "text_delta").put("text", CannedText.chunk(i));
			deltas.add(bytes(event("content_block_delta", delta)));
		}

		ObjectNode messageDelta = this.objectMapper.createObjectNode().put("type", "message_delta");
		messageDelta.putObject("delta").put("stop_reason", "end_turn").putNull("stop_sequence");
		messageDelta.putObject("usage").put("output_tokens", chunks);
		String tail = event("content_block_stop",
				this.objectMapper.createObjectNode().put("type", "content_block_stop").put("index", 0))
				+ event("message_delta", messageDelta)
				+ event("message_stop", this.objectMapper.createObjectNode().put("type", "message_stop"));
		return new CannedAnswer(bytes(message.toString()), bytes(head), List.copyOf(deltas), bytes(tail));
	}

	private ObjectNode message(String model, int outputTokens) {
		ObjectNode message = this.objectMapper.createObjectNode()
			.put("id", "msg_stub")
			.put("type", "message")
			.put("role", "assistant")
			.put("model", model);
		message.putNull("stop_sequence");
		message.putObject("usage").put("input_tokens", INPUT_TOKENS).put("output_tokens", outputTokens);
		return message;
	}

	private static String event(String name, ObjectNode data) {
		return "event: " + name + "\ndata: " + data + "\n\n";
	}

	@Override
	public byte[] error(int status) {
		String type = switch (status) {
			case 429 -> "rate_limit_error";
			case 529 -> "overloaded_error";
			default -> "api_error";
		};
		ObjectNode body = this.objectMapper.createObjectNode().put("type", "error");
		body.putObject("error").put("type", type).put("message", "Injected fault " + status);
		return bytes(body.toString());
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
