package dev.llmresilience.resilience;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmBudgetExceededException;
import dev.llmresilience.error.LlmCircuitOpenException;
import dev.llmresilience.error.LlmInvalidRequestException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmQuotaExceededException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.error.LlmServerException;
import dev.llmresilience.error.LlmStreamInterruptedException;
import dev.llmresilience.error.LlmTimeoutException.Phase;
import dev.llmresilience.error.LlmUnknownTargetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.llmresilience.resilience.ProviderErrors.details;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmErrorClassifier}: for every kind of error, whether the model is
 * called again, whether the chain moves on, and whether the breaker counts a failure.
 */
class LlmErrorClassifierTests {

	private final LlmErrorClassifier classifier = new LlmErrorClassifier(true);

	private final LlmErrorClassifier rateLimitsIgnored = new LlmErrorClassifier(false);

	static Stream<Arguments> errors() {
		return Stream.of(
				// case, error, retryable, fallback allowed, breaker failure
				row("408 request timeout", new LlmApiException("p", "m", details(408, null, "Request Timeout")), true,
						true, true),
				row("409 conflict", ProviderErrors.conflict(), true, true, false),
				row("429 rate limit with retry-after", ProviderErrors.rateLimited(Duration.ofSeconds(2)), true, true,
						true),
				row("429 rate limit without retry-after", ProviderErrors.rateLimited(null), true, true, true),
				row("500", ProviderErrors.server(500), true, true, true),
				row("502", ProviderErrors.server(502), true, true, true),
				row("503", ProviderErrors.server(503), true, true, true),
				row("504", ProviderErrors.server(504), true, true, true),
				row("529 overloaded", ProviderErrors.overloaded(), true, true, true),
				row("400 invalid request", ProviderErrors.invalidRequest(), false, false, false),
				row("401 authentication", ProviderErrors.authentication(), false, false, false),
				row("403 permission", ProviderErrors.permission(), false, false, false),
				row("404 model not found", ProviderErrors.notFound(), false, true, false),
				row("413 request too large", ProviderErrors.tooLarge(), false, true, false),
				row("422 unprocessable", new LlmInvalidRequestException("p", "m", details(422, null, "Unprocessable")),
						false, false, false),
				row("request not sent: extraBody not serializable",
						new LlmInvalidRequestException("p", "m", "extraBody field 'x' cannot be written as JSON"),
						false, false, false),
				row("418 unknown client error", new LlmApiException("p", "m", details(418, null, "teapot")), false,
						true, false),
				row("429 insufficient_quota", ProviderErrors.quota(), false, true, false),
				row("402 billing", new LlmQuotaExceededException("p", "m", details(402, "billing_error", "Pay")), false,
						true, false),
				row("429 spend limit without retry-after", ProviderErrors.spendLimit(), false, true, false),
				row("429 naming spend but with retry-after",
						new LlmRateLimitException("p", "m",
								details(429, "rate_limit_error", "spend rate too high", Duration.ofSeconds(1), null)),
						true, true, true),
				row("x-should-retry true on a 400",
						new LlmInvalidRequestException("p", "m",
								details(400, "invalid_request_error", "try again", null, true)),
						true, false, false),
				row("x-should-retry false on a 503",
						new LlmServerException("p", "m", details(503, "api_error", "unavailable", null, false)), false,
						true, true),
				row("overloaded error inside a 200",
						new LlmOverloadedException("p", "m", details(200, "overloaded_error", "Overloaded")), true,
						true, true),
				row("api error inside a 200", new LlmServerException("p", "m", details(200, "api_error", "Internal")),
						true, true, true),
				row("rate limit error inside a 200",
						new LlmRateLimitException("p", "m", details(200, "rate_limit_error", "slow down")), true, true,
						true),
				row("invalid request error inside a 200",
						new LlmInvalidRequestException("p", "m", details(200, "invalid_request_error", "bad")), false,
						false, false),
				row("connect timeout", ProviderErrors.timeout(Phase.CONNECT), true, true, true),
				row("first byte timeout", ProviderErrors.timeout(Phase.FIRST_BYTE), true, true, true),
				row("stream idle timeout", ProviderErrors.timeout(Phase.STREAM_IDLE), true, true, true),
				row("request deadline", ProviderErrors.timeout(Phase.DEADLINE), false, false, false),
				row("connection error", ProviderErrors.connection(), true, true, true),
				row("invalid response", ProviderErrors.invalidResponse(), true, true, true),
				row("circuit open", new LlmCircuitOpenException("p", "m", "OPEN"), false, true, false),
				row("stream interrupted",
						new LlmStreamInterruptedException("p", "m", "Hel", ProviderErrors.overloaded()), false, false,
						false),
				row("unknown target", new LlmUnknownTargetException("No chain 'nope'"), false, false, false),
				row("budget that refuses", budgetExceeded(true), false, false, false),
				row("budget that skips the model", budgetExceeded(false), false, true, false),
				row("not an LlmException", new IllegalStateException("bug"), false, false, false));
	}

