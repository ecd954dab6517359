package dev.llmresilience.provider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmAuthenticationException;
import dev.llmresilience.error.LlmConflictException;
import dev.llmresilience.error.LlmConnectionException;
import dev.llmresilience.error.LlmConnectionPoolExhaustedException;
import dev.llmresilience.error.LlmException;
import dev.llmresilience.error.LlmInvalidRequestException;
import dev.llmresilience.error.LlmInvalidResponseException;
import dev.llmresilience.error.LlmModelNotFoundException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmPermissionException;
import dev.llmresilience.error.LlmQuotaExceededException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.error.LlmRequestTooLargeException;
import dev.llmresilience.error.LlmServerException;
import dev.llmresilience.error.LlmTimeoutException;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.core.codec.CodecException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.codec.ServerSentEventHttpMessageReader;
import org.springframework.lang.Nullable;
import org.springframework.web.reactive.function.BodyExtractor;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * The HTTP exchange that every provider shares: one POST of a JSON body, the time limits
 * of {@link ProviderSettings}, and the translation of every failure (error statuses,
 * error bodies, network errors, unreadable bodies) into a typed {@link LlmException}. The
 * provider supplies its paths, bodies and {@link ProviderProtocol}; this class knows
 * nothing of their content.
 */
public final class ProviderHttpClient {

	/** Error messages copied from a provider are cut to this length. */
	static final int MAX_ERROR_MESSAGE_LENGTH = 500;

	/**
	 * Error types, codes and request ids copied from a provider are cut to this length.
	 */
	static final int MAX_ERROR_FIELD_LENGTH = 100;

	private final ProviderSettings settings;

	private final WebClient webClient;

	private final ObjectMapper objectMapper;

	private final ProviderProtocol protocol;

	private final Clock clock;

	/**
	 * Create a new instance.
	 * @param settings the provider's settings
	 * @param webClient a client whose base URL and default headers the provider has set
	 * @param objectMapper the mapper that reads response bodies
	 * @param protocol the provider's conventions
	 * @param clock the clock that HTTP dates and reset times are measured against
	 */
	public ProviderHttpClient(ProviderSettings settings, WebClient webClient, ObjectMapper objectMapper,
			ProviderProtocol protocol, Clock clock) {
		this.settings = settings;
		this.webClient = webClient;
		this.objectMapper = objectMapper;
		this.protocol = protocol;
		this.clock = clock;
	}

	/**
	 * Create the connector for a provider on the application's (or the global) connection
	 * pool: its connect timeout, no redirects (an API key must not follow one) and no
	 * transport-level retry (resilience is decided above the provider, and every upstream
	 * call must be counted).
	 * @param settings the provider's settings
	 * @param resourceFactory the application's Reactor Netty resources, or {@code null}
	 * for the global ones
	 * @return the connector
	 */
	public static ClientHttpConnector connector(ProviderSettings settings,
			@Nullable ReactorResourceFactory resourceFactory) {
		int connectMillis = (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis());
		if (resourceFactory != null) {
			return new ReactorClientHttpConnector(resourceFactory, (client) -> configure(client, connectMillis));
		}
		return new ReactorClientHttpConnector(configure(HttpClient.create(), connectMillis));
	}

	/**
	 * Create the connector for a provider on a connection pool of its own, as
	 * {@link #connector(ProviderSettings, ReactorResourceFactory)} otherwise.
	 * @param settings the provider's settings
	 * @param pool the provider's connection pool
	 * @param resourceFactory the application's Reactor Netty resources, whose event loops
	 * serve the connections, or {@code null} for the global ones
	 * @return the connector
	 */
	public static ClientHttpConnector connector(ProviderSettings settings, ConnectionProvider pool,
			@Nullable ReactorResourceFactory resourceFactory) {
		int connectMillis = (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis());
		HttpClient client = HttpClient.create(pool);
		if (resourceFactory != null) {
			client = client.runOn(resourceFactory.getLoopResources());
		}
		return new ReactorClientHttpConnector(configure(client, connectMillis));
	}

