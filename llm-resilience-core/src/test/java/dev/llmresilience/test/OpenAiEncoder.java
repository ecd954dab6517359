package dev.llmresilience.test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenAI Chat Completions: a {@code chat.completion} object, or
 * {@code chat.completion.chunk} events (the role, one per piece, the finish reason, the
 * usage) ended by {@code data: [DONE]}. Reasoning comes as {@code reasoning_content},
 * unsigned; each tool call as a chunk that names it, then its argument pieces, and with
 * tool calls the finish reason is {@code tool_calls}. Errors in the envelope
 * {@code {"error":{"message":...,"type":...,"param":null,"code":null}}}.
 */
final class OpenAiEncoder implements WireEncoder {

	private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

	/** The field vLLM, DeepSeek and llama.cpp stream reasoning in. */
	private static final String REASONING = "reasoning_content";

	@Override
	public String message(String model, AnswerContent answer, int inputTokens) {
		ObjectNode completion = envelope(model, "chat.completion");
		ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
		ObjectNode message = choice.putObject("message").put("role", "assistant");
		if (answer.thinking() != null) {
			message.put(REASONING, answer.thinking().text());
		}
		// null rather than empty when the answer only calls tools, as OpenAI sends it
		message.put("content", answer.hasText() ? answer.joinedText() : null);
		if (!answer.toolCalls().isEmpty()) {
			ArrayNode toolCalls = message.putArray("tool_calls");
			answer.toolCalls().forEach((call) -> toolCalls.add(toolCall(call, call.input())));
		}
		choice.put("finish_reason", finishReason(answer));
		completion.set("usage", usage(inputTokens, answer.deltaCount()));
		return completion.toString();
	}

	@Override
	public List<String> streamStart(String model, AnswerContent answer, int inputTokens) {
		return List.of(chunk(model, JSON.objectNode().put("role", "assistant").put("content", "")));
	}

	@Override
	public List<String> streamDeltas(String model, AnswerContent answer) {
		List<String> deltas = new ArrayList<>();
		if (answer.thinking() != null) {
			// the reasoning of compatible servers (vLLM, DeepSeek) comes unsigned
			answer.thinking()
				.pieces()
				.forEach((piece) -> deltas.add(chunk(model, JSON.objectNode().put(REASONING, piece))));
		}
		answer.pieces().forEach((piece) -> deltas.add(chunk(model, JSON.objectNode().put("content", piece))));
		List<AnswerContent.ToolCall> calls = answer.toolCalls();
		for (int index = 0; index < calls.size(); index++) {
			AnswerContent.ToolCall call = calls.get(index);
			for (int piece = 0; piece < call.inputPieces().size(); piece++) {
				// a call's first chunk names it, with no arguments yet; the pieces follow
				String opening = (piece == 0) ? toolCallChunk(model, index, toolCall(call, "")) : "";
				ObjectNode argumentPiece = JSON.objectNode();
				argumentPiece.putObject("function").put("arguments", call.inputPieces().get(piece));
				deltas.add(opening + toolCallChunk(model, index, argumentPiece));
			}
		}
		return deltas;
	}

	@Override
	public List<String> streamEnd(String model, AnswerContent answer, int inputTokens, int outputTokens) {
		ObjectNode finish = envelope(model, "chat.completion.chunk");
		ObjectNode choice = finish.putArray("choices").addObject().put("index", 0);
		choice.putObject("delta");
		choice.put("finish_reason", finishReason(answer));
		// sent because the client asks for it with stream_options.include_usage
		ObjectNode usage = envelope(model, "chat.completion.chunk");
		usage.putArray("choices");
		usage.set("usage", usage(inputTokens, outputTokens));
		return List.of(data(finish.toString()), data(usage.toString()), data("[DONE]"));
	}

	private static ObjectNode toolCall(AnswerContent.ToolCall call, String arguments) {
		ObjectNode toolCall = JSON.objectNode().put("id", call.id()).put("type", "function");
		toolCall.putObject("function").put("name", call.name()).put("arguments", arguments);
		return toolCall;
	}

	private static String toolCallChunk(String model, int index, ObjectNode toolCall) {
		ObjectNode delta = JSON.objectNode();
		delta.putArray("tool_calls").addObject().put("index", index).setAll(toolCall);
		return chunk(model, delta);
	}

	private static String chunk(String model, ObjectNode delta) {
		ObjectNode chunk = envelope(model, "chat.completion.chunk");
		ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
		choice.set("delta", delta);
		choice.putNull("finish_reason");
		return data(chunk.toString());
	}

	private static String finishReason(AnswerContent answer) {
		return answer.toolCalls().isEmpty() ? "stop" : "tool_calls";
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
