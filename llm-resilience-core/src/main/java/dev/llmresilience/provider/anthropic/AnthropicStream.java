package dev.llmresilience.provider.anthropic;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.llmresilience.LlmContent;
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

/**
 * The state of one streamed Messages API answer: turns its events into text, reasoning
 * and tool-call events and, after {@code message_stop}, one completion. Usage comes in
 * {@code message_start} and again, cumulative, in {@code message_delta}, so the last
 * value of each count wins. One instance serves one response.
 * <p>
 * It assembles the body the same answer would have had unstreamed: the message of
 * {@code message_start}, its content blocks in index order with their deltas joined
 * (text, thinking, signatures, tool input, citations, compaction content), and the stop
 * reason and usage of the last {@code message_delta}. That body is read into the
 * completion just as an unstreamed one is, and is its {@link LlmResponse#raw()}. Only the
 * assembled parts are kept, never the events themselves.
 * <p>
 * With the {@link AnswerTool answer tool}, its input streams as the answer's text, and
 * the text of other blocks is held back until it is known not to be the answer tool's
 * preamble, which the completion leaves out too.
 */
final class AnthropicStream implements EventStreamReader<LlmStreamEvent> {

	private final ProviderJson json;

	private final ProviderErrorMapper errors;

	private final AnthropicProtocol protocol;

	private final AnthropicAnswer answer;

	private final LlmModel model;

	private final ResponseMetadata metadata;

	/** The tool whose input is the answer, streamed as text; {@code null} for none. */
	@Nullable
	private final String answerTool;

	/** The text outside the answer tool, with one; {@code null} without. */
	@Nullable
	private final AnswerTool.StreamedText text;

	/**
	 * The content blocks by index; a block's index is its place in the unstreamed body.
	 */
	private final Map<Integer, Block> blocks = new TreeMap<>();

	private ObjectNode message = JsonNodeFactory.instance.objectNode();

	private ObjectNode usage = JsonNodeFactory.instance.objectNode();

	private String modelName;

	private String rawStopReason;

	private boolean stopped;

	AnthropicStream(ProviderJson json, ProviderErrorMapper errors, AnthropicProtocol protocol, AnthropicAnswer answer,
			LlmModel model, ResponseMetadata metadata, @Nullable String answerTool) {
		this.json = json;
		this.errors = errors;
		this.protocol = protocol;
		this.answer = answer;
		this.model = model;
		this.metadata = metadata;
		this.answerTool = answerTool;
		this.text = (answerTool != null) ? new AnswerTool.StreamedText() : null;
		this.modelName = model.name();
	}

	@Override
	public boolean read(ServerSentEvent<String> event, Consumer<LlmStreamEvent> emit) {
		if (this.stopped || event.data() == null || event.data().isBlank()) {
			// keep-alive comments, and anything after message_stop
			return this.stopped;
		}
		JsonNode data = this.json.readJson(this.model, event.data());
		String type = data.path("type").asText(String.valueOf(event.event()));
		switch (type) {
			case "message_start" -> {
				JsonNode message = data.path("message");
				this.modelName = message.path("model").asText(this.modelName);
				if (message instanceof ObjectNode object) {
					this.message = object;
				}
				if (message.path("usage") instanceof ObjectNode object) {
					this.usage = object;
				}
			}
			case "content_block_start" -> start(data, emit);
			case "content_block_delta" -> {
				Block block = this.blocks.computeIfAbsent(data.path("index").asInt(-1),
						(index) -> Block.implied(data.path("delta")));
				if (block != null) {
					LlmStreamEvent delta = block.add(data.path("delta"));
					if (this.text != null && !block.answer && delta instanceof LlmStreamEvent.TextDelta piece) {
						this.text.hold(piece);
					}
					else if (delta != null) {
						emit.accept(delta);
					}
				}
			}
			case "content_block_stop" -> {
				Block block = this.blocks.get(data.path("index").asInt(-1));
				if (block != null) {
					finish(block, emit);
				}
			}
			case "message_delta" -> {
				JsonNode stopReason = data.path("delta").path("stop_reason");
				if (stopReason.isTextual()) {
					this.rawStopReason = stopReason.asText();
				}
				// stop_reason, stop_sequence and whatever else the message gets at its
				// end; the usage counts are cumulative, so the last value of each wins
				copyFields(data.path("delta"), this.message);
				copyFields(data.path("usage"), this.usage);
			}
			case "message_stop" -> {
				if (this.text != null) {
					this.text.end(emit);
				}
				// A block left open is still part of the answer, and a call left open
				// still ends.
				this.blocks.values().forEach((block) -> finish(block, emit));
				// The answer is whole: stop reading, whatever the connection does next.
				this.stopped = true;
			}
			case "error" -> {
				ProviderProtocol.ApiError error = this.protocol.readError(data);
				throw this.errors.apiException(this.model, this.metadata,
						(error != null) ? error : new ProviderProtocol.ApiError(null, null, null));
			}
			default -> {
				// ping and event types added later carry no content
			}
		}
		return this.stopped;
	}