	/**
	 * Start the connection pool of a provider. Calls wait for a free connection as long
	 * as a new one may take to connect; one that gets none fails with an
	 * {@link LlmConnectionPoolExhaustedException}, which is this application's limit, not
	 * the provider's failure.
	 * @param settings the provider's settings
	 * @param maxConnections the most connections open to the provider at once
	 * @return the pool's builder; the pool is to be disposed of with the application
	 */
	public static ConnectionProvider.Builder pool(ProviderSettings settings, int maxConnections) {
		return ConnectionProvider.builder("llm-" + settings.id())
			.maxConnections(maxConnections)
			// waiting calls are bounded by the time they may wait, not by their number:
			// the
			// request queue decides how many wait
			.pendingAcquireMaxCount(-1)
			.pendingAcquireTimeout(settings.connectTimeout());
	}

	private static HttpClient configure(HttpClient client, int connectMillis) {
		return client.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
			.followRedirect(false)
			.disableRetry(true);
	}

	/**
	 * POST a body and read the JSON answer. An error status, or a successful status whose
	 * body is an error object, fails with the matching {@link LlmApiException}.
	 * @param model the model the call is for
	 * @param path the path below the base URL
	 * @param body the request body
	 * @return the response body and metadata
	 */
	public Mono<JsonResponse> post(LlmModel model, String path, Object body) {
		return this.webClient.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.retrieve()
			.onStatus((status) -> status.isError(), (response) -> errorStatus(model, response))
			.onStatus((status) -> status.is3xxRedirection(), (response) -> redirect(model, response))
			// bytes, not a String: Spring's StringDecoder logs what it decodes at DEBUG,
			// and an
			// error body may echo the API key
			.toEntity(byte[].class)
			.timeout(this.settings.firstByteTimeout())
			.map((entity) -> readJsonResponse(model, entity))
			.onErrorMap((ex) -> translate(model, ex, LlmTimeoutException.Phase.FIRST_BYTE));
	}

	private JsonResponse readJsonResponse(LlmModel model, ResponseEntity<byte[]> entity) {
		ResponseMetadata metadata = metadata(entity.getStatusCode().value(), entity.getHeaders());
		String text = (entity.getBody() != null) ? new String(entity.getBody(), StandardCharsets.UTF_8) : null;
		if (text == null || text.isBlank()) {
			throw invalidResponse(model, "the body is empty", null);
		}
		JsonNode json = readJson(model, text);
		ProviderProtocol.ApiError error = this.protocol.readError(json);
		if (error != null) {
			throw apiException(model, metadata, error);
		}
		return new JsonResponse(json, metadata);
	}

	/**
	 * POST a body and read the answer as server-sent events, with a new reader for each
	 * response. The first event must arrive within the first-byte limit and each later
	 * one within the stream idle limit, or the stream fails with a
	 * {@link LlmTimeoutException}. A successful status with a JSON body (an error object
	 * instead of a stream) fails with the matching {@link LlmApiException}.
	 * @param <T> the element type
	 * @param model the model the call is for
	 * @param path the path below the base URL
	 * @param body the request body
	 * @param readers creates the reader of one response from its metadata
	 * @return the elements
	 */
	public <T> Flux<T> postForEvents(LlmModel model, String path, Object body,
			Function<ResponseMetadata, EventStreamReader<T>> readers) {
		return this.webClient.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.bodyValue(body)
			.retrieve()
			.onStatus((status) -> status.isError(), (response) -> errorStatus(model, response))
			.onStatus((status) -> status.is3xxRedirection(), (response) -> redirect(model, response))
			.toEntityFlux(eventsOrJsonError(model))
			.timeout(this.settings.firstByteTimeout())
			.onErrorMap((ex) -> translate(model, ex, LlmTimeoutException.Phase.FIRST_BYTE))
			.flatMapMany((entity) -> {
				EventStreamReader<T> reader = readers
					.apply(metadata(entity.getStatusCode().value(), entity.getHeaders()));
				return timed(model, entity.getBody()).handle(reader::accept)
					.concatWith(Mono.fromSupplier(reader::complete));
			});
	}

