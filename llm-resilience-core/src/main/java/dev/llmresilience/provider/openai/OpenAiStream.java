package dev.llmresilience.provider.openai;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.provider.AnswerTool;
import dev.llmresilience.provider.EventStreamReader;
import dev.llmresilience.provider.ProviderErrorMapper;
import dev.llmresilience.provider.ProviderJson;
import dev.llmresilience.provider.ProviderProtocol;
import dev.llmresilience.provider.ResponseMetadata;
import dev.llmresilience.provider.ToolCalls;

import org.springframework.http.codec.ServerSentEvent;
import org.springframework.lang.Nullable;
import org.springframework.util.StringUtils;

/**
 * The state of one streamed Chat Completions answer: turns its chunks into text,
 * reasoning, refusal and tool-call events and, after {@code data: [DONE]}, one
 * completion. Usage arrives in a chunk of its own, with no choices, near the end; should
 * a server send it more than once, the last value wins. One instance serves one response.
 * <p>
 * A tool call ends when the next one begins or the choice finishes. A stream that reports
 * an error, in a chunk or in an {@code error:} line as older llama.cpp servers do, fails;
 * so does one that ends without a finish reason, {@code [DONE]} or not: a truncated
 * answer is never a success.
 * <p>
 * It assembles the body the same answer would have had unstreamed: one choice whose
 * message has the joined text, reasoning, refusal, annotations, and tool calls with their
 * argument pieces joined. That body is read into the completion just as an unstreamed one
 * is, and is its {@link LlmResponse#raw()}. Only the assembled parts are kept, never the
 * chunks themselves.
 * <p>
 * With the {@link AnswerTool answer tool}, its arguments stream as the answer's text, and
 * the message's own text is held back until it is known not to be the answer tool's
 * preamble, which the completion leaves out too.
 */
final class OpenAiStream implements EventStreamReader<LlmStreamEvent> {

	/**
	 * The fields compatible servers stream reasoning in: vLLM, DeepSeek and llama.cpp
	 * {@code reasoning_content}, Ollama and OpenRouter {@code reasoning}.
	 */
	static final List<String> REASONING_FIELDS = List.of("reasoning_content", "reasoning");

	private static final String DONE = "[DONE]";

	private final ProviderJson json;

	private final ProviderErrorMapper errors;

	private final OpenAiProtocol protocol;

	private final OpenAiAnswer answer;

	private final LlmModel model;

	private final ResponseMetadata metadata;

	/**
	 * The tool whose arguments are the answer, streamed as text; {@code null} for none.
	 */
	@Nullable
	private final String answerTool;

	/** The text outside the answer tool, with one; {@code null} without. */
	@Nullable
	private final AnswerTool.StreamedText heldText;

	private final StringBuilder text = new StringBuilder();

	private final StringBuilder reasoning = new StringBuilder();

	private final StringBuilder refusal = new StringBuilder();

	private final ArrayNode annotations = JsonNodeFactory.instance.arrayNode();

	/** The tool calls in the order they began. */
	private final List<ToolCall> toolCalls = new ArrayList<>();

	/** The call each index last referred to, which is how their pieces refer to them. */
	private final Map<Integer, ToolCall> callsByIndex = new HashMap<>();

	private String reasoningField = REASONING_FIELDS.get(0);

	private String modelName;

	private String rawStopReason;

	private String id;

	private JsonNode created;

	private JsonNode usage;

	private boolean done;

	OpenAiStream(ProviderJson json, ProviderErrorMapper errors, OpenAiProtocol protocol, OpenAiAnswer answer,
			LlmModel model, ResponseMetadata metadata, @Nullable String answerTool) {
		this.json = json;
		this.errors = errors;
		this.protocol = protocol;
		this.answer = answer;
		this.model = model;
		this.metadata = metadata;
		this.answerTool = answerTool;
		this.heldText = (answerTool != null) ? new AnswerTool.StreamedText() : null;
		this.modelName = model.name();
	}

