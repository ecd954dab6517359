package dev.llmresilience.provider.anthropic;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.provider.LlmProvider;
import dev.llmresilience.provider.ProviderErrorMapper;
import dev.llmresilience.provider.ProviderHttpClient;
import dev.llmresilience.provider.ProviderJson;
import dev.llmresilience.provider.ProviderSettings;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.lang.Nullable;
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
			.map((response) -> answer(model, request).read(response.body(), response.metadata()));
	}

	@Override
	public Flux<LlmStreamEvent> stream(LlmModel model, LlmRequest request) {
		String answerTool = AnthropicRequestBody.answersWithTool(model, request) ? request.outputSchema().name() : null;
		return Flux.defer(() -> this.httpClient.postForEvents(model, PATH, body(model, request, true),
				(metadata) -> new AnthropicStream(this.json, this.errors, this.protocol, answer(model, request), model,
						metadata, answerTool)));
	}

	private AnthropicAnswer answer(LlmModel model, LlmRequest request) {
		return new AnthropicAnswer(this.errors, this.settings.id(), model, request);
	}

	/**
	 * Return why the Messages API cannot carry a request: thinking the request requires
	 * together with a tool choice that forces a tool call (its own {@code REQUIRED} or
	 * {@code TOOL} choice, or the answer tool of structured output on a model without
	 * native structured output), which the API rejects: {@code ThinkingWithForcedTool}.
	 * Optional thinking is left out of such a request instead.
	 * @param model the model the request would go to
	 * @param request the request
	 * @return the reason, or {@code null}
	 */
	@Override
	@Nullable
	public String unsupported(LlmModel model, LlmRequest request) {
		return AnthropicRequestBody.unsupported(model, request);
	}

	ObjectNode body(LlmModel model, LlmRequest request, boolean stream) {
		ObjectNode body = this.objectMapper.createObjectNode();
		body.put("model", model.name());
		body.put("max_tokens", model.outputTokensFor(request));
		if (request.system() != null) {
			body.put("system", request.system());
		}
		AnthropicRequestBody.messages(request, body);
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
		AnthropicRequestBody.options(model, request, model.outputTokensFor(request), body);
		if (stream) {
			body.put("stream", true);
		}
		this.json.mergeExtraBody(model, request, body);
		return body;
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

	@Override
	public String toString() {
		return "AnthropicProvider{" + this.settings + "}";
	}

}