	/**
	 * Apply the stream's time limits: servers that send their headers at once may still
	 * think long before the first event (a long prompt's prefill), so the first event
	 * gets the first-byte limit and every later one the idle limit.
	 */
	private Flux<ServerSentEvent<String>> timed(LlmModel model, Flux<ServerSentEvent<String>> events) {
		AtomicBoolean started = new AtomicBoolean();
		return events.doOnNext((event) -> started.set(true))
			.timeout(Mono.delay(this.settings.firstByteTimeout()),
					(event) -> Mono.delay(this.settings.streamIdleTimeout()))
			.onErrorMap((ex) -> translate(model, ex,
					started.get() ? LlmTimeoutException.Phase.STREAM_IDLE : LlmTimeoutException.Phase.FIRST_BYTE));
	}

	private BodyExtractor<Flux<ServerSentEvent<String>>, ClientHttpResponse> eventsOrJsonError(LlmModel model) {
		return (response, context) -> {
			MediaType contentType = response.getHeaders().getContentType();
			if (contentType != null && contentType.isCompatibleWith(MediaType.APPLICATION_JSON)) {
				ResponseMetadata metadata = metadata(response.getStatusCode().value(), response.getHeaders());
				return BodyExtractors.toMono(byte[].class)
					.extract(response, context)
					.map((bytes) -> new String(bytes, StandardCharsets.UTF_8))
					.defaultIfEmpty("")
					.flatMapMany((text) -> Flux.error(jsonInsteadOfEvents(model, metadata, text)));
			}
			return EventStreamParser.parse(response.getBody(), maxEventSize(context));
		};
	}

	/**
	 * Return the buffer limit the codecs were configured with: the provider's
	 * max-response-size.
	 */
	private static int maxEventSize(BodyExtractor.Context context) {
		return context.messageReaders()
			.stream()
			.filter(ServerSentEventHttpMessageReader.class::isInstance)
			.mapToInt((reader) -> ((ServerSentEventHttpMessageReader) reader).getMaxInMemorySize())
			.findFirst()
			.orElse(256 * 1024);
	}

	private LlmException jsonInsteadOfEvents(LlmModel model, ResponseMetadata metadata, String text) {
		JsonNode json = text.isBlank() ? null : readJson(model, text);
		ProviderProtocol.ApiError error = (json != null) ? this.protocol.readError(json) : null;
		if (error != null) {
			return apiException(model, metadata, error);
		}
		return invalidResponse(model, "expected an event stream but the body is plain JSON", null);
	}

	private Mono<? extends Throwable> errorStatus(LlmModel model, ClientResponse response) {
		ResponseMetadata metadata = metadata(response.statusCode().value(), response.headers().asHttpHeaders());
		return response.bodyToMono(byte[].class)
			.map((bytes) -> new String(bytes, StandardCharsets.UTF_8))
			// an error page over the buffer limit still has a status that tells what
			// happened
			.onErrorResume(DataBufferLimitException.class, (ex) -> Mono.just(""))
			.defaultIfEmpty("")
			.map((text) -> apiException(model, metadata, readErrorBody(text)));
	}

	private Mono<? extends Throwable> redirect(LlmModel model, ClientResponse response) {
		return response.releaseBody()
			.then(Mono.just(invalidResponse(model,
					"the provider answered with a redirect (HTTP " + response.statusCode().value()
							+ "), which is not followed so that the API key stays with the"
							+ " configured host; check base-url",
					null)));
	}

