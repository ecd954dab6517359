package dev.llmresilience.sample.simulator;

import java.time.Clock;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * Serves {@code POST /simulator/v1/chat/completions} as OpenAI Chat Completions does:
 * checks the bearer token, then writes what the {@link ModelSimulator} decides in the
 * Chat Completions format: a {@code chat.completion} or its stream of chunks, or an error
 * in the envelope {@code {"error": {"message", "type", "param", "code"}}}, with
 * {@code x-request-id} and {@code x-ratelimit-*} headers. OpenAI has no status for an
 * overloaded model of its own: {@code overloaded} fails with 503.
 */
class ChatCompletionsHandler {

	private static final String RATE_LIMIT_HEADER_PREFIX = "x-ratelimit-";

	private static final String SERVER_ERROR = "server_error";

	private static final String INVALID_REQUEST = "invalid_request_error";

	private static final String BEARER = "Bearer ";

	private static final Consumer<HttpHeaders> NO_HEADERS = (headers) -> {
	};

	private final ModelSimulator simulator;

	private final Clock clock;

	ChatCompletionsHandler(ModelSimulator simulator, Clock clock) {
		this.simulator = simulator;
		this.clock = clock;
	}

	Mono<ServerResponse> create(ServerRequest request) {
		String requestId = ModelSimulator.newId("req_sim_");
		String authorization = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
		if (authorization == null || !authorization.startsWith(BEARER)
				|| !StringUtils.hasText(authorization.substring(BEARER.length()))) {
			return error(HttpStatus.UNAUTHORIZED, ChatCompletionsWireFormat
				.error("An API key is required, sent as 'Authorization: Bearer <key>'", INVALID_REQUEST, null, null),
					requestId, NO_HEADERS);
		}
		return request.bodyToMono(JsonNode.class)
			.switchIfEmpty(Mono.error(() -> new InvalidRequestException("The request body must not be empty")))
			.map(ChatCompletionsRequest::read)
			.flatMap((completions) -> this.simulator.play(SimulatedApi.CHAT_COMPLETIONS, completions.request())
				.flatMap((outcome) -> respond(completions, outcome, requestId)))
			.onErrorResume(InvalidRequestException.class,
					(ex) -> error(HttpStatus.BAD_REQUEST,
							ChatCompletionsWireFormat.error(ex.getMessage(), INVALID_REQUEST, ex.param(), null),
							requestId, NO_HEADERS))
			.onErrorResume(ResponseStatusException.class,
					(ex) -> error(ex.getStatusCode(),
							ChatCompletionsWireFormat.error(ex.getReason(), INVALID_REQUEST, null, null), requestId,
							NO_HEADERS));
	}

	private Mono<ServerResponse> respond(ChatCompletionsRequest completions, ModelSimulator.Outcome outcome,
			String requestId) {
		SimulatedRequest request = completions.request();
		if (outcome instanceof ModelSimulator.TooLong tooLong) {
			return error(HttpStatus.BAD_REQUEST,
					ChatCompletionsWireFormat.error(
							"The messages have " + request.inputTokens() + " tokens, more than the context length of "
									+ tooLong.contextWindow() + " tokens of this model.",
							INVALID_REQUEST, "messages", "context_length_exceeded"),
					requestId, NO_HEADERS);
		}
		if (outcome instanceof ModelSimulator.Failed failed) {
			return fail(failed, requestId);
		}
		ModelSimulator.Answered answered = (ModelSimulator.Answered) outcome;
		SimulatedAnswer answer = answered.answer();
		String id = ModelSimulator.newId("chatcmpl-sim-");
		long created = this.clock.instant().getEpochSecond();
		Consumer<HttpHeaders> headers = (httpHeaders) -> addHeaders(httpHeaders, requestId, answered.budget());
		if (!request.stream()) {
			return ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.headers(headers)
				.bodyValue(ChatCompletionsWireFormat.completion(id, created, request.model(), answer,
						request.inputTokens()));
		}
		Flux<String> events = answered.breaksOff()
				? ChatCompletionStream.brokenOff(id, created, completions, answer, answered.chunkInterval())
				: ChatCompletionStream.complete(id, created, completions, answer, answered.chunkInterval());
		return EventStreamResponse.of(events, headers);
	}

	private Mono<ServerResponse> fail(ModelSimulator.Failed failed, String requestId) {
		SimulatedFailure failure = failed.failure();
		Consumer<HttpHeaders> rateLimitHeaders = (headers) -> addRateLimitHeaders(headers, failed.budget());
		return switch (failure) {
			case CONNECTION_RESET -> ConnectionReset.response();
			case RATE_LIMIT -> {
				String limit = failed.tokensExhausted() ? "tokens" : "requests";
				yield error(HttpStatus.TOO_MANY_REQUESTS,
						ChatCompletionsWireFormat.error(
								"Number of " + limit + " has exceeded your rate limit (simulated).", limit, null,
								"rate_limit_exceeded"),
						requestId, (headers) -> {
							headers.set(HttpHeaders.RETRY_AFTER, Long.toString(failed.retryAfterSeconds()));
							rateLimitHeaders.accept(headers);
						});
			}
			case OVERLOADED -> error(HttpStatus.SERVICE_UNAVAILABLE,
					ChatCompletionsWireFormat.error(failure.message(), SERVER_ERROR, null, null), requestId,
					rateLimitHeaders);
			default -> error(HttpStatus.INTERNAL_SERVER_ERROR,
					ChatCompletionsWireFormat.error(failure.message(), SERVER_ERROR, null, null), requestId,
					rateLimitHeaders);
		};
	}

	private static Mono<ServerResponse> error(HttpStatusCode status, ObjectNode body, String requestId,
			Consumer<HttpHeaders> headers) {
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.header("x-request-id", requestId)
			.headers(headers)
			.bodyValue(body);
	}

	private static void addHeaders(HttpHeaders headers, String requestId, ModelTraffic.Budget budget) {
		headers.set("x-request-id", requestId);
		addRateLimitHeaders(headers, budget);
	}

	private static void addRateLimitHeaders(HttpHeaders headers, ModelTraffic.Budget budget) {
		String reset = ChatCompletionsWireFormat.goDuration(budget.untilReset());
		headers.set(RATE_LIMIT_HEADER_PREFIX + "limit-requests", Long.toString(budget.requestsLimit()));
		headers.set(RATE_LIMIT_HEADER_PREFIX + "remaining-requests", Long.toString(budget.requestsRemaining()));
		headers.set(RATE_LIMIT_HEADER_PREFIX + "reset-requests", reset);
		headers.set(RATE_LIMIT_HEADER_PREFIX + "limit-tokens", Long.toString(budget.tokensLimit()));
		headers.set(RATE_LIMIT_HEADER_PREFIX + "remaining-tokens", Long.toString(budget.tokensRemaining()));
		headers.set(RATE_LIMIT_HEADER_PREFIX + "reset-tokens", reset);
	}

}
