package dev.llmresilience.provider;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmresilience.LlmModel;
import dev.llmresilience.deadline.IdleTimeoutOperator;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmException;
import dev.llmresilience.error.LlmTimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.codec.ServerSentEventHttpMessageReader;
import org.springframework.web.reactive.function.BodyExtractor;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.DefaultUriBuilderFactory;
import org.springframework.web.util.UriBuilderFactory;

/**
 * The HTTP exchange that every provider shares: one POST of a JSON body, read as JSON or
 * as server-sent events within the time limits of {@link ProviderSettings}. Failures are
 * typed by {@link ProviderErrorMapper}; the provider supplies its paths, bodies and
 * {@link ProviderProtocol}, and this class knows nothing of their content.
 */
public final class ProviderHttpClient {

	/**
	 * The request attribute in which {@link WebClient} keeps the URI template of a
	 * request, for the {@code uri} tag of its observation.
	 */
	private static final String WEB_CLIENT_URI_TEMPLATE = WebClient.class.getName() + ".uriTemplate";

	/**
	 * How long the end of a streamed body may take after its terminal event.
	 */
	private static final Duration END_OF_BODY_GRACE = Duration.ofSeconds(1);

	private final ProviderSettings settings;

	private final WebClient webClient;

	private final ProviderJson json;

	private final ProviderErrorMapper errors;

	private final UriBuilderFactory uriBuilderFactory;

	/** How long a stream's body may go on after its terminal event. */
	private final Duration endOfBodyGrace;

	/** The URI of each path called, expanded once. */
	private final Map<String, URI> uris = new ConcurrentHashMap<>();

	/**
	 * Create a new instance.
	 * @param settings the provider's settings
	 * @param webClient a client whose base URL and default headers the provider has set
	 * @param json the reader of response bodies
	 * @param errors the translation of failures, with the provider's protocol
	 */
	public ProviderHttpClient(ProviderSettings settings, WebClient webClient, ProviderJson json,
			ProviderErrorMapper errors) {
		this.settings = settings;
		this.webClient = webClient;
		this.json = json;
		this.errors = errors;
		this.uriBuilderFactory = new DefaultUriBuilderFactory(settings.baseUrl().toString());
		Duration idle = settings.streamIdleTimeout();
		this.endOfBodyGrace = (idle.compareTo(END_OF_BODY_GRACE) < 0) ? idle : END_OF_BODY_GRACE;
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
		// bytes, not a String: Spring's StringDecoder logs what it decodes at DEBUG,
		// and an error body may echo the API key
		Mono<ResponseEntity<byte[]>> entity = exchange(model, path, body, MediaType.APPLICATION_JSON)
			.toEntity(byte[].class);
		return IdleTimeoutOperator.within(entity, this.settings.firstByteTimeout(), TimeoutException::new)
			.map((answer) -> readJsonResponse(model, answer))
			.onErrorMap((ex) -> this.errors.translate(model, ex, LlmTimeoutException.Phase.FIRST_BYTE));
	}

