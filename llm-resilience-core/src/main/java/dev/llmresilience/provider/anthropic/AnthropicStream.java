package dev.llmresilience.provider.anthropic;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.provider.EventStreamReader;
import dev.llmresilience.provider.ProviderErrorMapper;
import dev.llmresilience.provider.ProviderJson;
import dev.llmresilience.provider.ProviderProtocol;
import dev.llmresilience.provider.ResponseMetadata;
import reactor.core.publisher.SynchronousSink;

import org.springframework.http.codec.ServerSentEvent;

/**
 * The state of one streamed Messages API answer: turns its events into text deltas and,
 * after {@code message_stop}, one completion. Usage comes in {@code message_start} and
 * again, cumulative, in {@code message_delta}, so the last value of each count (input,
 * output, cache creation, cache read) wins. One instance serves one response.
 * <p>
 * It also assembles the body the same answer would have had unstreamed, for
 * {@link LlmResponse#raw()}: the message of {@code message_start}, its content blocks in
 * index order with their deltas joined, and the stop reason and usage of the last
 * {@code message_delta}. Only the assembled parts are kept, never the events themselves.
 */
final class AnthropicStream implements EventStreamReader<LlmStreamEvent> {

	private final ProviderJson json;

	private final ProviderErrorMapper errors;

	private final AnthropicProtocol protocol;

	private final String provider;

	private final LlmModel model;

	private final ResponseMetadata metadata;

	private final StringBuilder text = new StringBuilder();

	/**
	 * The content blocks by index; a block's index is its place in the unstreamed body.
	 */
	private final Map<Integer, Block> blocks = new TreeMap<>();

	private ObjectNode message = JsonNodeFactory.instance.objectNode();

	private ObjectNode rawUsage = JsonNodeFactory.instance.objectNode();

	private String modelName;

	private String rawStopReason;

	private long inputTokens;

	private long outputTokens;

	private long cacheCreationInputTokens;

	private long cacheReadInputTokens;

	private boolean stopped;

	AnthropicStream(ProviderJson json, ProviderErrorMapper errors, AnthropicProtocol protocol, String provider,
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
		if (this.stopped || event.data() == null || event.data().isBlank()) {
			// keep-alive comments, and anything after message_stop
			return;
		}
		JsonNode data = this.json.readJson(this.model, event.data());
		String type = data.path("type").asText(String.valueOf(event.event()));
		switch (type) {
			case "message_start" -> {
				JsonNode message = data.path("message");
				this.modelName = message.path("model").asText(this.modelName);
				usage(message.path("usage"));
				if (message instanceof ObjectNode object) {
					this.message = object;
				}
				if (message.path("usage") instanceof ObjectNode object) {
					this.rawUsage = object;
				}
			}
			case "content_block_start" -> {
				JsonNode block = data.path("content_block");
				ObjectNode node = (block instanceof ObjectNode object) ? object : JsonNodeFactory.instance.objectNode();
				this.blocks.put(data.path("index").asInt(this.blocks.size()), new Block(node));
			}
			case "content_block_delta" -> {
				JsonNode delta = data.path("delta");
				if ("text_delta".equals(delta.path("type").asText())) {
					String piece = delta.path("text").asText("");
					if (!piece.isEmpty()) {
						this.text.append(piece);
						sink.next(new LlmStreamEvent.TextDelta(piece));
					}
				}
				Block block = this.blocks.get(data.path("index").asInt(-1));
				if (block != null) {
					block.add(delta);
				}
			}
			case "content_block_stop" -> {
				Block block = this.blocks.get(data.path("index").asInt(-1));
				if (block != null) {
					block.finish(this.json, this.model);
				}
			}
			case "message_delta" -> {
				JsonNode stopReason = data.path("delta").path("stop_reason");
				if (stopReason.isTextual()) {
					this.rawStopReason = stopReason.asText();
				}
				usage(data.path("usage"));
				// stop_reason, stop_sequence and whatever else the message gets at its
				// end
				data.path("delta").properties().forEach((field) -> {
					if (!field.getValue().isNull()) {
						this.message.set(field.getKey(), field.getValue());
					}
				});
				// the counts are cumulative: the last value of each is the message's
				data.path("usage").properties().forEach((field) -> {
					if (!field.getValue().isNull()) {
						this.rawUsage.set(field.getKey(), field.getValue());
					}
				});
			}
			case "message_stop" -> {
				// A block left open is still part of the answer; its input must be JSON
				// all the same.
				for (Block block : this.blocks.values()) {
					block.finish(this.json, this.model);
				}
				// The answer is whole: stop reading, whatever the connection does next.
				this.stopped = true;
				sink.complete();
			}
			case "error" -> {
				ProviderProtocol.ApiError error = this.protocol.readError(data);
				sink.error(this.errors.apiException(this.model, this.metadata,
						(error != null) ? error : new ProviderProtocol.ApiError(null, null, null)));
			}
			default -> {
				// ping and event types added later carry no text
			}
		}
	}

