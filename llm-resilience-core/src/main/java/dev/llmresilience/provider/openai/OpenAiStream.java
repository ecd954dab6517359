package dev.llmresilience.provider.openai;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.provider.EventStreamReader;
import dev.llmresilience.provider.ProviderErrorMapper;
import dev.llmresilience.provider.ProviderJson;
import dev.llmresilience.provider.ProviderProtocol;
import dev.llmresilience.provider.ResponseMetadata;
import reactor.core.publisher.SynchronousSink;

import org.springframework.http.codec.ServerSentEvent;
import org.springframework.util.StringUtils;

/**
 * The state of one streamed Chat Completions answer: turns its chunks into text deltas
 * and, after {@code data: [DONE]}, one completion. Usage arrives in a chunk of its own,
 * with no choices, near the end; should a server send it more than once, the last value
 * wins. One instance serves one response.
 * <p>
 * It also assembles the body the same answer would have had unstreamed, for
 * {@link LlmResponse#raw()}: one choice whose message has the joined text and the tool
 * calls with their argument pieces joined, a string as unstreamed. Only the assembled
 * parts are kept, never the chunks themselves.
 */
final class OpenAiStream implements EventStreamReader<LlmStreamEvent> {

	private static final String DONE = "[DONE]";

	private final ProviderJson json;

	private final ProviderErrorMapper errors;

	private final OpenAiProtocol protocol;

	private final String provider;

	private final LlmModel model;

	private final ResponseMetadata metadata;

	private final StringBuilder text = new StringBuilder();

	/** The tool calls by index, which is how their pieces refer to them. */
	private final Map<Integer, ToolCall> toolCalls = new TreeMap<>();

	private String modelName;

	private String rawStopReason;

	private LlmUsage usage = LlmUsage.NONE;

	private String id;

	private JsonNode created;

	private JsonNode rawUsage;

	private boolean done;

	OpenAiStream(ProviderJson json, ProviderErrorMapper errors, OpenAiProtocol protocol, String provider,
			LlmModel model, ResponseMetadata metadata) {
		this.json = json;
		this.errors = errors;
		this.protocol = protocol;
		this.provider = provider;
		this.model = model;
		this.metadata = metadata;
		this.modelName = model.name();
	}

	@Override
	public void accept(ServerSentEvent<String> event, SynchronousSink<LlmStreamEvent> sink) {
		String data = event.data();
		if (data == null || data.isBlank()) {
			// comments and keep-alives
			return;
		}
		if (data.trim().equals(DONE)) {
			this.done = true;
			// stop reading here: a server that holds the connection open must not hit the
			// idle timeout
			sink.complete();
			return;
		}
		JsonNode chunk = this.json.readJson(this.model, data);
		ProviderProtocol.ApiError error = this.protocol.readError(chunk);
		if (error != null) {
			sink.error(this.errors.apiException(this.model, this.metadata, error));
			return;
		}
		String chunkModel = chunk.path("model").textValue();
		if (StringUtils.hasText(chunkModel)) {
			this.modelName = chunkModel;
		}
		if (chunk.path("usage").isObject()) {
			this.usage = OpenAiProvider.usage(chunk.path("usage"));
			this.rawUsage = chunk.path("usage");
		}
		if (this.id == null && chunk.path("id").isTextual()) {
			this.id = chunk.path("id").textValue();
		}
		if (this.created == null && chunk.path("created").isNumber()) {
			this.created = chunk.path("created");
		}
		JsonNode choice = firstChoice(chunk.path("choices"));
		if (choice.path("finish_reason").isTextual()) {
			this.rawStopReason = choice.path("finish_reason").textValue();
		}
		String piece = OpenAiProvider.text(choice.path("delta").path("content"));
		if (!piece.isEmpty()) {
			this.text.append(piece);
			sink.next(new LlmStreamEvent.TextDelta(piece));
		}
		JsonNode toolCalls = choice.path("delta").path("tool_calls");
		if (toolCalls.isArray()) {
			for (JsonNode toolCall : toolCalls) {
				// some compatible servers leave the index out when they send each call
				// whole
				int index = toolCall.path("index").asInt(this.toolCalls.size());
				this.toolCalls.computeIfAbsent(index, (key) -> new ToolCall()).add(toolCall);
			}
		}
	}

	private static JsonNode firstChoice(JsonNode choices) {
		if (choices.isArray()) {
			// with n > 1 the chunks of other choices interleave; only choice 0 is the
			// answer
			for (JsonNode choice : choices) {
				if (choice.path("index").asInt(0) == 0) {
					return choice;
				}
			}
		}
		return MissingNode.getInstance();
	}

	@Override
	public LlmStreamEvent complete() {
		if (!this.done) {
			throw this.errors.invalidResponse(this.model, "the stream ended before [DONE]", null);
		}
		LlmResponse response = new LlmResponse(this.text.toString(), this.model.id(), this.modelName, this.provider,
				OpenAiProvider.stopReason(this.rawStopReason), this.rawStopReason, this.usage,
				this.metadata.requestId(), this.metadata.rateLimits(), false, List.of(), raw());
		return new LlmStreamEvent.Completion(response);
	}

	private ObjectNode raw() {
		JsonNodeFactory nodes = JsonNodeFactory.instance;
		ObjectNode raw = nodes.objectNode();
		raw.put("id", this.id);
		raw.put("object", "chat.completion");
		if (this.created != null) {
			raw.set("created", this.created);
		}
		raw.put("model", this.modelName);
		ObjectNode choice = raw.putArray("choices").addObject();
		choice.put("index", 0);
		ObjectNode message = choice.putObject("message");
		message.put("role", "assistant");
		// null rather than empty, as unstreamed when the model only calls tools
		message.put("content", (this.text.length() > 0) ? this.text.toString() : null);
		if (!this.toolCalls.isEmpty()) {
			ArrayNode toolCalls = message.putArray("tool_calls");
			this.toolCalls.values().forEach((toolCall) -> toolCalls.add(toolCall.toJson()));
		}
		choice.put("finish_reason", this.rawStopReason);
		if (this.rawUsage != null) {
			raw.set("usage", this.rawUsage);
		}
		return raw;
	}

	/**
	 * A tool call of the answer: its id, type and name come whole in one of its pieces,
	 * its arguments in fragments to join.
	 */
	private static final class ToolCall {

		private String id;

		private String type = "function";

		private String name;

		private final StringBuilder arguments = new StringBuilder();

		void add(JsonNode piece) {
			if (StringUtils.hasText(piece.path("id").textValue())) {
				this.id = piece.path("id").textValue();
			}
			if (StringUtils.hasText(piece.path("type").textValue())) {
				this.type = piece.path("type").textValue();
			}
			JsonNode function = piece.path("function");
			if (StringUtils.hasText(function.path("name").textValue())) {
				this.name = function.path("name").textValue();
			}
			if (function.path("arguments").isTextual()) {
				this.arguments.append(function.path("arguments").textValue());
			}
		}

		ObjectNode toJson() {
			ObjectNode json = JsonNodeFactory.instance.objectNode();
			json.put("id", this.id);
			json.put("type", this.type);
			json.putObject("function").put("name", this.name).put("arguments", this.arguments.toString());
			return json;
		}

	}

}