	private ProviderProtocol.ApiError readErrorBody(String text) {
		if (!text.isBlank()) {
			try {
				ProviderProtocol.ApiError error = this.protocol.readError(this.objectMapper.readTree(text));
				if (error != null) {
					return error;
				}
			}
			catch (JsonProcessingException ex) {
				// not JSON (a proxy's HTML page, say): keep the start of it as the
				// message
			}
		}
		return new ProviderProtocol.ApiError(null, null, text.isBlank() ? null : text);
	}

	/**
	 * Merge the provider-specific fields into a request body, as the JSON trees of their
	 * values: the request's {@link LlmRequest#extraBody()}, then the model's
	 * {@link LlmModel#extraBody()} over them.
	 * @param model the model the request is for
	 * @param request the request
	 * @param body the body to add the fields to
	 * @throws LlmInvalidRequestException if a value cannot be written as JSON: the
	 * request is not sent, and the message names the field and the value's type but not
	 * the value, which may hold secrets (the mapper's own error may quote it, so it is
	 * not kept as the cause)
	 */
	public void mergeExtraBody(LlmModel model, LlmRequest request, ObjectNode body) {
		merge(model, request.extraBody(), body, (name) -> "extraBody field '" + name + "' of the request");
		merge(model, model.extraBody(), body,
				(name) -> "extra-body field '" + name + "' of model '" + model.id() + "'");
	}

	private void merge(LlmModel model, Map<String, Object> fields, ObjectNode body,
			Function<String, String> description) {
		fields.forEach((name, value) -> {
			JsonNode json;
			try {
				json = this.objectMapper.valueToTree(value);
			}
			catch (RuntimeException ex) {
				String type = (value != null) ? value.getClass().getName() : "null";
				Throwable problem = (ex.getCause() != null) ? ex.getCause() : ex;
				throw new LlmInvalidRequestException(this.settings.id(), model.id(), description.apply(name)
						+ " cannot be written as JSON (a " + type + ", " + problem.getClass().getSimpleName() + ")");
			}
			body.set(name, json);
		});
	}

	/**
	 * Read a JSON text.
	 * @param model the model the text came from
	 * @param text the text
	 * @return the JSON tree
	 * @throws LlmInvalidResponseException if the text is not JSON
	 */
	public JsonNode readJson(LlmModel model, String text) {
		try {
			JsonNode json = this.objectMapper.readTree(text);
			if (json == null || json.isMissingNode()) {
				throw invalidResponse(model, "the body is empty", null);
			}
			return json;
		}
		catch (JsonProcessingException ex) {
			// The parser's message quotes the content, so it stays out of ours.
			throw invalidResponse(model, "the body is not valid JSON", null);
		}
	}

	/**
	 * Read a JSON object that a stream delivered in pieces, such as the input of a tool
	 * call. Stricter than {@link #readJson}: anything after the object is an error too,
	 * so that a garbled concatenation cannot pass for its first part.
	 * @param model the model the text came from
	 * @param text the text, not blank
	 * @param problem what to report if the text is not a JSON object, without its content
	 * @return the object
	 * @throws LlmInvalidResponseException if the text is not exactly one JSON object
	 */
	public ObjectNode readJsonObject(LlmModel model, String text, String problem) {
		try {
			JsonNode json = this.objectMapper.reader()
				.with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
				.readTree(text);
			if (json instanceof ObjectNode object) {
				return object;
			}
		}
		catch (JsonProcessingException ex) {
			// The parser's message quotes the content, so it stays out of ours.
		}
		throw invalidResponse(model, problem, null);
	}

	/**
	 * Read the status line and headers of a response.
	 * @param statusCode the HTTP status
	 * @param headers the headers
	 * @return the metadata
	 */
	public ResponseMetadata metadata(int statusCode, HttpHeaders headers) {
		return new ResponseMetadata(statusCode, headers, this.protocol.requestId(headers),
				this.protocol.rateLimits(headers, this.clock));
	}

