package dev.llmresilience.provider;

import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmAuthenticationException;
import dev.llmresilience.error.LlmInvalidRequestException;
import dev.llmresilience.error.LlmModelNotFoundException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmPermissionException;
import dev.llmresilience.error.LlmQuotaExceededException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.error.LlmRequestTooLargeException;
import dev.llmresilience.error.LlmServerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ProviderErrorMapper.ApiExceptions}: the choice of exception type from
 * a status and an error type, independent of any provider's wire format.
 */
class ProviderErrorMapperApiExceptionsTests {

	@ParameterizedTest(name = "{0} in a stream -> {1}")
	@CsvSource({ "invalid_request_error, dev.llmresilience.error.LlmInvalidRequestException",
			"authentication_error, dev.llmresilience.error.LlmAuthenticationException",
			"permission_error, dev.llmresilience.error.LlmPermissionException",
			"not_found_error, dev.llmresilience.error.LlmModelNotFoundException",
			"rate_limit_error, dev.llmresilience.error.LlmRateLimitException",
			"overloaded_error, dev.llmresilience.error.LlmOverloadedException",
			"api_error, dev.llmresilience.error.LlmServerException",
			"billing_error, dev.llmresilience.error.LlmQuotaExceededException",
			"request_too_large, dev.llmresilience.error.LlmRequestTooLargeException",
			"something_new, dev.llmresilience.error.LlmServerException" })
	void errorInsideSuccessfulResponseIsTypedByItsErrorType(String type, Class<?> expected) {
		assertThat(create(200, type, null, "boom")).isExactlyInstanceOf(expected);
	}

	@Test
	void errorWithoutTypeInsideSuccessfulResponseIsServerError() {
		assertThat(create(200, null, null, null)).isExactlyInstanceOf(LlmServerException.class);
	}

	@Test
	void unprocessableEntityIsInvalidRequest() {
		assertThat(create(422, null, null, "bad")).isExactlyInstanceOf(LlmInvalidRequestException.class);
	}

	@Test
	void unknownClientErrorStatusIsPlainApiException() {
		assertThat(create(418, null, null, "teapot")).isExactlyInstanceOf(LlmApiException.class);
	}

	@Test
	void overloadedTypeWithUnusualServerStatusIsOverloaded() {
		assertThat(create(503, "overloaded_error", null, "Overloaded"))
			.isExactlyInstanceOf(LlmOverloadedException.class);
	}

	@Test
	void insufficientQuotaCodeWinsOverRateLimitStatus() {
		assertThat(create(429, "insufficient_quota", "insufficient_quota", "quota"))
			.isExactlyInstanceOf(LlmQuotaExceededException.class);
	}

	@Test
	void contextLengthExceededCodeIsRequestTooLarge() {
		assertThat(create(400, "invalid_request_error", "context_length_exceeded", "too long"))
			.isExactlyInstanceOf(LlmRequestTooLargeException.class);
	}

	@Test
	void maximumContextLengthMessageIsRequestTooLarge() {
		assertThat(create(400, "invalid_request_error", null,
				"This model's maximum context length is 8192 tokens. However, you requested 9000 tokens"))
			.isExactlyInstanceOf(LlmRequestTooLargeException.class);
	}

	@ParameterizedTest(name = "HTTP {0}")
	@ValueSource(ints = { 200, 400, 500 })
	void exceedContextSizeTypeOfLlamaCppIsRequestTooLarge(int status) {
		assertThat(create(status, "exceed_context_size_error", String.valueOf(status),
				"the request exceeds the available context size, try increasing it"))
			.isExactlyInstanceOf(LlmRequestTooLargeException.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "the request exceeds the available context size, try increasing it",
			"Context size has been exceeded." })
	void contextSizeMessageOfAClientErrorIsRequestTooLarge(String message) {
		assertThat(create(400, null, null, message)).isExactlyInstanceOf(LlmRequestTooLargeException.class);
		assertThat(create(200, "invalid_request_error", null, message))
			.isExactlyInstanceOf(LlmRequestTooLargeException.class);
	}

	@Test
	void contextSizeMessageOfAServerErrorStaysServerError() {
		assertThat(create(500, "server_error", null, "failed to allocate the context size"))
			.isExactlyInstanceOf(LlmServerException.class);
	}

	@Test
	void statusWinsOverTypeForDocumentedStatuses() {
		assertThat(create(401, "permission_error", null, null)).isExactlyInstanceOf(LlmAuthenticationException.class);
		assertThat(create(403, "authentication_error", null, null)).isExactlyInstanceOf(LlmPermissionException.class);
		assertThat(create(404, "invalid_request_error", null, null))
			.isExactlyInstanceOf(LlmModelNotFoundException.class);
		assertThat(create(429, "overloaded_error", null, null)).isExactlyInstanceOf(LlmRateLimitException.class);
	}

	@Test
	void detailsAreKept() {
		LlmApiException exception = create(529, "overloaded_error", null, "Overloaded");
		assertThat(exception.getProvider()).isEqualTo("anthropic");
		assertThat(exception.getModel()).isEqualTo("haiku");
		assertThat(exception.getStatusCode()).isEqualTo(529);
		assertThat(exception.getErrorType()).isEqualTo("overloaded_error");
		assertThat(exception.getRequestId()).isEqualTo("req_1");
		assertThat(exception.getRateLimits()).isEqualTo(RateLimitStatus.NONE);
		assertThat(exception.getMessage())
			.isEqualTo("Provider 'anthropic' failed for model 'haiku': HTTP 529 overloaded_error: Overloaded"
					+ " (request id req_1)");
	}

	private static LlmApiException create(int status, String type, String code, String message) {
		return ProviderErrorMapper.ApiExceptions.create("anthropic", "haiku",
				new LlmApiException.Details(status, type, code, message, "req_1", null, null, null));
	}

}