	private void start(JsonNode data, Consumer<LlmStreamEvent> emit) {
		JsonNode start = data.path("content_block");
		ObjectNode node = (start instanceof ObjectNode object) ? object : JsonNodeFactory.instance.objectNode();
		int index = data.path("index").asInt(this.blocks.size());
		if (this.blocks.containsKey(index)) {
			// started again, or implied by a delta that came first: the pieces read
			// so far stay
			return;
		}
		Block block = new Block(node, this.answerTool);
		this.blocks.put(index, block);
		if (this.text != null && (block.answer || block.isToolCall())) {
			this.text.toolCall(block.answer, emit);
		}
		if (block.isToolCall()) {
			if (!node.path("id").isTextual() || !node.path("name").isTextual()) {
				throw this.errors.invalidResponse(this.model, "a streamed tool_use block has no id or name", null);
			}
			emit.accept(new LlmStreamEvent.ToolCallStart(node.path("id").textValue(), node.path("name").textValue()));
		}
	}

	private static void finish(Block block, Consumer<LlmStreamEvent> emit) {
		if (block.finish() && block.isToolCall()) {
			emit.accept(new LlmStreamEvent.ToolCallEnd(block.toolCall()));
		}
	}

	private static void copyFields(JsonNode from, ObjectNode to) {
		from.properties().forEach((field) -> {
			if (!field.getValue().isNull()) {
				to.set(field.getKey(), field.getValue());
			}
		});
	}

	@Override
	public LlmStreamEvent complete() {
		if (!this.stopped) {
			throw this.errors.invalidResponse(this.model, "the stream ended before message_stop", null);
		}
		return new LlmStreamEvent.Completion(this.answer.read(raw(), this.metadata));
	}

	private ObjectNode raw() {
		ObjectNode raw = this.message;
		// set in place, so that the fields keep the order message_start gave them
		if (!raw.has("id")) {
			raw.putNull("id");
		}
		raw.put("type", "message");
		if (!raw.path("role").isTextual()) {
			raw.put("role", "assistant");
		}
		raw.put("model", this.modelName);
		ArrayNode content = raw.putArray("content");
		this.blocks.values().forEach((block) -> content.add(block.node));
		// the same value as rawStopReason, whatever odd values message deltas had
		raw.put("stop_reason", this.rawStopReason);
		if (!raw.has("stop_sequence")) {
			raw.putNull("stop_sequence");
		}
		raw.set("usage", this.usage);
		return raw;
	}

	/**
	 * A content block as {@code content_block_start} gave it, and the pieces its deltas
	 * add, joined into the block when it stops. Deltas of types not known here are left
	 * out, so a block of a type added later stays as it started rather than getting a
	 * guessed shape.
	 */
	private static final class Block {

		private final ObjectNode node;

		/** Whether this block is the answer tool's call, whose input is the answer. */
		private final boolean answer;

		private StringBuilder text;

		private StringBuilder thinking;

		private StringBuilder signature;

		private StringBuilder compaction;

		private StringBuilder inputJson;

		private boolean finished;

		Block(ObjectNode node, @Nullable String answerTool) {
			this.node = node;
			this.answer = "tool_use".equals(node.path("type").textValue()) && answerTool != null
					&& answerTool.equals(node.path("name").textValue());
		}

		/**
		 * Return the block a delta implies when no {@code content_block_start} came for
		 * its index, as some compatible servers stream text; {@code null} for a delta
		 * whose block cannot be known (a tool input's, without its id and name).
		 */
		@Nullable
		static Block implied(JsonNode delta) {
			String type = switch (delta.path("type").asText()) {
				case "text_delta", "citations_delta" -> "text";
				case "thinking_delta", "signature_delta" -> "thinking";
				default -> null;
			};
			return (type != null) ? new Block(JsonNodeFactory.instance.objectNode().put("type", type), null) : null;
		}

