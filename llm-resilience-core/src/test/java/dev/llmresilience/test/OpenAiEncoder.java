package dev.llmresilience.test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenAI Chat Completions: a {@code chat.completion} object, or
 * {@code chat.completion.chunk} events (the role, one per piece, the finish reason, the
 * usage) ended by {@code data: [DONE]}; errors in the envelope
 * {@code {"error":{"message":...,"type":...,"param":null,"code":null}}}.
 */
final class OpenAiEncoder implements WireEncoder {

	private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

	@Override
	public String message(String model, List<String> pieces, int inputTokens) {
		ObjectNode completion = envelope(model, "chat.completion");
		ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
		choice.putObject("message").put("role", "assistant").put("content", String.join("", pieces));
		choice.put("finish_reason", "stop");
		completion.set("usage", usage(inputTokens, pieces.size()));
		return completion.toString();
	}

	@Override
	public List<String> streamStart(String model, int inputTokens) {
		ObjectNode chunk = envelope(model, "chat.completion.chunk");
		ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
		choice.putObject("delta").put("role", "assistant").put("content", "");
		choice.putNull("finish_reason");
		return List.of(data(chunk.toString()));
	}

	@Override
	public String streamDelta(String model, String text) {
		ObjectNode chunk = envelope(model, "chat.completion.chunk");
		ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
		choice.putObject("delta").put("content", text);
		choice.putNull("finish_reason");
		return data(chunk.toString());
	}

	@Override
	public List<String> streamEnd(String model, int inputTokens, int outputTokens) {
		ObjectNode finish = envelope(model, "chat.completion.chunk");
		ObjectNode choice = finish.putArray("choices").addObject().put("index", 0);
		choice.putObject("delta");
		choice.put("finish_reason", "stop");
		// sent because the client asks for it with stream_options.include_usage
		ObjectNode usage = envelope(model, "chat.completion.chunk");
		usage.putArray("choices");
		usage.set("usage", usage(inputTokens, outputTokens));
		return List.of(data(finish.toString()), data(usage.toString()), data("[DONE]"));
	}

	@Override
	public String errorBody(String type, String message) {
		ObjectNode body = JSON.objectNode();
		body.putObject("error").put("message", message).put("type", type).putNull("param").putNull("code");
		return body.toString();
	}

	@Override
	public String event(String name, String data) {
		return data(data);
	}

	@Override
	public String errorType(int status) {
		return switch (status) {
			case 400, 404, 413, 422 -> "invalid_request_error";
			case 401 -> "authentication_error";
			case 403 -> "permission_error";
			case 429 -> "rate_limit_exceeded";
			default -> (status >= 500) ? "server_error" : "invalid_request_error";
		};
	}

	@Override
	public String requestIdHeader() {
		return "x-request-id";
	}

	@Override
	public Map<String, String> rateLimitHeaders(String budget, long limit, long remaining, Duration reset,
			Instant now) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("x-ratelimit-limit-" + budget, Long.toString(limit));
		headers.put("x-ratelimit-remaining-" + budget, Long.toString(remaining));
		// a duration in the notation of Go, counted from the response
		headers.put("x-ratelimit-reset-" + budget, reset.toMillis() + "ms");
		return headers;
	}

	private static ObjectNode envelope(String model, String object) {
		return JSON.objectNode()
			.put("id", "chatcmpl-fake")
			.put("object", object)
			.put("created", 1_700_000_000L)
			.put("model", model);
	}

	private static ObjectNode usage(int inputTokens, int outputTokens) {
		return JSON.objectNode()
			.put("prompt_tokens", inputTokens)
			.put("completion_tokens", outputTokens)
			.put("total_tokens", inputTokens + outputTokens);
	}

	private static String data(String data) {
		return "data: " + data + "\n\n";
	}

}
