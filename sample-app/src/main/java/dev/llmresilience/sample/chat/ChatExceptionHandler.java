package dev.llmresilience.sample.chat;

import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;

/**
 * Answers every failed request with a problem detail: a failed model call as described by
 * {@link LlmProblemDetails}, passing on the provider's {@code Retry-After} when the
 * models are busy, and an invalid request as Spring describes it.
 */
@RestControllerAdvice
class ChatExceptionHandler extends ResponseEntityExceptionHandler {

	private static final Log logger = LogFactory.getLog(ChatExceptionHandler.class);

	@ExceptionHandler
	Mono<ResponseEntity<Object>> handleLlmException(LlmException ex, ServerWebExchange exchange) {
		logger.warn(ex.getMessage());
		ProblemDetail problem = LlmProblemDetails.of(ex);
		HttpHeaders headers = new HttpHeaders();
		if (problem.getStatus() == HttpStatus.SERVICE_UNAVAILABLE.value() && ex instanceof LlmApiException apiException
				&& apiException.getRetryAfter() != null) {
			// Whole seconds, rounded up: waiting too little only earns another 503.
			long seconds = apiException.getRetryAfter().plusMillis(999).toSeconds();
			headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
		}
		return createResponseEntity(problem, headers, HttpStatusCode.valueOf(problem.getStatus()), exchange);
	}

	@Override
	protected Mono<ResponseEntity<Object>> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
			ServerWebExchange exchange) {
		// Fixed, so that a failed stream request (Accept: text/event-stream) still gets
		// JSON, not
		// a problem written as an event.
		HttpHeaders problemHeaders = new HttpHeaders();
		if (headers != null) {
			problemHeaders.addAll(headers);
		}
		problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		return Mono.just(new ResponseEntity<>(body, problemHeaders, status));
	}

}