	private JsonResponse readJsonResponse(LlmModel model, ResponseEntity<byte[]> entity) {
		ResponseMetadata metadata = this.errors.metadata(entity.getStatusCode().value(), entity.getHeaders());
		byte[] body = entity.getBody();
		if (body == null || body.length == 0) {
			throw this.errors.invalidResponse(model, "the body is empty", null);
		}
		JsonNode json = this.json.readJson(model, body);
		LlmApiException error = this.errors.errorIn(model, metadata, json);
		if (error != null) {
			throw error;
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
		Mono<ResponseEntity<Flux<ServerSentEvent<String>>>> answer = exchange(model, path, body,
				MediaType.TEXT_EVENT_STREAM)
			.toEntityFlux(eventsOrJsonError(model));
		return IdleTimeoutOperator.within(answer, this.settings.firstByteTimeout(), TimeoutException::new)
			.onErrorMap((ex) -> this.errors.translate(model, ex, LlmTimeoutException.Phase.FIRST_BYTE))
			.flatMapMany((entity) -> {
				EventStreamReader<T> reader = readers
					.apply(this.errors.metadata(entity.getStatusCode().value(), entity.getHeaders()));
				Flux<Batch<T>> read = timed(model, entity.getBody().map(new Reading<>(reader)));
				// an error (an error event, a broken connection) after the text read
				// before it
				return InOrder.flatten(read).concatWith(Mono.fromSupplier(reader::complete));
			});
	}

	/**
	 * POST the body to the path. The URI is expanded once per path rather than by the
	 * client's URI template on every call; the template goes along as the request
	 * attribute the client would set, so that the {@code uri} tag and the observation of
	 * the HTTP call stay the same. An error or redirect status fails with its typed
	 * exception.
	 */
	private WebClient.ResponseSpec exchange(LlmModel model, String path, Object body, MediaType accept) {
		return this.webClient.post()
			.uri(uri(path))
			.attribute(WEB_CLIENT_URI_TEMPLATE, path)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(accept)
			.bodyValue(this.json.writeJson(model, body))
			.retrieve()
			.onStatus((status) -> status.isError() || status.is3xxRedirection(),
					(response) -> response.statusCode().is3xxRedirection() ? this.errors.redirect(model, response)
							: this.errors.errorStatus(model, response));
	}

	private URI uri(String path) {
		URI uri = this.uris.get(path);
		if (uri == null) {
			uri = this.uriBuilderFactory.expand(path);
			this.uris.putIfAbsent(path, uri);
		}
		return uri;
	}

	/**
	 * Apply the stream's time limits: servers that send their headers at once may still
	 * think long before the first event (a long prompt's prefill), so the first event
	 * gets the first-byte limit and every later one the idle limit. After the terminal
	 * event the body is read to its end, so that the connection goes back to the pool
	 * rather than being closed, but for no longer than {@link #END_OF_BODY_GRACE} (or the
	 * idle limit if shorter): a server that holds the connection open after its answer
	 * has the connection closed, and the stream completes all the same.
	 */
	private <T> Flux<Batch<T>> timed(LlmModel model, Flux<Batch<T>> batches) {
		return batches
			.transform(IdleTimeoutOperator.of(this.settings.firstByteTimeout(), this.settings.streamIdleTimeout(),
					(started) -> this.errors.translate(model, new TimeoutException(),
							started ? LlmTimeoutException.Phase.STREAM_IDLE : LlmTimeoutException.Phase.FIRST_BYTE),
					Batch::isLast, this.endOfBodyGrace))
			.onErrorMap((ex) -> this.errors.translate(model, ex, LlmTimeoutException.Phase.STREAM_IDLE));
	}

	private BodyExtractor<Flux<ServerSentEvent<String>>, ClientHttpResponse> eventsOrJsonError(LlmModel model) {
		return (response, context) -> {
			MediaType contentType = response.getHeaders().getContentType();
			if (contentType != null && contentType.isCompatibleWith(MediaType.APPLICATION_JSON)) {
				ResponseMetadata metadata = this.errors.metadata(response.getStatusCode().value(),
						response.getHeaders());
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
		JsonNode json = text.isBlank() ? null : this.json.readJson(model, text);
		LlmApiException error = (json != null) ? this.errors.errorIn(model, metadata, json) : null;
		if (error != null) {
			return error;
		}
		return this.errors.invalidResponse(model, "expected an event stream but the body is plain JSON", null);
	}

	/**
	 * Reads the events of one response into batches; an event after the terminal one is
	 * not read (an empty batch stands for it, and the time limits drop it).
	 *
	 * @param <T> the element type
	 */
	private static final class Reading<T> implements Function<ServerSentEvent<String>, Batch<T>> {

		private final EventStreamReader<T> reader;

		private boolean ended;

		Reading(EventStreamReader<T> reader) {
			this.reader = reader;
		}

		@Override
		public Batch<T> apply(ServerSentEvent<String> event) {
			Batch<T> batch = new Batch<>();
			if (!this.ended) {
				batch.last = this.reader.read(event, batch);
				this.ended = batch.last;
			}
			return batch;
		}

	}

	/**
	 * The elements one event made, and whether it was the terminal one.
	 *
	 * @param <T> the element type
	 */
	private static final class Batch<T> extends ArrayList<T> implements Consumer<T> {

		private boolean last;

		Batch() {
			super(2);
		}

		@Override
		public void accept(T element) {
			add(element);
		}

		boolean isLast() {
			return this.last;
		}

	}

	/**
	 * A JSON response body with its metadata.
	 *
	 * @param body the body
	 * @param metadata the status line and headers
	 */
	public record JsonResponse(JsonNode body, ResponseMetadata metadata) {

	}

}
