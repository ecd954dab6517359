package dev.llmresilience.provider.anthropic;

import java.time.Clock;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmresilience.LlmMessage;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.StopReason;
import dev.llmresilience.provider.LlmProvider;
import dev.llmresilience.provider.ProviderErrorMapper;
import dev.llmresilience.provider.ProviderHttpClient;
import dev.llmresilience.provider.ProviderJson;
import dev.llmresilience.provider.ProviderSettings;
import dev.llmresilience.provider.ResponseMetadata;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A provider for the Anthropic Messages API ({@code POST /v1/messages}), non-streaming
 * and streaming.
 */
public class AnthropicProvider implements LlmProvider {

	static final String PATH = "/v1/messages";

	private final ProviderSettings settings;

	private final ObjectMapper objectMapper;

	private final AnthropicProtocol protocol = new AnthropicProtocol();

	private final ProviderJson json;

	private final ProviderErrorMapper errors;

	private final ProviderHttpClient httpClient;

	/**
	 * Create a new instance.
	 * @param settings the provider's settings; an API key is required
	 * @param version the {@code anthropic-version} header value, such as
	 * {@code 2023-06-01}
	 * @param webClientBuilder a builder dedicated to this provider, with its connector
	 * set
	 * @param objectMapper the mapper for request and response bodies
	 * @param clock the clock that retry-after dates are measured against
	 */
	public AnthropicProvider(ProviderSettings settings, String version, WebClient.Builder webClientBuilder,
			ObjectMapper objectMapper, Clock clock) {
		Assert.isTrue(settings.hasApiKey(), "The Anthropic API needs an API key");
		Assert.hasText(version, "version must not be empty");
		this.settings = settings;
		this.objectMapper = objectMapper;
		WebClient webClient = webClientBuilder.baseUrl(settings.baseUrl().toString()).defaultHeaders((headers) -> {
			headers.setAll(settings.headers());
			headers.set("x-api-key", settings.apiKey());
			headers.set("anthropic-version", version);
		}).build();
		this.json = new ProviderJson(settings, objectMapper);
		this.errors = new ProviderErrorMapper(settings, this.protocol, this.json, clock);
		this.httpClient = new ProviderHttpClient(settings, webClient, this.json, this.errors);
	}

	@Override
	public String id() {
		return this.settings.id();
	}

	@Override
	public String type() {
		return "anthropic";
	}

	@Override
	public Mono<LlmResponse> call(LlmModel model, LlmRequest request) {
		return Mono.defer(() -> this.httpClient.post(model, PATH, body(model, request, false)))
			.map((response) -> toResponse(model, response.body(), response.metadata()));
	}

	@Override
	public Flux<LlmStreamEvent> stream(LlmModel model, LlmRequest request) {
		return Flux.defer(() -> this.httpClient.postForEvents(model, PATH, body(model, request, true),
				(metadata) -> new AnthropicStream(this.json, this.errors, this.protocol, this.settings.id(), model,
						metadata)));
	}

	ObjectNode body(LlmModel model, LlmRequest request, boolean stream) {
		ObjectNode body = this.objectMapper.createObjectNode();
		body.put("model", model.name());
		body.put("max_tokens", model.outputTokensFor(request));
		if (request.system() != null) {
			body.put("system", request.system());
		}
		ArrayNode messages = body.putArray("messages");
		for (LlmMessage message : request.messages()) {
			messages.addObject()
				.put("role", (message.role() == LlmMessage.Role.USER) ? "user" : "assistant")
				.put("content", message.content());
		}
		if (request.temperature() != null) {
			body.put("temperature", request.temperature());
		}
		if (request.topP() != null) {
			body.put("top_p", request.topP());
		}
		if (!request.stopSequences().isEmpty()) {
			ArrayNode stops = body.putArray("stop_sequences");
			request.stopSequences().forEach(stops::add);
		}
		if (stream) {
			body.put("stream", true);
		}
		this.json.mergeExtraBody(model, request, body);
		return body;
	}

	private LlmResponse toResponse(LlmModel model, JsonNode body, ResponseMetadata metadata) {
		JsonNode content = body.path("content");
		if (!"message".equals(body.path("type").asText()) || !content.isArray()) {
			throw this.errors.invalidResponse(model, "the body is not a message with a content array", null);
		}
		StringBuilder text = new StringBuilder();
		for (JsonNode block : content) {
			if ("text".equals(block.path("type").asText())) {
				text.append(block.path("text").asText(""));
			}
		}
		JsonNode usage = body.path("usage");
		String rawStopReason = body.path("stop_reason").isTextual() ? body.path("stop_reason").asText() : null;
		return new LlmResponse(text.toString(), model.id(), body.path("model").asText(model.name()), this.settings.id(),
				stopReason(rawStopReason), rawStopReason,
				usage(usage.path("input_tokens").asLong(0), usage.path("output_tokens").asLong(0),
						usage.path("cache_creation_input_tokens").asLong(0),
						usage.path("cache_read_input_tokens").asLong(0)),
				metadata.requestId(), metadata.rateLimits(), false, List.of(), body);
	}

	/**
	 * Create the usage of an answer from the Messages API's counts, whose
	 * {@code input_tokens} are only the tokens after the last cache breakpoint: the
	 * tokens written to and read from the cache are added to make the whole prompt.
	 * @param uncachedInputTokens {@code input_tokens}
	 * @param outputTokens {@code output_tokens}
	 * @param cacheCreationInputTokens {@code cache_creation_input_tokens}
	 * @param cacheReadInputTokens {@code cache_read_input_tokens}
	 * @return the usage
	 */
	static LlmUsage usage(long uncachedInputTokens, long outputTokens, long cacheCreationInputTokens,
			long cacheReadInputTokens) {
		return new LlmUsage(
				LlmUsage.sum(Math.max(0, uncachedInputTokens), Math.max(0, cacheCreationInputTokens),
						Math.max(0, cacheReadInputTokens)),
				outputTokens, cacheCreationInputTokens, cacheReadInputTokens);
	}

	/**
	 * Return the tokens that Anthropic counts against its rate limits: for most models
	 * its input-tokens-per-minute limit counts {@code input_tokens} and
	 * {@code cache_creation_input_tokens} but not {@code cache_read_input_tokens}, and
	 * output tokens count against its output limit.
	 * @param usage the usage of a call
	 * @return the total without the tokens read from the prompt cache
	 */
	@Override
	public long rateLimitedTokens(LlmUsage usage) {
		return usage.totalTokens() - usage.cacheReadInputTokens();
	}

	static StopReason stopReason(String raw) {
		if (raw == null) {
			return StopReason.OTHER;
		}
		return switch (raw) {
			case "end_turn" -> StopReason.END_TURN;
			case "max_tokens", "model_context_window_exceeded" -> StopReason.MAX_TOKENS;
			case "stop_sequence" -> StopReason.STOP_SEQUENCE;
			case "tool_use" -> StopReason.TOOL_USE;
			case "refusal" -> StopReason.CONTENT_FILTER;
			default -> StopReason.OTHER;
		};
	}

	@Override
	public String toString() {
		return "AnthropicProvider{" + this.settings + "}";
	}

}
