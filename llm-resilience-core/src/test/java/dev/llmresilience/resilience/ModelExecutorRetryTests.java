package dev.llmresilience.resilience;

import java.time.Duration;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.error.LlmAllModelsFailedException;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmServerException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static dev.llmresilience.resilience.ChainFixture.request;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for the retries of {@link ModelExecutor}, on virtual time: backoff 500ms then 1s,
 * three attempts, server waits up to 60s.
 */
class ModelExecutorRetryTests {

	private final ChainFixture fixture = ChainFixture.primaryAndSecondary();

	@Test
	void callsAModelExactlyMaxAttemptsTimesPerRequest() {
		// a window large enough that the breaker stays closed through both requests
		this.fixture.breaker((config) -> config.slidingWindow(10, 10, SlidingWindowType.COUNT_BASED));
		this.fixture.always("primary", Reply.fail(ProviderErrors.overloaded()));
		LlmRequest request = LlmRequest.builder().user("Hello").model("primary").build();
		StepVerifier.withVirtualTime(() -> this.fixture.chain().call(request, Deadline.none()))
			.thenAwait(Duration.ofMinutes(1))
			.expectError(LlmAllModelsFailedException.class)
			.verify(TIMEOUT);
		assertThat(this.fixture.calls("primary")).isEqualTo(3);
		StepVerifier.withVirtualTime(() -> this.fixture.chain().call(request, Deadline.none()))
			.thenAwait(Duration.ofMinutes(1))
			.expectError(LlmAllModelsFailedException.class)
			.verify(TIMEOUT);
		assertThat(this.fixture.calls("primary")).isEqualTo(6);
	}

