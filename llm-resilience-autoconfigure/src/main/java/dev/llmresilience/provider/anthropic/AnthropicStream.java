package dev.llmresilience.provider.anthropic;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.provider.EventStreamReader;
import dev.llmresilience.provider.ProviderHttpClient;
import dev.llmresilience.provider.ProviderProtocol;
import dev.llmresilience.provider.ResponseMetadata;
import reactor.core.publisher.SynchronousSink;

import org.springframework.http.codec.ServerSentEvent;

/**
 * The state of one streamed Messages API answer: turns its events into text deltas and, after
 * {@code message_stop}, one completion. Usage comes in {@code message_start} and again, cumulative,
 * in {@code message_delta}, so the last value of each count (input, output, cache creation, cache
 * read) wins. One instance serves one response.
 */
final class AnthropicStream implements EventStreamReader<LlmStreamEvent> {

	private final ProviderHttpClient httpClient;

	private final AnthropicProtocol protocol;

	private final String provider;

	private final LlmModel model;

	private final ResponseMetadata metadata;

	private final StringBuilder text = new StringBuilder();

	private String modelName;

	private String rawStopReason;

	private long inputTokens;

	private long outputTokens;

	private long cacheCreationInputTokens;

	private long cacheReadInputTokens;

	private boolean stopped;

	AnthropicStream(ProviderHttpClient httpClient, AnthropicProtocol protocol, String provider, LlmModel model,
			ResponseMetadata metadata) {
		this.httpClient = httpClient;
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
		JsonNode data = this.httpClient.readJson(this.model, event.data());
		String type = data.path("type").asText(String.valueOf(event.event()));
		switch (type) {
			case "message_start" -> {
				JsonNode message = data.path("message");
				this.modelName = message.path("model").asText(this.modelName);
				usage(message.path("usage"));
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
			}
			case "message_delta" -> {
				JsonNode stopReason = data.path("delta").path("stop_reason");
				if (stopReason.isTextual()) {
					this.rawStopReason = stopReason.asText();
				}
				usage(data.path("usage"));
			}
			case "message_stop" -> {
				// The answer is whole: stop reading, whatever the connection does next.
				this.stopped = true;
				sink.complete();
			}
			case "error" -> {
				ProviderProtocol.ApiError error = this.protocol.readError(data);
				sink.error(this.httpClient.apiException(this.model, this.metadata,
						(error != null) ? error : new ProviderProtocol.ApiError(null, null, null)));
			}
			default -> {
				// ping, content_block_start/stop and event types added later carry no text
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
			throw this.httpClient.invalidResponse(this.model, "the stream ended before message_stop", null);
		}
		LlmResponse response = new LlmResponse(this.text.toString(), this.model.id(), this.modelName,
				this.provider,
				AnthropicProvider.stopReason(this.rawStopReason), this.rawStopReason,
				AnthropicProvider.usage(this.inputTokens, this.outputTokens, this.cacheCreationInputTokens,
						this.cacheReadInputTokens),
				this.metadata.requestId(), this.metadata.rateLimits(), false, List.of(), null);
		return new LlmStreamEvent.Completion(response);
	}

}
