package dev.llmresilience.provider.openai;

import java.time.Duration;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmAuthenticationException;
import dev.llmresilience.error.LlmConflictException;
import dev.llmresilience.error.LlmInvalidRequestException;
import dev.llmresilience.error.LlmModelNotFoundException;
import dev.llmresilience.error.LlmPermissionException;
import dev.llmresilience.error.LlmQuotaExceededException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.error.LlmRequestTooLargeException;
import dev.llmresilience.error.LlmServerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.API_KEY;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.MODEL;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.NOW;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests for the errors of non-streaming calls of {@link OpenAiProvider}.
 */
class OpenAiProviderErrorTests {

	@RegisterExtension
	static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

	static Stream<Arguments> errorStatuses() {
		return Stream.of(Arguments.of(400, "invalid_request_error", null, LlmInvalidRequestException.class),
				Arguments.of(400, "invalid_request_error", "context_length_exceeded",
						LlmRequestTooLargeException.class),
				Arguments.of(401, "invalid_request_error", "invalid_api_key", LlmAuthenticationException.class),
				Arguments.of(403, "invalid_request_error", "unsupported_country_region_territory",
						LlmPermissionException.class),
				Arguments.of(404, "invalid_request_error", "model_not_found", LlmModelNotFoundException.class),
				Arguments.of(409, "invalid_request_error", null, LlmConflictException.class),
				Arguments.of(413, "invalid_request_error", null, LlmRequestTooLargeException.class),
				Arguments.of(422, "invalid_request_error", null, LlmInvalidRequestException.class),
				Arguments.of(429, "requests", "rate_limit_exceeded", LlmRateLimitException.class),
				Arguments.of(429, "tokens", "rate_limit_exceeded", LlmRateLimitException.class),
				Arguments.of(429, "insufficient_quota", "insufficient_quota", LlmQuotaExceededException.class),
				Arguments.of(500, "server_error", null, LlmServerException.class),
				Arguments.of(502, "server_error", null, LlmServerException.class),
				Arguments.of(503, "server_error", null, LlmServerException.class),
				Arguments.of(504, "server_error", null, LlmServerException.class));
	}

	@ParameterizedTest
	@MethodSource("errorStatuses")
	void errorStatusIsMappedToTypedException(int status, String type, String code,
			Class<? extends LlmApiException> exceptionType) {
		String codeJson = (code != null) ? "\"" + code + "\"" : "null";
		answer(error(status, "{\"error\":{\"message\":\"It failed.\",\"type\":\"" + type + "\",\"param\":null,"
				+ "\"code\":" + codeJson + "}}")
			.withHeader("x-request-id", "req_err"));
		LlmApiException ex = apiError();
		assertThat(ex).isExactlyInstanceOf(exceptionType);
		assertThat(ex.getStatusCode()).isEqualTo(status);
		assertThat(ex.getErrorType()).isEqualTo(type);
		assertThat(ex.getErrorCode()).isEqualTo(code);
		assertThat(ex.getRequestId()).isEqualTo("req_err");
		assertThat(ex.getProvider()).isEqualTo("openai");
		assertThat(ex.getModel()).isEqualTo("mini");
		assertThat(ex).hasMessageContaining("It failed.").hasMessageContaining("HTTP " + status);
	}

	@Test
	void numericErrorCodeIsReadAsText() {
		answer(error(400, "{\"error\":{\"message\":\"bad\",\"type\":\"BadRequestError\",\"code\":400}}"));
		assertThat(apiError().getErrorCode()).isEqualTo("400");
	}

	@Test
	void topLevelErrorObjectOfVllmIsRead() {
		answer(error(404, "{\"object\":\"error\",\"message\":\"The model `llama9` does not exist.\","
				+ "\"type\":\"NotFoundError\",\"param\":null,\"code\":404}"));
		LlmApiException ex = apiError();
		assertThat(ex).isInstanceOf(LlmModelNotFoundException.class);
		assertThat(ex.getErrorType()).isEqualTo("NotFoundError");
		assertThat(ex).hasMessageContaining("does not exist");
	}

	@Test
	void errorGivenAsPlainStringIsRead() {
		answer(error(404, "{\"error\":\"model \\\"llama9\\\" not found, try pulling it first\"}"));
		LlmApiException ex = apiError();
		assertThat(ex).isInstanceOf(LlmModelNotFoundException.class).hasMessageContaining("try pulling it first");
		assertThat(ex.getErrorType()).isNull();
	}

	@Test
	void retryAfterMillisecondsIsRead() {
		answer(rateLimited().withHeader("retry-after-ms", "1500").withHeader("retry-after", "9"));
		assertThat(apiError().getRetryAfter()).isEqualTo(Duration.ofMillis(1500));
	}