	@Override
	public boolean read(ServerSentEvent<String> event, Consumer<LlmStreamEvent> emit) {
		String data = event.data();
		if (data == null || data.isBlank()) {
			// comments and keep-alives
			return false;
		}
		if (data.trim().equals(DONE)) {
			if (this.rawStopReason == null) {
				throw this.errors.invalidResponse(this.model, "the stream ended without a finish reason", null);
			}
			this.done = true;
			return true;
		}
		JsonNode chunk = this.json.readJson(this.model, data);
		ProviderProtocol.ApiError error = this.protocol.readError(chunk);
		if (error == null && "error".equals(event.event())) {
			// an error: line, whose value is the error object itself
			error = this.protocol.readError(JsonNodeFactory.instance.objectNode().set("error", chunk));
			if (error == null) {
				error = new ProviderProtocol.ApiError(null, null, null);
			}
		}
		if (error != null) {
			throw this.errors.apiException(this.model, this.metadata, error);
		}
		header(chunk);
		JsonNode choice = firstChoice(chunk.path("choices"));
		JsonNode delta = choice.path("delta");
		reasoning(delta, emit);
		String piece = OpenAiAnswer.text(delta.path("content"));
		if (!piece.isEmpty()) {
			this.text.append(piece);
			if (this.heldText != null) {
				this.heldText.hold(new LlmStreamEvent.TextDelta(piece));
			}
			else {
				emit.accept(new LlmStreamEvent.TextDelta(piece));
			}
		}
		String refusal = delta.path("refusal").textValue();
		if (StringUtils.hasLength(refusal)) {
			this.refusal.append(refusal);
			emit.accept(new LlmStreamEvent.RefusalDelta(refusal));
		}
		if (delta.path("annotations").isArray()) {
			this.annotations.addAll((ArrayNode) delta.path("annotations"));
		}
		toolCalls(delta.path("tool_calls"), emit);
		if (choice.path("finish_reason").isTextual()) {
			this.rawStopReason = choice.path("finish_reason").textValue();
			if (this.heldText != null) {
				this.heldText.end(emit);
			}
			endToolCalls(emit);
		}
		return false;
	}

	/**
	 * Take the answer's id, creation time, model and usage. An empty id or a zero time
	 * (Azure's prompt-filter chunk comes first with both) is not the answer's.
	 */
	private void header(JsonNode chunk) {
		String chunkModel = chunk.path("model").textValue();
		if (StringUtils.hasText(chunkModel)) {
			this.modelName = chunkModel;
		}
		if (chunk.path("usage").isObject()) {
			this.usage = chunk.path("usage");
		}
		if (this.id == null && StringUtils.hasText(chunk.path("id").textValue())) {
			this.id = chunk.path("id").textValue();
		}
		if (this.created == null && chunk.path("created").isNumber() && chunk.path("created").asLong() > 0) {
			this.created = chunk.path("created");
		}
	}

	private void reasoning(JsonNode delta, Consumer<LlmStreamEvent> emit) {
		for (String field : REASONING_FIELDS) {
			String piece = delta.path(field).textValue();
			if (StringUtils.hasLength(piece)) {
				this.reasoningField = field;
				this.reasoning.append(piece);
				emit.accept(new LlmStreamEvent.ReasoningDelta(piece));
				return;
			}
		}
	}

	private void toolCalls(JsonNode pieces, Consumer<LlmStreamEvent> emit) {
		if (!pieces.isArray()) {
			return;
		}
		for (JsonNode piece : pieces) {
			int index = piece.path("index").asInt(-1);
			ToolCall call = callOf(piece, index);
			if (call == null) {
				// a new call: the ones before it are complete
				endToolCalls(emit);
				call = new ToolCall(ToolCalls.idOrNew(piece.path("id").textValue()));
				this.toolCalls.add(call);
			}
			if (index >= 0) {
				this.callsByIndex.put(index, call);
			}
			String arguments = call.add(piece);
			boolean answer = call.name != null && call.name.equals(this.answerTool);
			if (answer) {
				// held text before it is the answer's preamble
				this.heldText.toolCall(true, emit);
			}
			if (call.name != null && !call.started && !answer) {
				if (this.heldText != null) {
					this.heldText.toolCall(false, emit);
				}
				call.started = true;
				emit.accept(new LlmStreamEvent.ToolCallStart(call.id, call.name));
			}
			if (!arguments.isEmpty() && (answer || call.started)) {
				emit.accept(answer ? new LlmStreamEvent.TextDelta(arguments)
						: new LlmStreamEvent.ToolInputDelta(call.id, arguments));
			}
		}
	}