	/**
	 * Create the exception for an error the provider reported.
	 * @param model the model the call was for
	 * @param metadata the response's metadata
	 * @param error the error object
	 * @return the exception, of the type the status and error type name
	 */
	public LlmApiException apiException(LlmModel model, ResponseMetadata metadata, ProviderProtocol.ApiError error) {
		HttpHeaders headers = metadata.headers();
		String shouldRetry = headers.getFirst("x-should-retry");
		String requestId = (metadata.requestId() != null) ? metadata.requestId() : error.requestId();
		LlmApiException.Details details = new LlmApiException.Details(metadata.statusCode(),
				scrub(error.type(), MAX_ERROR_FIELD_LENGTH), scrub(error.code(), MAX_ERROR_FIELD_LENGTH),
				scrub(error.message(), MAX_ERROR_MESSAGE_LENGTH), scrub(requestId, MAX_ERROR_FIELD_LENGTH),
				RetryAfter.from(headers, this.clock),
				(shouldRetry != null) ? Boolean.valueOf(shouldRetry.trim()) : null, metadata.rateLimits());
		return ApiExceptions.create(this.settings.id(), model.id(), details);
	}

	/**
	 * Create the exception for a response that cannot be read as an answer.
	 * @param model the model the call was for
	 * @param problem what is wrong, without response content
	 * @param cause the cause, or {@code null}
	 * @return the exception
	 */
	public LlmInvalidResponseException invalidResponse(LlmModel model, String problem, @Nullable Throwable cause) {
		return new LlmInvalidResponseException(this.settings.id(), model.id(), problem, cause);
	}

	private String scrub(String text, int maxLength) {
		if (text == null) {
			return null;
		}
		String scrubbed = this.settings.hasApiKey() ? text.replace(this.settings.apiKey(), "[redacted]") : text;
		return (scrubbed.length() > maxLength) ? scrubbed.substring(0, maxLength) + "... (cut)" : scrubbed;
	}

	private Throwable translate(LlmModel model, Throwable ex, LlmTimeoutException.Phase timeoutPhase) {
		if (ex instanceof LlmException) {
			return ex;
		}
		// WebClient wraps an error raised while a body is read (a connection cut
		// mid-body, or the
		// typed error of a JSON body where events were expected) in a
		// WebClientResponseException.
		if (ex instanceof WebClientResponseException && ex.getCause() instanceof LlmException llmException) {
			return llmException;
		}
		String provider = this.settings.id();
		if (ex instanceof TimeoutException) {
			return new LlmTimeoutException(provider, model.id(), timeoutPhase,
					(timeoutPhase == LlmTimeoutException.Phase.FIRST_BYTE) ? this.settings.firstByteTimeout()
							: this.settings.streamIdleTimeout(),
					null);
		}
		Throwable cause = ((ex instanceof WebClientRequestException || ex instanceof WebClientResponseException)
				&& ex.getCause() != null) ? ex.getCause() : ex;
		if (isPoolExhausted(cause)) {
			return new LlmConnectionPoolExhaustedException(provider, model.id(), this.settings.connectTimeout());
		}
		if (cause instanceof ConnectTimeoutException) {
			return new LlmTimeoutException(provider, model.id(), LlmTimeoutException.Phase.CONNECT,
					this.settings.connectTimeout(), cause);
		}
		if (cause instanceof IOException || cause instanceof io.netty.channel.ChannelException
				|| ex instanceof WebClientRequestException) {
			return new LlmConnectionException(provider, model.id(), cause);
		}
		if (cause instanceof DataBufferLimitException) {
			return invalidResponse(model, "a part of the body is larger than the buffer limit"
					+ " (llm.resilience.providers." + provider + ".max-response-size)", null);
		}
		if (cause instanceof CodecException) {
			return invalidResponse(model, "the body could not be decoded", null);
		}
		return invalidResponse(model, "unexpected " + cause.getClass().getSimpleName(), cause);
	}