	@Test
	void retryAfterSecondsIsRead() {
		answer(rateLimited().withHeader("retry-after", "7"));
		assertThat(apiError().getRetryAfter()).isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void retryAfterHttpDateIsReadAgainstTheClock() {
		answer(rateLimited().withHeader("retry-after", "Sun, 01 Jun 2025 12:00:30 GMT"));
		assertThat(apiError().getRetryAfter()).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void noRetryAfterGivesNull() {
		answer(rateLimited());
		LlmApiException ex = apiError();
		assertThat(ex.getRetryAfter()).isNull();
		assertThat(ex.getShouldRetry()).isNull();
	}

	@Test
	void shouldRetryHeaderIsRead() {
		answer(error(500, "{\"error\":{\"message\":\"oops\",\"type\":\"server_error\"}}").withHeader("x-should-retry",
				"false"));
		assertThat(apiError().getShouldRetry()).isFalse();
		answer(error(409, "{\"error\":{\"message\":\"busy\",\"type\":\"invalid_request_error\"}}")
			.withHeader("x-should-retry", "true"));
		assertThat(apiError().getShouldRetry()).isTrue();
	}

	@Test
	void rateLimitHeadersOfAnErrorAreRead() {
		answer(rateLimited().withHeader("x-ratelimit-remaining-requests", "0")
			.withHeader("x-ratelimit-reset-requests", "20s"));
		assertThat(apiError().getRateLimits())
			.isEqualTo(new RateLimitStatus(null, 0L, NOW.plusSeconds(20), null, null, null));
	}

	@Test
	void htmlErrorPageOfAProxyIsTypedByStatus() {
		answer(aResponse().withStatus(502)
			.withHeader("Content-Type", "text/html")
			.withBody("<html><body><h1>502 Bad Gateway</h1></body></html>"));
		LlmApiException ex = apiError();
		assertThat(ex).isInstanceOf(LlmServerException.class).hasMessageContaining("502 Bad Gateway");
		assertThat(ex.getStatusCode()).isEqualTo(502);
		assertThat(ex.getErrorType()).isNull();
	}

	@Test
	void errorStatusWithEmptyBodyIsTypedByStatus() {
		answer(aResponse().withStatus(503));
		LlmApiException ex = apiError();
		assertThat(ex).isInstanceOf(LlmServerException.class);
		assertThat(ex.getStatusCode()).isEqualTo(503);
	}

	@Test
	void successfulStatusWithErrorBodyIsTyped() {
		answer(error(200, "{\"error\":{\"message\":\"The server had an error.\",\"type\":\"server_error\","
				+ "\"param\":null,\"code\":null}}")
			.withHeader("x-request-id", "req_200"));
		LlmApiException ex = apiError();
		assertThat(ex).isInstanceOf(LlmServerException.class).hasMessageContaining("The server had an error.");
		assertThat(ex.getStatusCode()).isEqualTo(200);
		assertThat(ex.getRequestId()).isEqualTo("req_200");
	}

	@Test
	void successfulStatusWithQuotaErrorBodyIsTypedAsQuota() {
		answer(error(200, "{\"error\":{\"message\":\"You exceeded your current quota.\","
				+ "\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}"));
		assertThat(apiError()).isInstanceOf(LlmQuotaExceededException.class);
	}

	@Test
	void apiKeyEchoedByTheServerNeverAppearsInTheException() {
		answer(error(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + API_KEY + ".\","
				+ "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
		LlmApiException ex = apiError();
		assertThat(ex).isInstanceOf(LlmAuthenticationException.class);
		assertThat(ex.getMessage()).doesNotContain(API_KEY).contains("[redacted]");
		assertThat(ex.toString()).doesNotContain(API_KEY);
	}

	@Test
	void apiKeyEchoedInANonJsonBodyNeverAppearsInTheException() {
		answer(aResponse().withStatus(403).withHeader("Content-Type", "text/plain").withBody("denied for " + API_KEY));
		LlmApiException ex = apiError();
		assertThat(ex).isInstanceOf(LlmPermissionException.class);
		assertThat(ex.getMessage()).doesNotContain(API_KEY);
	}

	@Test
	void providerToStringHidesTheApiKey() {
		assertThat(provider().toString()).contains("openai").doesNotContain(API_KEY);
	}

	@Test
	void longErrorMessageIsCut() {
		answer(error(400, "{\"error\":{\"message\":\"" + "x".repeat(5000) + "\",\"type\":\"invalid_request_error\"}}"));
		assertThat(apiError().getMessage()).hasSizeLessThan(1000);
	}

	private static ResponseDefinitionBuilder error(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

	private static ResponseDefinitionBuilder rateLimited() {
		return error(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
				+ "\"code\":\"rate_limit_exceeded\"}}");
	}

	private static void answer(ResponseDefinitionBuilder response) {
		wm.stubFor(post(PATH).willReturn(response));
	}

	private LlmApiException apiError() {
		Throwable ex = catchThrowable(
				() -> provider().call(MODEL, LlmRequest.ofPrompt("Hi")).block(Duration.ofSeconds(5)));
		assertThat(ex).isInstanceOf(LlmApiException.class);
		return (LlmApiException) ex;
	}

	private static OpenAiProvider provider() {
		return OpenAiProviderFixtures.create(wm.baseUrl());
	}

}