	private static LlmBudgetExceededException budgetExceeded(boolean requestRefused) {
		return new LlmBudgetExceededException("daily", BigDecimal.TEN, "USD", Instant.EPOCH, requestRefused,
				"it would be passed", "p", "m");
	}

	private static Arguments row(String name, Throwable error, boolean retryable, boolean fallback,
			boolean breakerFailure) {
		return Arguments.of(name, error, retryable, fallback, breakerFailure);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("errors")
	void classifiesError(String name, Throwable error, boolean retryable, boolean fallback, boolean breakerFailure) {
		assertThat(this.classifier.isRetryable(error)).as("retryable").isEqualTo(retryable);
		assertThat(this.classifier.isFallbackAllowed(error)).as("fallback allowed").isEqualTo(fallback);
		assertThat(this.classifier.isBreakerFailure(error)).as("breaker failure").isEqualTo(breakerFailure);
	}

	@Test
	void rateLimitIsNoBreakerFailureWhenRateLimitsAreNotRecorded() {
		LlmRateLimitException rateLimited = ProviderErrors.rateLimited(Duration.ofSeconds(2));
		assertThat(this.rateLimitsIgnored.isBreakerFailure(rateLimited)).isFalse();
		assertThat(this.rateLimitsIgnored.isRetryable(rateLimited)).isTrue();
		assertThat(this.rateLimitsIgnored.isFallbackAllowed(rateLimited)).isTrue();
	}

	@Test
	void rateLimitInsideA200IsNoBreakerFailureWhenRateLimitsAreNotRecorded() {
		assertThat(this.rateLimitsIgnored
			.isBreakerFailure(new LlmRateLimitException("p", "m", details(200, "rate_limit_error", "slow down"))))
			.isFalse();
	}

	@Test
	void serverErrorsStayBreakerFailuresWhenRateLimitsAreNotRecorded() {
		assertThat(this.rateLimitsIgnored.isBreakerFailure(ProviderErrors.overloaded())).isTrue();
		assertThat(this.rateLimitsIgnored.isBreakerFailure(ProviderErrors.server(503))).isTrue();
		assertThat(this.rateLimitsIgnored.isBreakerFailure(ProviderErrors.timeout(Phase.FIRST_BYTE))).isTrue();
	}

	@Test
	void quotaIsNoBreakerFailureWhateverTheRateLimitSetting() {
		assertThat(this.classifier.isBreakerFailure(ProviderErrors.quota())).isFalse();
		assertThat(this.rateLimitsIgnored.isBreakerFailure(ProviderErrors.quota())).isFalse();
	}

	@Test
	void spendLimitWordsAreReadWhateverTheirCase() {
		LlmRateLimitException credit = new LlmRateLimitException("p", "m",
				details(429, "rate_limit_error", "Your CREDIT balance is too low"));
		LlmRateLimitException billing = new LlmRateLimitException("p", "m",
				details(429, "rate_limit_error", "Check your Billing details"));
		assertThat(this.classifier.isRetryable(credit)).isFalse();
		assertThat(this.classifier.isRetryable(billing)).isFalse();
	}

	@Test
	void rateLimitWithoutMessageIsRetryable() {
		assertThat(this.classifier
			.isRetryable(new LlmRateLimitException("p", "m", details(429, "rate_limit_error", null)))).isTrue();
	}

}