		boolean isToolCall() {
			return "tool_use".equals(this.node.path("type").textValue()) && !this.answer;
		}

		/**
		 * Add a delta's piece and return the event it makes, if any.
		 */
		@Nullable
		LlmStreamEvent add(JsonNode delta) {
			switch (delta.path("type").asText()) {
				case "text_delta" -> {
					this.text = append(this.text, "text", delta.path("text"));
					return textEvent(delta.path("text").asText(""));
				}
				case "thinking_delta" -> {
					this.thinking = append(this.thinking, "thinking", delta.path("thinking"));
					String piece = delta.path("thinking").asText("");
					return piece.isEmpty() ? null : new LlmStreamEvent.ReasoningDelta(piece);
				}
				case "signature_delta" -> this.signature = append(this.signature, "signature", delta.path("signature"));
				case "citations_delta" -> {
					JsonNode citation = delta.path("citation");
					if (citation.isObject()) {
						JsonNode citations = this.node.path("citations");
						(citations.isArray() ? (ArrayNode) citations : this.node.putArray("citations")).add(citation);
					}
				}
				case "compaction_delta" -> {
					this.compaction = append(this.compaction, "content", delta.path("content"));
					// encrypted_content and the like come whole, to be sent back as they
					// are
					delta.properties().forEach((field) -> {
						if (!field.getKey().equals("type") && !field.getKey().equals("content")) {
							this.node.set(field.getKey(), field.getValue());
						}
					});
				}
				case "input_json_delta" -> {
					if (this.inputJson == null) {
						// the input of content_block_start is an empty placeholder, not a
						// first piece
						this.inputJson = new StringBuilder();
					}
					String piece = delta.path("partial_json").asText("");
					this.inputJson.append(piece);
					if (this.answer) {
						return textEvent(piece);
					}
					// a server tool's input is joined into its block, but it is no
					// call of the caller's tools
					return (piece.isEmpty() || !isToolCall()) ? null
							: new LlmStreamEvent.ToolInputDelta(this.node.path("id").asText(), piece);
				}
				default -> {
					// types added later: the block stays as it started
				}
			}
			return null;
		}

		@Nullable
		private static LlmStreamEvent textEvent(String piece) {
			return piece.isEmpty() ? null : new LlmStreamEvent.TextDelta(piece);
		}

		@Nullable
		private StringBuilder append(@Nullable StringBuilder builder, String field, JsonNode piece) {
			if (!piece.isTextual()) {
				// no piece (a compaction that failed has null content): the field
				// stays as it started, null included
				return builder;
			}
			// the block may have started with a first piece of its own
			StringBuilder joined = (builder != null) ? builder : new StringBuilder(this.node.path(field).asText(""));
			return joined.append(piece.asText(""));
		}

		/**
		 * Join the pieces read so far into the block, again each time, so that a piece
		 * that came after the block's stop is not lost. A tool input that does not parse
		 * is kept as its text, for the answer to judge: only an answer cut off at its
		 * token limit may have one.
		 * @return whether this was the block's first stop
		 */
		boolean finish() {
			boolean first = !this.finished;
			this.finished = true;
			if (this.text != null) {
				this.node.put("text", this.text.toString());
			}
			if (this.thinking != null) {
				this.node.put("thinking", this.thinking.toString());
			}
			if (this.signature != null) {
				this.node.put("signature", this.signature.toString());
			}
			if (this.compaction != null) {
				this.node.put("content", this.compaction.toString());
			}
			if (this.inputJson != null) {
				String input = this.inputJson.toString();
				JsonNode parsed = ToolCalls.parseArguments(input);
				this.node.set("input", (parsed != null) ? parsed : TextNode.valueOf(input));
			}
			return first;
		}

		LlmContent.ToolCall toolCall() {
			JsonNode input = this.node.path("input");
			String id = this.node.path("id").asText();
			String name = this.node.path("name").asText();
			return input.isObject() ? new LlmContent.ToolCall(id, name, input)
					: new LlmContent.ToolCall(id, name, null, input.asText(""));
		}

	}

}