	private void usage(JsonNode usage) {
		if (usage.path("input_tokens").isNumber()) {
			this.inputTokens = usage.path("input_tokens").asLong();
		}
		if (usage.path("output_tokens").isNumber()) {
			this.outputTokens = usage.path("output_tokens").asLong();
		}
		if (usage.path("cache_creation_input_tokens").isNumber()) {
			this.cacheCreationInputTokens = usage.path("cache_creation_input_tokens").asLong();
		}
		if (usage.path("cache_read_input_tokens").isNumber()) {
			this.cacheReadInputTokens = usage.path("cache_read_input_tokens").asLong();
		}
	}

	@Override
	public LlmStreamEvent complete() {
		if (!this.stopped) {
			throw this.errors.invalidResponse(this.model, "the stream ended before message_stop", null);
		}
		LlmResponse response = new LlmResponse(this.text.toString(), this.model.id(), this.modelName, this.provider,
				AnthropicProvider.stopReason(this.rawStopReason), this.rawStopReason,
				AnthropicProvider.usage(this.inputTokens, this.outputTokens, this.cacheCreationInputTokens,
						this.cacheReadInputTokens),
				this.metadata.requestId(), this.metadata.rateLimits(), false, List.of(), raw());
		return new LlmStreamEvent.Completion(response);
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
		raw.set("usage", this.rawUsage);
		return raw;
	}

	/**
	 * A content block as {@code content_block_start} gave it, and the pieces its deltas
	 * add. The pieces are joined into the block when it stops. Deltas of types not known
	 * here are left out, so a block of a type added later stays as it started rather than
	 * getting a guessed shape.
	 */
	private static final class Block {

		private final ObjectNode node;

		private StringBuilder text;

		private StringBuilder thinking;

		private StringBuilder signature;

		private StringBuilder inputJson;

		Block(ObjectNode node) {
			this.node = node;
		}

		void add(JsonNode delta) {
			switch (delta.path("type").asText()) {
				case "text_delta" -> this.text = append(this.text, "text", delta.path("text"));
				case "thinking_delta" -> this.thinking = append(this.thinking, "thinking", delta.path("thinking"));
				case "signature_delta" -> this.signature = append(this.signature, "signature", delta.path("signature"));
				case "input_json_delta" -> {
					if (this.inputJson == null) {
						// the input of content_block_start is an empty placeholder, not a
						// first piece
						this.inputJson = new StringBuilder();
					}
					this.inputJson.append(delta.path("partial_json").asText(""));
				}
				default -> {
					// citations_delta and types added later: the block stays as it
					// started
				}
			}
		}

		private StringBuilder append(StringBuilder builder, String field, JsonNode piece) {
			// the block may have started with a first piece of its own
			StringBuilder joined = (builder != null) ? builder : new StringBuilder(this.node.path(field).asText(""));
			return joined.append(piece.asText(""));
		}

		/**
		 * Join the pieces into the block. Safe to call more than once.
		 * @throws dev.llmresilience.error.LlmInvalidResponseException if the joined input
		 * is not a JSON object
		 */
		void finish(ProviderJson reader, LlmModel model) {
			if (this.text != null) {
				this.node.put("text", this.text.toString());
				this.text = null;
			}
			if (this.thinking != null) {
				this.node.put("thinking", this.thinking.toString());
				this.thinking = null;
			}
			if (this.signature != null) {
				this.node.put("signature", this.signature.toString());
				this.signature = null;
			}
			if (this.inputJson != null) {
				String json = this.inputJson.toString();
				this.inputJson = null;
				// a tool without parameters streams its input as one empty piece
				this.node.set("input", json.isBlank() ? JsonNodeFactory.instance.objectNode() : reader
					.readJsonObject(model, json, "the streamed input of a content block is not a JSON object"));
			}
		}

	}

}
