package dev.llmresilience.test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Anthropic Messages API: a {@code message} object, or the events
 * {@code message_start}, {@code content_block_start}, {@code ping}, one
 * {@code content_block_delta} per piece, {@code content_block_stop},
 * {@code message_delta} and {@code message_stop}; errors in the envelope
 * {@code {"type":"error","error":{"type":...,"message":...}}}.
 */
final class AnthropicEncoder implements WireEncoder {

	private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

	@Override
	public String message(String model, List<String> pieces, int inputTokens) {
		ObjectNode message = messageHead(model);
		message.putArray("content").addObject().put("type", "text").put("text", String.join("", pieces));
		message.put("stop_reason", "end_turn");
		message.putNull("stop_sequence");
		message.set("usage", usage(inputTokens, pieces.size()));
		return message.toString();
	}

	@Override
	public List<String> streamStart(String model, int inputTokens) {
		ObjectNode message = messageHead(model);
		message.putArray("content");
		message.putNull("stop_reason");
		message.putNull("stop_sequence");
		// the real API reports the first output token at the start already
		message.set("usage", usage(inputTokens, 1));
		ObjectNode start = typed("message_start");
		start.set("message", message);
		ObjectNode blockStart = typed("content_block_start").put("index", 0);
		blockStart.putObject("content_block").put("type", "text").put("text", "");
		return List.of(event(start), event(blockStart), event(typed("ping")));
	}

	@Override
	public String streamDelta(String model, String text) {
		ObjectNode delta = typed("content_block_delta").put("index", 0);
		delta.putObject("delta").put("type", "text_delta").put("text", text);
		return event(delta);
	}

	@Override
	public List<String> streamEnd(String model, int inputTokens, int outputTokens) {
		ObjectNode messageDelta = typed("message_delta");
		messageDelta.putObject("delta").put("stop_reason", "end_turn").putNull("stop_sequence");
		messageDelta.putObject("usage").put("output_tokens", outputTokens);
		return List.of(event(typed("content_block_stop").put("index", 0)), event(messageDelta),
				event(typed("message_stop")));
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

}