	@Test
	void waitsTheBackoffFormulaBetweenAttempts() {
		this.fixture.script("primary", Reply.fail(ProviderErrors.overloaded()), Reply.fail(ProviderErrors.overloaded()),
				Reply.fail(ProviderErrors.overloaded()));
		this.fixture.script("secondary", Reply.answer("Hi"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().call(request(), Deadline.none()))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(499))
			.then(() -> assertThat(this.fixture.calls("primary")).isOne())
			.thenAwait(Duration.ofMillis(1))
			.then(() -> assertThat(this.fixture.calls("primary")).isEqualTo(2))
			.expectNoEvent(Duration.ofMillis(999))
			.then(() -> assertThat(this.fixture.calls("primary")).isEqualTo(2))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((response) -> assertThat(response.model()).isEqualTo("secondary"))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.fixture.callTimes("primary")).containsExactly(0L, 500L, 1500L);
		assertThat(this.fixture.callTimes("secondary")).containsExactly(1500L);
	}

	@Test
	void honoursTheServerRetryAfterInsteadOfTheFormula() {
		this.fixture.script("primary", Reply.fail(ProviderErrors.overloaded(Duration.ofSeconds(2))),
				Reply.fail(ProviderErrors.overloaded()), Reply.answer("Hi"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().call(request(), Deadline.none()))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(2999))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((response) -> {
				assertThat(response.fallback()).isFalse();
				assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome)
					.containsExactly(tuple("primary", Outcome.FAILURE), tuple("primary", Outcome.FAILURE),
							tuple("primary", Outcome.SUCCESS));
			})
			.expectComplete()
			.verify(TIMEOUT);
		// 2s as the server asked, then the formula's second wait of 1s
		assertThat(this.fixture.callTimes("primary")).containsExactly(0L, 2000L, 3000L);
	}

	@Test
	void honoursARetryAfterOfExactlyTheMaxServerWait() {
		this.fixture.script("primary", Reply.fail(ProviderErrors.overloaded(ChainFixture.MAX_SERVER_WAIT)),
				Reply.answer("Hi"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().call(request(), Deadline.none()))
			.expectSubscription()
			.thenAwait(ChainFixture.MAX_SERVER_WAIT)
			.assertNext((response) -> assertThat(response.model()).isEqualTo("primary"))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.fixture.callTimes("primary")).containsExactly(0L, 60_000L);
		assertThat(this.fixture.calls("secondary")).isZero();
	}

	@Test
	void fallsBackAtOnceWhenTheServerWaitExceedsTheMaxServerWait() {
		this.fixture.script("primary", Reply.fail(ProviderErrors.rateLimited(Duration.ofSeconds(61))));
		this.fixture.script("secondary", Reply.answer("Hi"));
		// no virtual time passes: the answer comes without any thenAwait
		StepVerifier.withVirtualTime(() -> this.fixture.chain().call(request(), Deadline.none()))
			.assertNext((response) -> {
				assertThat(response.model()).isEqualTo("secondary");
				assertThat(response.fallback()).isTrue();
				assertThat(response.attempts()).containsExactly(
						new LlmAttempt("primary", Outcome.FAILURE, "LlmRateLimitException", Duration.ZERO),
						new LlmAttempt("secondary", Outcome.SUCCESS, null, Duration.ZERO));
			})
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.fixture.callTimes("primary")).containsExactly(0L);
		assertThat(this.fixture.callTimes("secondary")).containsExactly(0L);
	}

	@Test
	void invalidRequestIsNeitherRetriedNorFallenBack() {
		assertReachesCallerAfterOneCall(ProviderErrors.invalidRequest());
	}

	@Test
	void authenticationErrorIsNeitherRetriedNorFallenBack() {
		assertReachesCallerAfterOneCall(ProviderErrors.authentication());
	}

	@Test
	void permissionErrorIsNeitherRetriedNorFallenBack() {
		assertReachesCallerAfterOneCall(ProviderErrors.permission());
	}

	private void assertReachesCallerAfterOneCall(LlmApiException error) {
		this.fixture.always("primary", Reply.fail(error));
		this.fixture.always("secondary", Reply.answer("Hi"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().call(request(), Deadline.none()))
			.expectErrorSatisfies((actual) -> assertThat(actual).isSameAs(error))
			.verify(TIMEOUT);
		assertThat(this.fixture.calls("primary")).isOne();
		assertThat(this.fixture.calls("secondary")).isZero();
	}

	@Test
	void modelNotFoundFallsBackWithoutRetry() {
		assertFallsBackAfterOneCall(ProviderErrors.notFound(), "LlmModelNotFoundException");
	}

	@Test
	void quotaExhaustionFallsBackWithoutRetry() {
		assertFallsBackAfterOneCall(ProviderErrors.quota(), "LlmQuotaExceededException");
	}

	@Test
	void spendLimitFallsBackWithoutRetry() {
		assertFallsBackAfterOneCall(ProviderErrors.spendLimit(), "LlmRateLimitException");
	}

	@Test
	void serverSayingShouldNotRetryFallsBackWithoutRetry() {
		assertFallsBackAfterOneCall(new LlmServerException("anthropic", "primary",
				ProviderErrors.details(503, "api_error", "unavailable", null, false)), "LlmServerException");
	}

	private void assertFallsBackAfterOneCall(LlmApiException error, String errorType) {
		this.fixture.always("primary", Reply.fail(error));
		this.fixture.script("secondary", Reply.answer("Hi"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().call(request(), Deadline.none()))
			.assertNext((response) -> assertThat(response.attempts())
				.extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
				.containsExactly(tuple("primary", Outcome.FAILURE, errorType),
						tuple("secondary", Outcome.SUCCESS, null)))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.fixture.calls("primary")).isOne();
	}

	@Test
	void succeedsOnARetryWithoutFallback() {
		this.fixture.script("primary", Reply.fail(ProviderErrors.connection()), Reply.answer("Hi"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().call(request(), Deadline.none()))
			.expectSubscription()
			.thenAwait(Duration.ofMillis(500))
			.assertNext((response) -> {
				assertThat(response.text()).isEqualTo("Hi");
				assertThat(response.model()).isEqualTo("primary");
				assertThat(response.fallback()).isFalse();
				assertThat(response.attempts()).containsExactly(
						new LlmAttempt("primary", Outcome.FAILURE, "LlmConnectionException", Duration.ZERO),
						new LlmAttempt("primary", Outcome.SUCCESS, null, Duration.ZERO));
			})
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.fixture.retry("primary").getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isOne();
		assertThat(this.fixture.calls("secondary")).isZero();
	}

	@Test
	void eachAttemptRecordsItsOwnDuration() {
		this.fixture.script("primary", Reply.delayed(Duration.ofMillis(300), Reply.fail(ProviderErrors.server(503))),
				Reply.slow(Duration.ofMillis(700), "Hi"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().call(request(), Deadline.none()))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(1499))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((response) -> assertThat(response.attempts()).containsExactly(
					new LlmAttempt("primary", Outcome.FAILURE, "LlmServerException", Duration.ofMillis(300)),
					new LlmAttempt("primary", Outcome.SUCCESS, null, Duration.ofMillis(700))))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.fixture.callTimes("primary")).containsExactly(0L, 800L);
	}

}