	/**
	 * Return the call a piece continues, or {@code null} if it begins a new one. A piece
	 * refers to its call by index; the first piece of a call brings its id and name.
	 * Compatible servers bend that: some give every call index 0 (Ollama, gateways that
	 * translate other APIs), so a piece that names a tool under an id not seen before
	 * begins a new call whatever its index; some leave the index out, so a piece without
	 * one begins a new call if it names a tool (Gemini sends each call whole) and
	 * otherwise continues the last call (proxies that stream the arguments in pieces).
	 */
	@Nullable
	private ToolCall callOf(JsonNode piece, int index) {
		String id = piece.path("id").textValue();
		boolean named = StringUtils.hasText(piece.path("function").path("name").textValue());
		if (StringUtils.hasText(id)) {
			for (ToolCall call : this.toolCalls) {
				if (call.id.equals(id)) {
					return call;
				}
			}
			if (named) {
				return null;
			}
		}
		if (index >= 0) {
			return this.callsByIndex.get(index);
		}
		return (named || this.toolCalls.isEmpty()) ? null : this.toolCalls.get(this.toolCalls.size() - 1);
	}

	private void endToolCalls(Consumer<LlmStreamEvent> emit) {
		for (ToolCall call : this.toolCalls) {
			if (call.started && !call.ended) {
				call.ended = true;
				emit.accept(
						new LlmStreamEvent.ToolCallEnd(ToolCalls.read(call.id, call.name, call.arguments.toString())));
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
		return new LlmStreamEvent.Completion(this.answer.read(raw(), this.metadata));
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
		if (this.reasoning.length() > 0) {
			message.put(this.reasoningField, this.reasoning.toString());
		}
		if (this.refusal.length() > 0) {
			message.put("refusal", this.refusal.toString());
		}
		if (!this.annotations.isEmpty()) {
			message.set("annotations", this.annotations);
		}
		if (!this.toolCalls.isEmpty()) {
			ArrayNode toolCalls = message.putArray("tool_calls");
			this.toolCalls.forEach((toolCall) -> toolCalls.add(toolCall.toJson()));
		}
		choice.put("finish_reason", this.rawStopReason);
		if (this.usage != null) {
			raw.set("usage", this.usage);
		}
		return raw;
	}

	/**
	 * A tool call of the answer: its id, type and name come whole in one of its pieces,
	 * its arguments in fragments to join.
	 */
	private static final class ToolCall {

		private final String id;

		private String type = "function";

		private String name;

		private final StringBuilder arguments = new StringBuilder();

		private boolean started;

		private boolean ended;

		ToolCall(String id) {
			this.id = id;
		}

		/**
		 * Take a piece of the call and return the piece of its arguments it holds.
		 */
		String add(JsonNode piece) {
			if (StringUtils.hasText(piece.path("type").textValue())) {
				this.type = piece.path("type").textValue();
			}
			JsonNode function = piece.path("function");
			if (this.name == null && StringUtils.hasText(function.path("name").textValue())) {
				this.name = function.path("name").textValue();
			}
			JsonNode arguments = function.path("arguments");
			// a string at OpenAI; some compatible servers send each call whole, as an
			// object
			String added = arguments.isTextual() ? arguments.textValue()
					: arguments.isObject() ? arguments.toString() : "";
			this.arguments.append(added);
			return added;
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
