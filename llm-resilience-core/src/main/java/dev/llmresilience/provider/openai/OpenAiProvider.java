package dev.llmresilience.provider.openai;

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
import org.springframework.util.StringUtils;
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
			.map((response) -> toResponse(model, response.body(), response.metadata()));
	}

	@Override
	public Flux<LlmStreamEvent> stream(LlmModel model, LlmRequest request) {
		return Flux.defer(() -> this.httpClient.postForEvents(model, PATH, body(model, request, true),
				(metadata) -> new OpenAiStream(this.json, this.errors, this.protocol, this.settings.id(), model,
						metadata)));
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
		ArrayNode messages = body.putArray("messages");
		if (StringUtils.hasLength(request.system())) {
			messages.addObject().put("role", "system").put("content", request.system());
		}
		for (LlmMessage message : request.messages()) {
			messages.addObject().put("role", role(message.role())).put("content", message.content());
		}
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
		if (stream) {
			body.put("stream", true);
			// without it the usage of a streamed answer is never sent
			body.putObject("stream_options").put("include_usage", true);
		}
		this.json.mergeExtraBody(model, request, body);
		return body;
	}

	private static String role(LlmMessage.Role role) {
		return switch (role) {
			case USER -> "user";
			case ASSISTANT -> "assistant";
		};
	}

	private LlmResponse toResponse(LlmModel model, JsonNode body, ResponseMetadata metadata) {
		JsonNode choices = body.path("choices");
		if (!choices.isArray() || choices.isEmpty()) {
			throw this.errors.invalidResponse(model, "the body has no choices", null);
		}
		JsonNode choice = choices.get(0);
		JsonNode message = choice.path("message");
		if (!message.isObject()) {
			throw this.errors.invalidResponse(model, "the first choice has no message", null);
		}
		JsonNode finishReason = choice.path("finish_reason");
		String rawStopReason = finishReason.isTextual() ? finishReason.textValue() : null;
		return new LlmResponse(text(message.path("content")), model.id(), modelName(body, model), this.settings.id(),
				stopReason(rawStopReason), rawStopReason, usage(body.path("usage")), metadata.requestId(),
				metadata.rateLimits(), false, List.of(), body);
	}

	private static String modelName(JsonNode body, LlmModel model) {
		String name = body.path("model").textValue();
		return StringUtils.hasText(name) ? name : model.name();
	}

	/**
	 * Read the text of a message or delta. Content is a string at OpenAI; some compatible
	 * servers send an array of parts; it is {@code null} when the model only calls tools.
	 * @param content the {@code content} field
	 * @return the text, empty if there is none
	 */
	static String text(JsonNode content) {
		if (content.isTextual()) {
			return content.textValue();
		}
		StringBuilder text = new StringBuilder();
		if (content.isArray()) {
			for (JsonNode part : content) {
				if ("text".equals(part.path("type").textValue()) && part.path("text").isTextual()) {
					text.append(part.path("text").textValue());
				}
			}
		}
		return text.toString();
	}

	/**
	 * Read a {@code usage} object. {@code prompt_tokens} already include the tokens read
	 * from the prompt cache ({@code prompt_tokens_details.cached_tokens}); OpenAI reports
	 * no cache writes.
	 * @param usage the {@code usage} field
	 * @return the usage, {@link LlmUsage#NONE} if the field is not an object
	 */
	static LlmUsage usage(JsonNode usage) {
		if (!usage.isObject()) {
			return LlmUsage.NONE;
		}
		return new LlmUsage(usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0), 0,
				usage.path("prompt_tokens_details").path("cached_tokens").asLong(0));
	}

	/**
	 * Map a {@code finish_reason}. OpenAI reports {@code stop} both for a natural end and
	 * for a stop sequence, so {@link StopReason#STOP_SEQUENCE} never comes from here.
	 * @param raw the finish reason, or {@code null}
	 * @return the stop reason
	 */
	static StopReason stopReason(String raw) {
		if (raw == null) {
			return StopReason.OTHER;
		}
		return switch (raw) {
			case "stop" -> StopReason.END_TURN;
			case "length" -> StopReason.MAX_TOKENS;
			case "tool_calls", "function_call" -> StopReason.TOOL_USE;
			case "content_filter" -> StopReason.CONTENT_FILTER;
			default -> StopReason.OTHER;
		};
	}

	@Override
	public String toString() {
		return "OpenAiProvider{" + this.settings + "}";
	}

}
