package dev.llmresilience.provider.openai;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
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
import org.springframework.util.StringUtils;

/**
 * The state of one streamed Chat Completions answer: turns its chunks into text deltas and,
 * after {@code data: [DONE]}, one completion. Usage arrives in a chunk of its own, with no
 * choices, near the end; should a server send it more than once, the last value wins. One
 * instance serves one response.
 */
final class OpenAiStream implements EventStreamReader<LlmStreamEvent> {

	private static final String DONE = "[DONE]";

	private final ProviderHttpClient httpClient;

	private final OpenAiProtocol protocol;

	private final String provider;

	private final LlmModel model;

	private final ResponseMetadata metadata;

	private final StringBuilder text = new StringBuilder();

	private String modelName;

	private String rawStopReason;

	private LlmUsage usage = LlmUsage.NONE;

	private boolean done;

	OpenAiStream(ProviderHttpClient httpClient, OpenAiProtocol protocol, String provider, LlmModel model,
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
		String data = event.data();
		if (data == null || data.isBlank()) {
			// comments and keep-alives
			return;
		}
		if (data.trim().equals(DONE)) {
			this.done = true;
			// stop reading here: a server that holds the connection open must not hit the idle timeout
			sink.complete();
			return;
		}
		JsonNode chunk = this.httpClient.readJson(this.model, data);
		ProviderProtocol.ApiError error = this.protocol.readError(chunk);
		if (error != null) {
			sink.error(this.httpClient.apiException(this.model, this.metadata, error));
			return;
		}
		String chunkModel = chunk.path("model").textValue();
		if (StringUtils.hasText(chunkModel)) {
			this.modelName = chunkModel;
		}
		if (chunk.path("usage").isObject()) {
			this.usage = OpenAiProvider.usage(chunk.path("usage"));
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
	}

	private static JsonNode firstChoice(JsonNode choices) {
		if (choices.isArray()) {
			// with n > 1 the chunks of other choices interleave; only choice 0 is the answer
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
			throw this.httpClient.invalidResponse(this.model, "the stream ended before [DONE]", null);
		}
		LlmResponse response = new LlmResponse(this.text.toString(), this.model.id(), this.modelName, this.provider,
				OpenAiProvider.stopReason(this.rawStopReason), this.rawStopReason, this.usage,
				this.metadata.requestId(), this.metadata.rateLimits(), false, List.of(), null);
		return new LlmStreamEvent.Completion(response);
	}

}
