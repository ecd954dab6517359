package dev.llmresilience.provider.anthropic;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmAuthenticationException;
import dev.llmresilience.error.LlmConflictException;
import dev.llmresilience.error.LlmConnectionException;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the failures of non-streaming calls of {@link AnthropicProvider}: error
 * envelopes, retry headers, unreadable bodies, network faults and timeouts.
 */
class AnthropicProviderErrorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final String KEY = AnthropicProviderFixtures.API_KEY;

	@RegisterExtension
	static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

	private final AnthropicProvider provider = AnthropicProviderFixtures.create(wm.baseUrl());

	static Stream<Arguments> documentedErrors() {
		return Stream.of(
				Arguments.of(400, "invalid_request_error", "messages: at least one message is required",
						LlmInvalidRequestException.class),
				Arguments.of(400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum",
						LlmRequestTooLargeException.class),
				Arguments.of(401, "authentication_error", "invalid x-api-key", LlmAuthenticationException.class),
				Arguments.of(402, "billing_error", "Your credit balance is too low to access the Anthropic API.",
						LlmQuotaExceededException.class),
				Arguments.of(403, "permission_error",
						"Your API key does not have permission to use the specified resource.",
						LlmPermissionException.class),
				Arguments.of(404, "not_found_error", "model: claude-haiku-4-5", LlmModelNotFoundException.class),
				Arguments.of(409, "invalid_request_error", "A conflicting request is in progress.",
						LlmConflictException.class),
				Arguments.of(413, "request_too_large", "Request exceeds the maximum allowed number of bytes.",
						LlmRequestTooLargeException.class),
				Arguments.of(429, "rate_limit_error",
						"This request would exceed your organization's rate limit of 50 requests per minute.",
						LlmRateLimitException.class),
				Arguments.of(500, "api_error", "Internal server error", LlmServerException.class),
				Arguments.of(504, "timeout_error", "Request timed out", LlmServerException.class),
				Arguments.of(529, "overloaded_error", "Overloaded", LlmOverloadedException.class));
	}

	@ParameterizedTest(name = "{0} {1} -> {3}")
	@MethodSource("documentedErrors")
	void documentedErrorIsTyped(int status, String type, String message, Class<? extends LlmApiException> expected) {
		stub(error(status, type, message).withHeader("request-id", "req_011CS"));
		LlmApiException exception = apiFailure();
		assertThat(exception).isExactlyInstanceOf(expected);
		assertThat(exception.getStatusCode()).isEqualTo(status);
		assertThat(exception.getErrorType()).isEqualTo(type);
		assertThat(exception.getErrorCode()).isNull();
		assertThat(exception.getRequestId()).isEqualTo("req_011CS");
		assertThat(exception.getProvider()).isEqualTo("anthropic");
		assertThat(exception.getModel()).isEqualTo("haiku");
		assertThat(exception.getMessage()).contains("HTTP " + status, type, message, "req_011CS");
	}

	@Test
	void requestIdIsReadFromTheErrorBodyWhenTheHeaderIsMissing() {
		stub(error(500, "api_error", "Internal server error"));
		assertThat(apiFailure().getRequestId()).isEqualTo("req_body_1");
	}

	@Test
	void rateLimitErrorCarriesRetryAfterSecondsAndRateLimits() {
		stub(error(429, "rate_limit_error", "Too many requests").withHeader("retry-after", "20")
			.withHeader("anthropic-ratelimit-requests-limit", "50")
			.withHeader("anthropic-ratelimit-requests-remaining", "0")
			.withHeader("anthropic-ratelimit-requests-reset", "2025-06-01T12:00:20Z"));
		LlmApiException exception = apiFailure();
		assertThat(exception).isExactlyInstanceOf(LlmRateLimitException.class);
		assertThat(exception.getRetryAfter()).isEqualTo(Duration.ofSeconds(20));
		assertThat(exception.getRateLimits())
			.isEqualTo(new RateLimitStatus(50L, 0L, Instant.parse("2025-06-01T12:00:20Z"), null, null, null));
	}

	@Test
	void fractionalRetryAfterMsWinsOverRetryAfter() {
		stub(error(529, "overloaded_error", "Overloaded").withHeader("retry-after", "30")
			.withHeader("retry-after-ms", "1500.5"));
		assertThat(apiFailure().getRetryAfter()).isEqualTo(Duration.ofMillis(1500).plusNanos(500_000));
	}

	@Test
	void retryAfterHttpDateIsMeasuredAgainstTheClock() {
		stub(error(429, "rate_limit_error", "Too many requests").withHeader("retry-after",
				"Sun, 01 Jun 2025 12:01:00 GMT"));
		assertThat(apiFailure().getRetryAfter()).isEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void missingRetryHeadersGiveNulls() {
		stub(error(529, "overloaded_error", "Overloaded"));
		LlmApiException exception = apiFailure();
		assertThat(exception.getRetryAfter()).isNull();
		assertThat(exception.getShouldRetry()).isNull();
		assertThat(exception.getRateLimits()).isEqualTo(RateLimitStatus.NONE);
	}

	@Test
	void shouldRetryTrueIsKept() {
		stub(error(500, "api_error", "Internal server error").withHeader("x-should-retry", "true"));
		assertThat(apiFailure().getShouldRetry()).isTrue();
	}

	@Test
	void shouldRetryFalseIsKept() {
		stub(error(429, "rate_limit_error", "Too many requests").withHeader("x-should-retry", "false"));
		assertThat(apiFailure().getShouldRetry()).isFalse();
	}

	@Test
	void htmlBadGatewayIsServerErrorWithStartOfPage() {
		stub(aResponse().withStatus(502)
			.withHeader("Content-Type", "text/html")
			.withBody("<html><body><h1>502 Bad Gateway</h1></body></html>"));
		LlmApiException exception = apiFailure();
		assertThat(exception).isExactlyInstanceOf(LlmServerException.class);
		assertThat(exception.getStatusCode()).isEqualTo(502);
		assertThat(exception.getErrorType()).isNull();
		assertThat(exception.getMessage()).contains("HTTP 502", "502 Bad Gateway");
	}

	@Test
	void serviceUnavailableWithoutBodyIsServerError() {
		stub(aResponse().withStatus(503).withHeader("retry-after", "2"));
		LlmApiException exception = apiFailure();
		assertThat(exception).isExactlyInstanceOf(LlmServerException.class);
		assertThat(exception.getStatusCode()).isEqualTo(503);
		assertThat(exception.getRetryAfter()).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void errorEnvelopeInSuccessfulResponseIsTypedWithStatus200() {
		stub(error(200, "overloaded_error", "Overloaded").withHeader("request-id", "req_200"));
		LlmApiException exception = apiFailure();
		assertThat(exception).isExactlyInstanceOf(LlmOverloadedException.class);
		assertThat(exception.getStatusCode()).isEqualTo(200);
		assertThat(exception.getErrorType()).isEqualTo("overloaded_error");
		assertThat(exception.getRequestId()).isEqualTo("req_200");
	}

	@Test
	void successfulResponseThatIsNotJsonIsInvalidResponse() {
		stub(aResponse().withHeader("Content-Type", "application/json").withBody("Hello, I am not JSON"));
		Throwable failure = failure(callHi());
		assertThat(failure).isExactlyInstanceOf(LlmInvalidResponseException.class);
		assertThat(failure.getMessage()).contains("not valid JSON").doesNotContain("Hello, I am not JSON");
	}

	@Test
	void successfulResponseWithoutContentArrayIsInvalidResponse() {
		stub(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\"}"));
		assertThat(failure(callHi())).isExactlyInstanceOf(LlmInvalidResponseException.class)
			.hasMessageContaining("content array");
	}

	@Test
	void successfulResponseThatIsAnotherJsonValueIsInvalidResponse() {
		stub(aResponse().withHeader("Content-Type", "application/json").withBody("null"));
		assertThat(failure(callHi())).isExactlyInstanceOf(LlmInvalidResponseException.class);
	}

	@Test
	void emptySuccessfulResponseIsInvalidResponse() {
		stub(aResponse().withStatus(200).withHeader("Content-Type", "application/json"));
		assertThat(failure(callHi())).isExactlyInstanceOf(LlmInvalidResponseException.class)
			.hasMessageContaining("empty");
	}

	@Test
	void blankSuccessfulResponseIsInvalidResponse() {
		stub(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(" \r\n\t"));
		assertThat(failure(callHi())).isExactlyInstanceOf(LlmInvalidResponseException.class)
			.hasMessageContaining("empty");
	}

	@Test
	void truncatedJsonBodyIsInvalidResponse() {
		stub(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"id\":\"msg_1\",\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"Hel"));
		assertThat(failure(callHi())).isExactlyInstanceOf(LlmInvalidResponseException.class);
	}

	@ParameterizedTest
	@EnumSource(Fault.class)
	void brokenResponseIsTypedFailureNeverSuccess(Fault fault) {
		stub(aResponse().withFault(fault));
		assertThat(failure(callHi())).isInstanceOfAny(LlmConnectionException.class, LlmInvalidResponseException.class);
	}

	@Test
	void bodyCutOffMidResponseIsConnectionFailure() {
		stub(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK));
		assertThat(failure(callHi())).isExactlyInstanceOf(LlmConnectionException.class);
	}

	@Test
	void bodyLargerThanTheBufferLimitIsInvalidResponseNamingTheLimit() {
		// Spring's default limit is 256 KB; a generous first-byte limit keeps a slow or
		// busy machine
		// out of it (the call ends as soon as the limit is passed, so it costs no time)
		AnthropicProvider patient = AnthropicProviderFixtures.create(wm.baseUrl(), Duration.ofSeconds(30),
				Duration.ofSeconds(30));
		String text = "a".repeat(260 * 1024);
		stub(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}]}"));
		Throwable failure = failure(patient.call(AnthropicProviderFixtures.MODEL, LlmRequest.ofPrompt("Hi")));
		assertThat(failure).isExactlyInstanceOf(LlmInvalidResponseException.class)
			.hasMessageContaining("max-response-size");
	}

	@Test
	void resetConnectionIsConnectionFailure() {
		stub(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
		assertThat(failure(callHi())).isExactlyInstanceOf(LlmConnectionException.class);
	}

	@Test
	void slowResponseIsFirstByteTimeout() {
		AnthropicProvider impatient = AnthropicProviderFixtures.create(wm.baseUrl(), Duration.ofMillis(300),
				Duration.ofMillis(300));
		stub(error(200, "overloaded_error", "late").withFixedDelay(1000));
		Throwable failure = failure(impatient.call(AnthropicProviderFixtures.MODEL, LlmRequest.ofPrompt("Hi")));
		assertThat(failure).isExactlyInstanceOf(LlmTimeoutException.class);
		LlmTimeoutException timeout = (LlmTimeoutException) failure;
		assertThat(timeout.getPhase()).isEqualTo(LlmTimeoutException.Phase.FIRST_BYTE);
		assertThat(timeout.getLimit()).isEqualTo(Duration.ofMillis(300));
		assertThat(timeout.getProvider()).isEqualTo("anthropic");
		assertThat(timeout.getModel()).isEqualTo("haiku");
	}

	@Test
	void refusedConnectionIsConnectionFailure() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		AnthropicProvider unreachable = AnthropicProviderFixtures.create("http://localhost:" + closedPort);
		Throwable failure = failure(unreachable.call(AnthropicProviderFixtures.MODEL, LlmRequest.ofPrompt("Hi")));
		assertThat(failure).isExactlyInstanceOf(LlmConnectionException.class);
		assertThat(failure.getMessage()).contains("anthropic", "haiku");
	}

	@Test
	void redirectIsNotFollowedSoTheKeyStaysHere() {
		stub(aResponse().withStatus(307).withHeader("Location", wm.url("/elsewhere/v1/messages")));
		wm.stubFor(post("/elsewhere/v1/messages").willReturn(aResponse().withStatus(500)));
		assertThat(failure(callHi())).isNotInstanceOf(LlmApiException.class);
		wm.verify(0, postRequestedFor(urlEqualTo("/elsewhere/v1/messages")));
	}

	@Test
	void longErrorMessageIsCut() {
		String longMessage = "x".repeat(600);
		stub(error(400, "invalid_request_error", longMessage));
		LlmApiException exception = apiFailure();
		assertThat(exception.getMessage()).contains("x".repeat(500) + "... (cut)").doesNotContain("x".repeat(501));
	}

	@Test
	void apiKeyEchoedInErrorMessageIsRedacted() {
		stub(error(401, "authentication_error", "invalid x-api-key: " + KEY).withHeader("request-id", "req_k"));
		LlmApiException exception = apiFailure();
		assertThat(exception).isExactlyInstanceOf(LlmAuthenticationException.class);
		assertThat(exception.getMessage()).contains("[redacted]");
		assertNoKey(exception);
	}

	@Test
	void apiKeyEchoedNearTheCutOfALongMessageIsRedacted() {
		stub(error(400, "invalid_request_error", "y".repeat(480) + KEY + "z".repeat(100)));
		LlmApiException exception = apiFailure();
		assertNoKey(exception);
		assertThat(exception.getMessage()).doesNotContain(KEY.substring(0, 20));
	}

	@Test
	void apiKeyEchoedInHtmlErrorPageIsRedacted() {
		stub(aResponse().withStatus(502)
			.withHeader("Content-Type", "text/html")
			.withBody("<html><body>upstream rejected key " + KEY + "</body></html>"));
		assertNoKey(apiFailure());
	}

	private static ResponseDefinitionBuilder error(int status, String type, String message) {
		String body = """
				{"type":"error","error":{"type":"%s","message":"%s"},"request_id":"req_body_1"}""".formatted(type,
				message);
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

	private static void stub(ResponseDefinitionBuilder response) {
		wm.stubFor(post("/v1/messages").willReturn(response));
	}

	private Mono<?> callHi() {
		return this.provider.call(AnthropicProviderFixtures.MODEL, LlmRequest.ofPrompt("Hi"));
	}

	private LlmApiException apiFailure() {
		Throwable failure = failure(callHi());
		assertThat(failure).isInstanceOf(LlmApiException.class);
		return (LlmApiException) failure;
	}

	private static Throwable failure(Mono<?> call) {
		AtomicReference<Throwable> failure = new AtomicReference<>();
		StepVerifier.create(call).expectErrorSatisfies(failure::set).verify(TIMEOUT);
		assertThat(failure.get()).isInstanceOf(LlmException.class);
		return failure.get();
	}

	private void assertNoKey(Throwable exception) {
		for (Throwable current = exception; current != null; current = current.getCause()) {
			assertThat(current.getMessage()).doesNotContain(KEY);
			assertThat(current.toString()).doesNotContain(KEY);
		}
		assertThat(this.provider.toString()).doesNotContain(KEY);
	}

}
