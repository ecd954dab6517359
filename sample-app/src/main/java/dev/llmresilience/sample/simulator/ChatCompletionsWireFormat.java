package dev.llmresilience.sample.simulator;

import java.time.Duration;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.springframework.lang.Nullable;

/**
 * The JSON bodies and stream chunks of OpenAI Chat Completions, field for field.
 */
final class ChatCompletionsWireFormat {

	private static final JsonNodeFactory json = JsonNodeFactory.instance;

	private ChatCompletionsWireFormat() {
	}

	/**
	 * Return a whole answer, a {@code chat.completion}.
	 * @param id the completion's id
	 * @param created when it was created, in seconds since the epoch
	 * @param model the model name
	 * @param answer the answer
	 * @param inputTokens the prompt's tokens
	 * @return the body
	 */
	static ObjectNode completion(String id, long created, String model, SimulatedAnswer answer, long inputTokens) {
		ObjectNode completion = head(id, "chat.completion", created, model);
		ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
		ObjectNode message = choice.putObject("message").put("role", "assistant");
		if (answer.tool() != null) {
			// null rather than empty when the answer only calls a tool, as the real API
			// sends it
			message.putNull("content");
			message.putArray("tool_calls").add(toolCall(answer.tool(), answer.text()));
		}
		else {
			message.put("content", answer.text());
		}
		message.putNull("refusal");
		choice.putNull("logprobs");
		choice.put("finish_reason", finishReason(answer));
		completion.set("usage", usage(inputTokens, answer.outputTokens()));
		return completion;
	}

	/**
	 * Return a {@code chat.completion.chunk} with one choice.
	 * @param id the completion's id, the same in every chunk
	 * @param created when it was created
	 * @param model the model name
	 * @param delta what the chunk adds
	 * @param finishReason the finish reason in the last chunk of the choice, otherwise
	 * {@code null}
	 * @param includeUsage whether the stream ends with a usage chunk, before which every
	 * chunk has a {@code null} usage
	 * @return the chunk
	 */
	static ObjectNode chunk(String id, long created, String model, ObjectNode delta, @Nullable String finishReason,
			boolean includeUsage) {
		ObjectNode chunk = head(id, "chat.completion.chunk", created, model);
		ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
		choice.set("delta", delta);
		choice.putNull("logprobs");
		choice.put("finish_reason", finishReason);
		if (includeUsage) {
			chunk.putNull("usage");
		}
		return chunk;
	}

	/**
	 * Return the chunk that ends a stream asked for with
	 * {@code stream_options.include_usage}: no choices, and the usage.
	 * @param id the completion's id
	 * @param created when it was created
	 * @param model the model name
	 * @param inputTokens the prompt's tokens
	 * @param outputTokens the answer's tokens
	 * @return the chunk
	 */
	static ObjectNode usageChunk(String id, long created, String model, long inputTokens, long outputTokens) {
		ObjectNode chunk = head(id, "chat.completion.chunk", created, model);
		chunk.putArray("choices");
		chunk.set("usage", usage(inputTokens, outputTokens));
		return chunk;
	}

	/**
	 * Return the delta of a stream's first chunk: the role and, for a tool call, the
	 * call's id and name with no arguments yet.
	 * @param answer the answer
	 * @return the delta
	 */
	static ObjectNode firstDelta(SimulatedAnswer answer) {
		ObjectNode delta = json.objectNode().put("role", "assistant");
		if (answer.tool() != null) {
			delta.putNull("content");
			delta.putArray("tool_calls").add(toolCall(answer.tool(), "").put("index", 0));
		}
		else {
			delta.put("content", "");
		}
		delta.putNull("refusal");
		return delta;
	}

	/**
	 * Return the delta of a piece of the answer: of its text, or of its tool call's
	 * arguments.
	 * @param answer the answer
	 * @param chunk the piece
	 * @return the delta
	 */
	static ObjectNode delta(SimulatedAnswer answer, String chunk) {
		ObjectNode delta = json.objectNode();
		if (answer.tool() != null) {
			delta.putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", chunk);
		}
		else {
			delta.put("content", chunk);
		}
		return delta;
	}

	/**
	 * Return the delta of a stream's last chunk of its choice, which carries the finish
	 * reason.
	 * @return the delta
	 */
	static ObjectNode lastDelta() {
		return json.objectNode();
	}

	private static ObjectNode toolCall(String tool, String arguments) {
		ObjectNode call = json.objectNode().put("id", ModelSimulator.newId("call_sim_")).put("type", "function");
		call.putObject("function").put("name", tool).put("arguments", arguments);
		return call;
	}

	/**
	 * Return the finish reason of an answer: {@code tool_calls}, {@code length} if it was
	 * cut at the output limit, otherwise {@code stop}.
	 * @param answer the answer
	 * @return the finish reason
	 */
	static String finishReason(SimulatedAnswer answer) {
		return switch (answer.stopReason()) {
			case "tool_use" -> "tool_calls";
			case "max_tokens" -> "length";
			default -> "stop";
		};
	}

	private static ObjectNode head(String id, String object, long created, String model) {
		return json.objectNode().put("id", id).put("object", object).put("created", created).put("model", model);
	}

	private static ObjectNode usage(long inputTokens, long outputTokens) {
		return json.objectNode()
			.put("prompt_tokens", inputTokens)
			.put("completion_tokens", outputTokens)
			.put("total_tokens", inputTokens + outputTokens);
	}

	/**
	 * Return an error, as the body of an HTTP error response or as a chunk of a stream.
	 * @param message the message
	 * @param type the type, such as {@code server_error}
	 * @param param the request field at fault, or {@code null}
	 * @param code a code for the error, such as {@code rate_limit_exceeded}, or
	 * {@code null}
	 * @return the error
	 */
	static ObjectNode error(String message, String type, @Nullable String param, @Nullable String code) {
		ObjectNode body = json.objectNode();
		body.putObject("error").put("message", message).put("type", type).put("param", param).put("code", code);
		return body;
	}

	/**
	 * Write a duration as the {@code x-ratelimit-reset-*} headers do, in the notation of
	 * Go ({@code 0s}, {@code 250ms}, {@code 1.5s}, {@code 1m0s}, {@code 1h2m3s}), rounded
	 * up to the millisecond so that a client never waits too little.
	 * @param duration the duration, not negative
	 * @return the text
	 */
	static String goDuration(Duration duration) {
		long millis = duration.plusNanos(999_999).toMillis();
		if (millis < 1000) {
			return (millis == 0) ? "0s" : millis + "ms";
		}
		long hours = millis / 3_600_000;
		long minutes = millis / 60_000 % 60;
		StringBuilder text = new StringBuilder();
		if (hours > 0) {
			text.append(hours).append('h');
		}
		if (hours > 0 || minutes > 0) {
			text.append(minutes).append('m');
		}
		text.append(millis / 1000 % 60);
		long fraction = millis % 1000;
		if (fraction > 0) {
			// 3 digits, then without the zeros at the end: 1.5s, not 1.500s
			text.append('.').append(String.format("%03d", fraction).replaceAll("0+$", ""));
		}
		return text.append('s').toString();
	}

}
