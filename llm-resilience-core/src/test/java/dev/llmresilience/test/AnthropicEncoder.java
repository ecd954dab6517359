package dev.llmresilience.test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Anthropic Messages API: a {@code message} object, or the events
 * {@code message_start}, {@code content_block_start}, {@code ping}, one
 * {@code content_block_delta} per piece, {@code content_block_stop},
 * {@code message_delta} and {@code message_stop}. An answer's blocks are thinking (its
 * {@code thinking_delta}s, then a {@code signature_delta}), text ({@code text_delta}s)
 * and a {@code tool_use} per call ({@code input_json_delta}s), each block stopped before
 * the next starts; with tool calls the stop reason is {@code tool_use}. Errors in the
 * envelope {@code {"type":"error","error":{"type":...,"message":...}}}.
 */
final class AnthropicEncoder implements WireEncoder {

	private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

	@Override
	public String message(String model, AnswerContent answer, int inputTokens) {
		ObjectNode message = messageHead(model);
		ArrayNode content = message.putArray("content");
		for (Block block : blocks(answer)) {
			content.add(block.whole());
		}
		message.put("stop_reason", stopReason(answer));
		message.putNull("stop_sequence");
		message.set("usage", usage(inputTokens, answer.deltaCount()));
		return message.toString();
	}

	@Override
	public List<String> streamStart(String model, AnswerContent answer, int inputTokens) {
		ObjectNode message = messageHead(model);
		message.putArray("content");
		message.putNull("stop_reason");
		message.putNull("stop_sequence");
		// the real API reports the first output token at the start already
		message.set("usage", usage(inputTokens, 1));
		ObjectNode start = typed("message_start");
		start.set("message", message);
		return List.of(event(start), event(blocks(answer).get(0).start(0)), event(typed("ping")));
	}

	@Override
	public List<String> streamDeltas(String model, AnswerContent answer) {
		List<Block> blocks = blocks(answer);
		List<String> deltas = new ArrayList<>();
		for (int index = 0; index < blocks.size(); index++) {
			List<ObjectNode> pieces = blocks.get(index).deltas();
			for (int piece = 0; piece < pieces.size(); piece++) {
				// the first block starts with the stream, each later one with its first
				// delta
				String opening = (piece == 0 && index > 0)
						? event(blockStop(index - 1)) + event(blocks.get(index).start(index)) : "";
				ObjectNode delta = typed("content_block_delta").put("index", index);
				delta.set("delta", pieces.get(piece));
				deltas.add(opening + event(delta));
			}
		}
		return deltas;
	}

	@Override
	public List<String> streamEnd(String model, AnswerContent answer, int inputTokens, int outputTokens) {
		ObjectNode messageDelta = typed("message_delta");
		messageDelta.putObject("delta").put("stop_reason", stopReason(answer)).putNull("stop_sequence");
		messageDelta.putObject("usage").put("output_tokens", outputTokens);
		return List.of(event(blockStop(blocks(answer).size() - 1)), event(messageDelta), event(typed("message_stop")));
	}

	/**
	 * Return the content blocks of an answer: thinking, text, then a {@code tool_use}
	 * block per call.
	 */
	private static List<Block> blocks(AnswerContent answer) {
		List<Block> blocks = new ArrayList<>();
		if (answer.thinking() != null) {
			blocks.add(thinking(answer.thinking()));
		}
		if (answer.hasText()) {
			blocks.add(text(answer));
		}
		answer.toolCalls().forEach((call) -> blocks.add(toolUse(call)));
		return blocks;
	}

	private static Block thinking(AnswerContent.Thinking thinking) {
		List<ObjectNode> deltas = new ArrayList<>();
		thinking.pieces().forEach((piece) -> deltas.add(typed("thinking_delta").put("thinking", piece)));
		deltas.add(typed("signature_delta").put("signature", thinking.signature()));
		return new Block(typed("thinking").put("thinking", ""),
				typed("thinking").put("thinking", thinking.text()).put("signature", thinking.signature()), deltas);
	}

	private static Block text(AnswerContent answer) {
		List<ObjectNode> deltas = answer.pieces()
			.stream()
			.map((piece) -> typed("text_delta").put("text", piece))
			.toList();
		return new Block(typed("text").put("text", ""), typed("text").put("text", answer.joinedText()), deltas);
	}

	private static Block toolUse(AnswerContent.ToolCall call) {
		ObjectNode start = typed("tool_use").put("id", call.id()).put("name", call.name());
		start.putObject("input");
		ObjectNode whole = typed("tool_use").put("id", call.id()).put("name", call.name());
		whole.set("input", call.parsedInput());
		List<ObjectNode> deltas = call.inputPieces()
			.stream()
			.map((piece) -> typed("input_json_delta").put("partial_json", piece))
			.toList();
		return new Block(start, whole, deltas);
	}

	private static String stopReason(AnswerContent answer) {
		return answer.toolCalls().isEmpty() ? "end_turn" : "tool_use";
	}

	private static ObjectNode blockStop(int index) {
		return typed("content_block_stop").put("index", index);
	}

	@Override
	public String errorBody(String type, String message) {
		ObjectNode body = typed("error");
		body.putObject("error").put("type", type).put("message", message);
		return body.toString();
	}

	@Override
	public String event(String name, String data) {
		return "event: " + name + "\ndata: " + data + "\n\n";
	}

	@Override
	public String errorType(int status) {
		return switch (status) {
			case 400, 422 -> "invalid_request_error";
			case 401 -> "authentication_error";
			case 402 -> "billing_error";
			case 403 -> "permission_error";
			case 404 -> "not_found_error";
			case 413 -> "request_too_large";
			case 429 -> "rate_limit_error";
			case 504 -> "timeout_error";
			case 529 -> "overloaded_error";
			default -> "api_error";
		};
	}

	@Override
	public String requestIdHeader() {
		return "request-id";
	}

	@Override
	public Map<String, String> rateLimitHeaders(String budget, long limit, long remaining, Duration reset,
			Instant now) {
		// RFC 3339 in whole seconds, rounded up as the API does
		String resetAt = now.plus(reset).plusNanos(999_999_999).truncatedTo(ChronoUnit.SECONDS).toString();
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("anthropic-ratelimit-" + budget + "-limit", Long.toString(limit));
		headers.put("anthropic-ratelimit-" + budget + "-remaining", Long.toString(remaining));
		headers.put("anthropic-ratelimit-" + budget + "-reset", resetAt);
		return headers;
	}

	private static ObjectNode messageHead(String model) {
		return JSON.objectNode()
			.put("id", "msg_fake")
			.put("type", "message")
			.put("role", "assistant")
			.put("model", model);
	}

	private static ObjectNode usage(int inputTokens, int outputTokens) {
		return JSON.objectNode().put("input_tokens", inputTokens).put("output_tokens", outputTokens);
	}

	private static ObjectNode typed(String type) {
		return JSON.objectNode().put("type", type);
	}

	private String event(ObjectNode data) {
		return event(data.path("type").asText(), data.toString());
	}

	/**
	 * A content block: how {@code content_block_start} gives it, its whole form, and its
	 * deltas.
	 */
	private record Block(ObjectNode startBlock, ObjectNode whole, List<ObjectNode> deltas) {

		ObjectNode start(int index) {
			ObjectNode start = typed("content_block_start").put("index", index);
			start.set("content_block", this.startBlock);
			return start;
		}

	}

}
