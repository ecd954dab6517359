package dev.llmresilience.provider.openai;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.provider.LlmProvider;
import dev.llmresilience.provider.ProviderErrorMapper;
import dev.llmresilience.provider.ProviderHttpClient;
import dev.llmresilience.provider.ProviderJson;
import dev.llmresilience.provider.ProviderSettings;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A provider for OpenAI-compatible Chat Completions APIs ({@code POST
 * {base-url}/chat/completions}): OpenAI itself, gateways, Ollama, vLLM, LM Studio and the
 * like. Non-streaming and streaming. The API key, when there is one, is sent as a bearer
 * token; servers that need none get no {@code Authorization} header.
 */
public class OpenAiProvider implements LlmProvider {

	/** The path below the base URL, which for OpenAI already ends in {@code /v1}. */
	static final String PATH = "/chat/completions";

	/**
	 * Its presence means the server wants the newer limit field, which excludes the older
	 * one.
	 */
	private static final String MAX_COMPLETION_TOKENS = "max_completion_tokens";

	private final ProviderSettings settings;

	private final ObjectMapper objectMapper;

	private final OpenAiProtocol protocol = new OpenAiProtocol();

	private final ProviderJson json;

	private final ProviderErrorMapper errors;

	private final ProviderHttpClient httpClient;

	/**
	 * Create a new instance.
	 * @param settings the provider's settings; the API key is optional
	 * @param webClientBuilder a builder dedicated to this provider, with its connector
	 * set
	 * @param objectMapper the mapper for request and response bodies
	 * @param clock the clock that retry-after dates and rate-limit resets are measured
	 * against
	 */
	public OpenAiProvider(ProviderSettings settings, WebClient.Builder webClientBuilder, ObjectMapper objectMapper,
			Clock clock) {
		Assert.notNull(settings, "settings must not be null");
		Assert.notNull(webClientBuilder, "webClientBuilder must not be null");
		Assert.notNull(objectMapper, "objectMapper must not be null");
		Assert.notNull(clock, "clock must not be null");
		this.settings = settings;
		this.objectMapper = objectMapper;
		WebClient webClient = webClientBuilder.baseUrl(settings.baseUrl().toString()).defaultHeaders((headers) -> {
			headers.setAll(settings.headers());
			if (settings.hasApiKey()) {
				headers.setBearerAuth(settings.apiKey());
			}
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
		return "openai";
	}

	@Override
	public Mono<LlmResponse> call(LlmModel model, LlmRequest request) {
		return Mono.defer(() -> this.httpClient.post(model, PATH, body(model, request, false)))
			.map((response) -> answer(model, request).read(response.body(), response.metadata()));
	}

	@Override
	public Flux<LlmStreamEvent> stream(LlmModel model, LlmRequest request) {
		String answerTool = OpenAiRequestBody.answersWithTool(model, request) ? request.outputSchema().name() : null;
		return Flux.defer(() -> this.httpClient.postForEvents(model, PATH, body(model, request, true),
				(metadata) -> new OpenAiStream(this.json, this.errors, this.protocol, answer(model, request), model,
						metadata, answerTool)));
	}

	private OpenAiAnswer answer(LlmModel model, LlmRequest request) {
		return new OpenAiAnswer(this.errors, this.settings.id(), model, request);
	}

	@Override
	public String unsupported(LlmModel model, LlmRequest request) {
		return OpenAiRequestBody.unsupported(request);
	}

	/**
	 * Create the wire body. A JSON tree rather than bound records, so that the
	 * application's {@link ObjectMapper} settings (naming strategy, null handling) cannot
	 * change field names.
	 * @param model the model to call
	 * @param request the request
	 * @param stream whether to ask for a stream
	 * @return the body
	 */
	private ObjectNode body(LlmModel model, LlmRequest request, boolean stream) {
		ObjectNode body = this.objectMapper.createObjectNode();
		body.put("model", model.name());
		OpenAiRequestBody.messages(request, body);
		if (!request.extraBody().containsKey(MAX_COMPLETION_TOKENS)
				&& !model.extraBody().containsKey(MAX_COMPLETION_TOKENS)) {
			body.put("max_tokens", model.outputTokensFor(request));
		}
		if (request.temperature() != null) {
			body.put("temperature", request.temperature());
		}
		if (request.topP() != null) {
			body.put("top_p", request.topP());
		}
		if (!request.stopSequences().isEmpty()) {
			ArrayNode stop = body.putArray("stop");
			request.stopSequences().forEach(stop::add);
		}
		OpenAiRequestBody.options(model, request, body);
		if (stream) {
			body.put("stream", true);
			// without it the usage of a streamed answer is never sent
			body.putObject("stream_options").put("include_usage", true);
		}
		this.json.mergeExtraBody(model, request, body);
		return body;
	}

	@Override
	public String toString() {
		return "OpenAiProvider{" + this.settings + "}";
	}

}
