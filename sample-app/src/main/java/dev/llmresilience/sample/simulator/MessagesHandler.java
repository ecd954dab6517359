package dev.llmresilience.sample.simulator;

import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;

/**
 * Serves {@code POST /simulator/v1/messages} as the Anthropic Messages API does: checks
 * the API key, then writes what the {@link ModelSimulator} decides in the Messages
 * format: a message or its stream of events, or an error with {@code request-id} and
 * {@code anthropic-ratelimit-*} headers.
 */
class MessagesHandler {

	private static final String RATE_LIMIT_HEADER_PREFIX = "anthropic-ratelimit-";

	private static final Consumer<HttpHeaders> NO_HEADERS = (headers) -> {
	};

	private final ModelSimulator simulator;

	MessagesHandler(ModelSimulator simulator) {
		this.simulator = simulator;
	}

	Mono<ServerResponse> create(ServerRequest request) {
		String requestId = ModelSimulator.newId("req_sim_");
		if (!StringUtils.hasText(request.headers().firstHeader("x-api-key"))) {
			return error(HttpStatus.UNAUTHORIZED, "authentication_error", "x-api-key header is required", requestId,
					NO_HEADERS);
		}
		return request.bodyToMono(JsonNode.class)
			.switchIfEmpty(Mono.error(() -> new InvalidRequestException("The request body must not be empty")))
			.map(MessagesRequest::read)
			.flatMap((messages) -> this.simulator.play(SimulatedApi.MESSAGES, messages)
				.flatMap((outcome) -> respond(messages, outcome, requestId)))
			.onErrorResume(InvalidRequestException.class,
					(ex) -> error(HttpStatus.BAD_REQUEST, "invalid_request_error", ex.getMessage(), requestId,
							NO_HEADERS))
			.onErrorResume(ResponseStatusException.class,
					(ex) -> error(ex.getStatusCode(), "invalid_request_error", ex.getReason(), requestId, NO_HEADERS));
	}

	private Mono<ServerResponse> respond(SimulatedRequest request, ModelSimulator.Outcome outcome, String requestId) {
		if (outcome instanceof ModelSimulator.TooLong tooLong) {
			return error(HttpStatus.BAD_REQUEST, "invalid_request_error", "prompt is too long: " + request.inputTokens()
					+ " tokens > " + tooLong.contextWindow() + " maximum", requestId, NO_HEADERS);
		}
		if (outcome instanceof ModelSimulator.Failed failed) {
			return fail(failed, requestId);
		}
		ModelSimulator.Answered answered = (ModelSimulator.Answered) outcome;
		SimulatedAnswer answer = answered.answer();
		String messageId = ModelSimulator.newId("msg_sim_");
		Consumer<HttpHeaders> headers = (httpHeaders) -> addHeaders(httpHeaders, requestId, answered.budget());
		if (!request.stream()) {
			return ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.headers(headers)
				.bodyValue(MessagesWireFormat.message(messageId, request.model(), answer, request.inputTokens()));
		}
		Flux<MessageStream.Event> events = answered.breaksOff()
				? MessageStream.brokenOff(messageId, request, answer, answered.chunkInterval())
				: MessageStream.complete(messageId, request, answer, answered.chunkInterval());
		return EventStreamResponse.of(events.map(MessageStream.Event::toSse), headers);
	}

	private Mono<ServerResponse> fail(ModelSimulator.Failed failed, String requestId) {
		SimulatedFailure failure = failed.failure();
		return switch (failure) {
			case CONNECTION_RESET -> ConnectionReset.response();
			case RATE_LIMIT -> error(failure.status(), failure.errorType(), failure.message(), requestId, (headers) -> {
				headers.set(HttpHeaders.RETRY_AFTER, Long.toString(failed.retryAfterSeconds()));
				addRateLimitHeaders(headers, failed.budget());
			});
			default -> error(failure.status(), failure.errorType(), failure.message(), requestId,
					(headers) -> addRateLimitHeaders(headers, failed.budget()));
		};
	}

	private static Mono<ServerResponse> error(HttpStatusCode status, String type, String message, String requestId,
			Consumer<HttpHeaders> headers) {
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.header("request-id", requestId)
			.headers(headers)
			.bodyValue(MessagesWireFormat.errorBody(type, message, requestId));
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

}
