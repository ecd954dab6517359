package dev.llmresilience.sample.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmresilience.sample.simulator.MessagesRequest.InvalidRequestException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;

/**
 * Serves {@code POST /simulator/v1/messages} as the Anthropic Messages API does: checks
 * the API key, refuses a prompt larger than the model's context window, answers or
 * streams a {@link SimulatedAnswer}, and fails as the model's {@link ModelFaults} say.
 */
class MessagesHandler {

	private static final MediaType EVENT_STREAM = new MediaType(MediaType.TEXT_EVENT_STREAM, StandardCharsets.UTF_8);

	private static final String RATE_LIMIT_HEADER_PREFIX = "anthropic-ratelimit-";

	private static final Consumer<HttpHeaders> NO_HEADERS = (headers) -> {
	};

	private final FaultRegistry faults;

	private final FaultInjector injector;

	private final SimulatorTraffic traffic;

	MessagesHandler(FaultRegistry faults, FaultInjector injector, SimulatorTraffic traffic) {
		this.faults = faults;
		this.injector = injector;
		this.traffic = traffic;
	}

	Mono<ServerResponse> create(ServerRequest request) {
		String requestId = newId("req_sim_");
		if (!StringUtils.hasText(request.headers().firstHeader("x-api-key"))) {
			return error(HttpStatus.UNAUTHORIZED, "authentication_error", "x-api-key header is required", requestId,
					NO_HEADERS);
		}
		return request.bodyToMono(JsonNode.class)
			.switchIfEmpty(Mono.error(() -> new InvalidRequestException("The request body must not be empty")))
			.map(MessagesRequest::from)
			.flatMap((messages) -> answer(messages, requestId))
			.onErrorResume(InvalidRequestException.class,
					(ex) -> error(HttpStatus.BAD_REQUEST, "invalid_request_error", ex.getMessage(), requestId,
							NO_HEADERS))
			.onErrorResume(ResponseStatusException.class,
					(ex) -> error(ex.getStatusCode(), "invalid_request_error", ex.getReason(), requestId, NO_HEADERS));
	}

	private Mono<ServerResponse> answer(MessagesRequest request, String requestId) {
		ModelFaults faults = this.faults.faultsFor(request.model());
		ModelTraffic traffic = this.traffic.of(request.model());
		traffic.countRequest();
		SimulatedAnswer answer = SimulatedAnswer.of(request);
		return Mono.delay(faults.latency()).then(Mono.defer(() -> {
			Optional<SimulatedFailure> failure = this.injector.draw(faults);
			if (request.inputTokens() > faults.contextWindow()) {
				traffic.countFailure();
				return error(HttpStatus.BAD_REQUEST, "invalid_request_error", "prompt is too long: "
						+ request.inputTokens() + " tokens > " + faults.contextWindow() + " maximum", requestId,
						NO_HEADERS);
			}
			Optional<Duration> wait = traffic.admit(request.inputTokens() + answer.outputTokens(), faults);
			ModelTraffic.Budget budget = traffic.budget(faults);
			if (wait.isPresent()) {
				traffic.countFailure();
				return rateLimited(wait.get(), requestId, budget);
			}
			failure.ifPresent((ignored) -> traffic.countFailure());
			// A stream breaks off after some text; everything else fails before the
			// answer starts.
			boolean breakOff = request.stream() && failure.orElse(null) == SimulatedFailure.MID_STREAM_ERROR;
			if (failure.isPresent() && !breakOff) {
				return fail(failure.get(), faults, requestId, budget);
			}
			String messageId = newId("msg_sim_");
			if (!request.stream()) {
				return ServerResponse.ok()
					.contentType(MediaType.APPLICATION_JSON)
					.headers((headers) -> addHeaders(headers, requestId, budget))
					.bodyValue(MessagesWireFormat.message(messageId, request.model(), answer, request.inputTokens()));
			}
			Flux<MessageStream.Event> events = breakOff
					? MessageStream.brokenOff(messageId, request, answer, faults.chunkInterval())
					: MessageStream.complete(messageId, request, answer, faults.chunkInterval());
			return ServerResponse.ok()
				.contentType(EVENT_STREAM)
				.header(HttpHeaders.CACHE_CONTROL, "no-cache")
				.headers((headers) -> addHeaders(headers, requestId, budget))
				.body(eventStream(events));
		}));
	}

	private Mono<ServerResponse> fail(SimulatedFailure failure, ModelFaults faults, String requestId,
			ModelTraffic.Budget budget) {
		return switch (failure) {
			case CONNECTION_RESET -> ConnectionReset.response();
			case RATE_LIMIT -> rateLimited(faults.retryAfter(), requestId, budget);
			default -> error(failure.status(), failure.errorType(), failure.message(), requestId,
					(headers) -> addRateLimitHeaders(headers, budget));
		};
	}

	private Mono<ServerResponse> rateLimited(Duration retryAfter, String requestId, ModelTraffic.Budget budget) {
		SimulatedFailure failure = SimulatedFailure.RATE_LIMIT;
		// The header carries whole seconds; rounding down would invite a retry that fails
		// again.
		long seconds = retryAfter.plusMillis(999).toSeconds();
		return error(failure.status(), failure.errorType(), failure.message(), requestId, (headers) -> {
			headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
			addRateLimitHeaders(headers, budget);
		});
	}

	private static Mono<ServerResponse> error(HttpStatusCode status, String type, String message, String requestId,
			Consumer<HttpHeaders> headers) {
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.header("request-id", requestId)
			.headers(headers)
			.bodyValue(MessagesWireFormat.errorBody(type, message, requestId));
	}

	private static BodyInserter<Flux<MessageStream.Event>, ReactiveHttpOutputMessage> eventStream(
			Flux<MessageStream.Event> events) {
		// Flush every event, so that pacing reaches the client instead of a buffer.
		return (message, context) -> message.writeAndFlushWith(events
			.map((event) -> Mono.just(message.bufferFactory().wrap(event.toSse().getBytes(StandardCharsets.UTF_8)))));
	}

	private static void addHeaders(HttpHeaders headers, String requestId, ModelTraffic.Budget budget) {
		headers.set("request-id", requestId);
		addRateLimitHeaders(headers, budget);
	}

	private static void addRateLimitHeaders(HttpHeaders headers, ModelTraffic.Budget budget) {
		// RFC 3339 in whole seconds, rounded up so that a client never waits too little.
		String reset = budget.reset().plusNanos(999_999_999).truncatedTo(ChronoUnit.SECONDS).toString();
		headers.set(RATE_LIMIT_HEADER_PREFIX + "requests-limit", Long.toString(budget.requestsLimit()));
		headers.set(RATE_LIMIT_HEADER_PREFIX + "requests-remaining", Long.toString(budget.requestsRemaining()));
		headers.set(RATE_LIMIT_HEADER_PREFIX + "requests-reset", reset);
		headers.set(RATE_LIMIT_HEADER_PREFIX + "tokens-limit", Long.toString(budget.tokensLimit()));
		headers.set(RATE_LIMIT_HEADER_PREFIX + "tokens-remaining", Long.toString(budget.tokensRemaining()));
		headers.set(RATE_LIMIT_HEADER_PREFIX + "tokens-reset", reset);
	}

	static String newId(String prefix) {
		return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
	}

}