	/**
	 * Return whether no pooled connection was free in time: Reactor Netty's pool errors,
	 * told by name since their package is internal to Reactor Netty (shaded Reactor
	 * Pool).
	 */
	private static boolean isPoolExhausted(Throwable error) {
		String name = error.getClass().getName();
		return name.endsWith(".pool.PoolAcquireTimeoutException")
				|| name.endsWith(".pool.PoolAcquirePendingLimitException");
	}

	/**
	 * A JSON response body with its metadata.
	 *
	 * @param body the body
	 * @param metadata the status line and headers
	 */
	public record JsonResponse(JsonNode body, ResponseMetadata metadata) {

	}

	/**
	 * Chooses the exception type for an error from its status and the provider's error
	 * type.
	 */
	static final class ApiExceptions {

		private ApiExceptions() {
		}

		static LlmApiException create(String provider, String model, LlmApiException.Details details) {
			String kind = (details.code() != null) ? details.code() : "";
			String type = (details.type() != null) ? details.type() : "";
			if (isQuota(type) || isQuota(kind)) {
				return new LlmQuotaExceededException(provider, model, details);
			}
			if (isContextLimit(details.statusCode(), type, kind, details.message())) {
				return new LlmRequestTooLargeException(provider, model, details);
			}
			return switch (details.statusCode()) {
				case 400, 422 -> new LlmInvalidRequestException(provider, model, details);
				case 401 -> new LlmAuthenticationException(provider, model, details);
				case 402 -> new LlmQuotaExceededException(provider, model, details);
				case 403 -> new LlmPermissionException(provider, model, details);
				case 404 -> new LlmModelNotFoundException(provider, model, details);
				case 409 -> new LlmConflictException(provider, model, details);
				case 413 -> new LlmRequestTooLargeException(provider, model, details);
				case 429 -> new LlmRateLimitException(provider, model, details);
				case 529 -> new LlmOverloadedException(provider, model, details);
				default -> byStatusClassOrType(provider, model, details, type);
			};
		}

		private static LlmApiException byStatusClassOrType(String provider, String model,
				LlmApiException.Details details, String type) {
			if (type.equals("overloaded_error")) {
				return new LlmOverloadedException(provider, model, details);
			}
			if (details.statusCode() >= 500) {
				return new LlmServerException(provider, model, details);
			}
			if (details.statusCode() >= 400) {
				return new LlmApiException(provider, model, details);
			}
			// An error inside a successful response or a stream: only the type tells what
			// it is.
			return switch (type) {
				case "invalid_request_error" -> new LlmInvalidRequestException(provider, model, details);
				case "authentication_error" -> new LlmAuthenticationException(provider, model, details);
				case "permission_error" -> new LlmPermissionException(provider, model, details);
				case "not_found_error" -> new LlmModelNotFoundException(provider, model, details);
				case "rate_limit_error", "rate_limit_exceeded" -> new LlmRateLimitException(provider, model, details);
				default ->
					"rate_limit_exceeded".equals(details.code()) ? new LlmRateLimitException(provider, model, details)
							: new LlmServerException(provider, model, details);
			};
		}

		private static boolean isQuota(String value) {
			return value.equals("insufficient_quota") || value.equals("billing_error");
		}

		private static boolean isContextLimit(int status, String type, String code, String message) {
			if (type.equals("request_too_large") || code.equals("context_length_exceeded")) {
				return true;
			}
			// Compatible servers (vLLM, gateways) name the type as they please; the
			// message tells.
			String text = (message != null) ? message.toLowerCase(Locale.ROOT) : "";
			boolean clientError = status == 400 || type.equals("invalid_request_error");
			return clientError && (text.contains("prompt is too long") || text.contains("maximum context length")
					|| text.contains("context length") || text.contains("context window"));
		}

	}

}
