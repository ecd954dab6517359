package dev.llmresilience.sample.chat;

import java.io.IOException;
import java.time.Duration;

import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmAuthenticationException;
import dev.llmresilience.error.LlmConnectionException;
import dev.llmresilience.error.LlmInvalidRequestException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.error.LlmRequestTooLargeException;
import dev.llmresilience.error.LlmServerException;
import dev.llmresilience.error.LlmTimeoutException;
import dev.llmresilience.error.LlmUnknownTargetException;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmProblemDetails}.
 */
class LlmProblemDetailsTests {

	@Test
	void busyModelsAreServiceUnavailable() {
		assertThat(LlmProblemDetails.statusOf(new LlmOverloadedException("p", "m", details(529, "overloaded_error"))))
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(LlmProblemDetails.statusOf(new LlmRateLimitException("p", "m", details(429, "rate_limit_error"))))
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
	}

	@Test
	void timeoutsAreGatewayTimeouts() {
		assertThat(LlmProblemDetails.statusOf(
				new LlmTimeoutException("p", "m", LlmTimeoutException.Phase.FIRST_BYTE, Duration.ofSeconds(1), null)))
			.isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
	}

	@Test
	void providerFailuresAndConfigurationErrorsAreBadGateway() {
		assertThat(LlmProblemDetails.statusOf(new LlmServerException("p", "m", details(500, "api_error"))))
			.isEqualTo(HttpStatus.BAD_GATEWAY);
		assertThat(LlmProblemDetails.statusOf(new LlmConnectionException("p", "m", new IOException("reset"))))
			.isEqualTo(HttpStatus.BAD_GATEWAY);
		assertThat(LlmProblemDetails
			.statusOf(new LlmAuthenticationException("p", "m", details(401, "authentication_error"))))
			.isEqualTo(HttpStatus.BAD_GATEWAY);
	}

	@Test
	void requestsTheModelsRejectAreTheCallersFault() {
		assertThat(LlmProblemDetails.statusOf(new LlmUnknownTargetException("No model 'x'")))
			.isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(LlmProblemDetails
			.statusOf(new LlmRequestTooLargeException("p", "m", details(413, "request_too_large"))))
			.isEqualTo(HttpStatus.PAYLOAD_TOO_LARGE);
		assertThat(LlmProblemDetails
			.statusOf(new LlmInvalidRequestException("p", "m", details(400, "invalid_request_error"))))
			.isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
	}

	@Test
	void problemNamesTheExceptionTheProviderErrorTypeAndWhereItHappened() {
		ProblemDetail problem = LlmProblemDetails
			.of(new LlmOverloadedException("simulator", "primary", details(529, "overloaded_error")));
		assertThat(problem.getStatus()).isEqualTo(503);
		assertThat(problem.getDetail()).contains("overloaded_error");
		assertThat(problem.getProperties()).containsEntry("exception", "LlmOverloadedException")
			.containsEntry("errorType", "overloaded_error")
			.containsEntry("provider", "simulator")
			.containsEntry("model", "primary");
	}

	private static LlmApiException.Details details(int status, String type) {
		return new LlmApiException.Details(status, type, null, "message", "req_1", null, null, null);
	}

}
