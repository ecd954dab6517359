package dev.llmresilience.resilience;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.error.LlmAllModelsFailedException;
import dev.llmresilience.error.LlmCircuitOpenException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static dev.llmresilience.resilience.ChainFixture.request;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for the circuit breaker of {@link ModelExecutor}: a count-based window of 4
 * calls, all needed, opening at a 50% failure rate, open for 30s on a mutable clock, then
 * 2 probe calls. Unless a test needs retries, each request makes one attempt.
 */
class ModelExecutorCircuitBreakerTests {

	private static final Duration WAIT_IN_OPEN_PASSED = Duration.ofSeconds(30).plusMillis(1);

	private final ChainFixture fixture = ChainFixture.primaryAndSecondary().maxAttempts(1);

	@Test
	void opensWhenTheFailureRateReachesTheThresholdOverTheMinimumCalls() {
		this.fixture.script("primary", Reply.answer("Hi"), Reply.fail(ProviderErrors.overloaded()), Reply.answer("Hi"),
				Reply.fail(ProviderErrors.overloaded()));
		callPrimary(3);
		assertThat(breaker().getState()).isEqualTo(State.CLOSED);
		assertThat(breaker().getMetrics().getNumberOfBufferedCalls()).isEqualTo(3);
		callPrimary(1);
		assertThat(breaker().getState()).isEqualTo(State.OPEN);
		assertThat(breaker().getMetrics().getFailureRate()).isEqualTo(50f);
	}

	@Test
	void staysClosedBelowTheFailureRateThreshold() {
		this.fixture.script("primary", Reply.answer("Hi"), Reply.answer("Hi"), Reply.answer("Hi"),
				Reply.fail(ProviderErrors.overloaded()));
		callPrimary(4);
		assertThat(breaker().getState()).isEqualTo(State.CLOSED);
		assertThat(breaker().getMetrics().getFailureRate()).isEqualTo(25f);
	}

	@Test
	void whileOpenNoCallReachesTheModelAndTheChainFallsBack() {
		open();
		this.fixture.always("secondary", Reply.answer("Hi"));
		for (int i = 0; i < 3; i++) {
			StepVerifier.withVirtualTime(() -> this.fixture.chain().call(request(), Deadline.none()))
				.assertNext((response) -> {
					assertThat(response.model()).isEqualTo("secondary");
					assertThat(response.fallback()).isTrue();
					assertThat(response.attempts()).containsExactly(
							new LlmAttempt("primary", Outcome.SKIPPED, "LlmCircuitOpenException", Duration.ZERO),
							new LlmAttempt("secondary", Outcome.SUCCESS, null, Duration.ZERO));
				})
				.expectComplete()
				.verify(TIMEOUT);
		}
		assertThat(this.fixture.calls("primary")).isEqualTo(4);
		assertThat(breaker().getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(3);
	}

	@Test
	void anOpeningBreakerStopsTheRetriesAtOnce() {
		this.fixture.maxAttempts(5);
		this.fixture.always("primary", Reply.fail(ProviderErrors.overloaded()));
		this.fixture.script("secondary", Reply.answer("Hi"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().call(request(), Deadline.none()))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(3499))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((response) -> assertThat(response.attempts())
				.extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
				.containsExactly(tuple("primary", Outcome.FAILURE, "LlmOverloadedException"),
						tuple("primary", Outcome.FAILURE, "LlmOverloadedException"),
						tuple("primary", Outcome.FAILURE, "LlmOverloadedException"),
						tuple("primary", Outcome.FAILURE, "LlmOverloadedException"),
						tuple("secondary", Outcome.SUCCESS, null)))
			.expectComplete()
			.verify(TIMEOUT);
		// the fourth failure opens the breaker: no fifth attempt, no 4s backoff before
		// the fallback
		assertThat(this.fixture.callTimes("primary")).containsExactly(0L, 500L, 1500L, 3500L);
		assertThat(this.fixture.callTimes("secondary")).containsExactly(3500L);
		assertThat(breaker().getState()).isEqualTo(State.OPEN);
	}

	@Test
	void letsExactlyThePermittedProbesThroughOnceTheWaitInOpenHasPassed() {
		open();
		// resilience4j lets probes through once the wait has passed, not at its last
		// instant
		this.fixture.clock().advance(Duration.ofSeconds(30));
		expectRefused(State.OPEN);
		assertThat(this.fixture.calls("primary")).isEqualTo(4);
		this.fixture.clock().advance(Duration.ofMillis(1));
		Sinks.Empty<Void> answer = Sinks.empty();
		this.fixture.script("primary", Reply.after(answer.asMono(), Reply.answer("probe 1")),
				Reply.after(answer.asMono(), Reply.answer("probe 2")));
		List<LlmResponse> probes = new CopyOnWriteArrayList<>();
		callPrimaryInBackground(probes);
		callPrimaryInBackground(probes);
		assertThat(breaker().getState()).isEqualTo(State.HALF_OPEN);
		assertThat(this.fixture.calls("primary")).isEqualTo(6);
		expectRefused(State.HALF_OPEN);
		assertThat(this.fixture.calls("primary")).isEqualTo(6);
		answer.tryEmitEmpty();
		assertThat(probes).extracting(LlmResponse::text).containsExactly("probe 1", "probe 2");
		assertThat(breaker().getState()).isEqualTo(State.CLOSED);
		assertThat(breaker().getMetrics().getNumberOfBufferedCalls()).isZero();
	}

	@Test
	void opensAgainWhenTheProbesFail() {
		open();
		this.fixture.clock().advance(WAIT_IN_OPEN_PASSED);
		this.fixture.script("primary", Reply.fail(ProviderErrors.server(503)), Reply.fail(ProviderErrors.server(503)));
		callPrimary(1);
		assertThat(breaker().getState()).isEqualTo(State.HALF_OPEN);
		callPrimary(1);
		assertThat(breaker().getState()).isEqualTo(State.OPEN);
		expectRefused(State.OPEN);
		assertThat(this.fixture.calls("primary")).isEqualTo(6);
	}

	@Test
	void clientErrorsLeaveTheBreakerAsItWas() {
		this.fixture.script("primary", Reply.fail(ProviderErrors.overloaded()), Reply.fail(ProviderErrors.overloaded()),
				Reply.fail(ProviderErrors.invalidRequest()), Reply.fail(ProviderErrors.authentication()),
				Reply.fail(ProviderErrors.permission()), Reply.fail(ProviderErrors.notFound()),
				Reply.fail(ProviderErrors.tooLarge()), Reply.fail(ProviderErrors.conflict()),
				Reply.fail(ProviderErrors.quota()));
		callPrimary(2);
		callPrimary(7);
		assertThat(this.fixture.calls("primary")).isEqualTo(9);
		assertThat(breaker().getState()).isEqualTo(State.CLOSED);
		assertThat(breaker().getMetrics().getNumberOfBufferedCalls()).isEqualTo(2);
		assertThat(breaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
		assertThat(breaker().getMetrics().getNumberOfSuccessfulCalls()).isZero();
	}

	@Test
	void rateLimitsOpenTheBreakerWhenRecorded() {
		this.fixture.recordRateLimits(true).always("primary", Reply.fail(ProviderErrors.rateLimited(null)));
		callPrimary(4);
		assertThat(breaker().getState()).isEqualTo(State.OPEN);
	}

	@Test
	void rateLimitsLeaveTheBreakerAsItWasWhenNotRecorded() {
		this.fixture.recordRateLimits(false).always("primary", Reply.fail(ProviderErrors.rateLimited(null)));
		callPrimary(4);
		assertThat(breaker().getState()).isEqualTo(State.CLOSED);
		assertThat(breaker().getMetrics().getNumberOfBufferedCalls()).isZero();
	}

	@Test
	void cancelledCallReleasesItsPermissionWithoutCountingAsASuccess() {
		this.fixture.script("primary", Reply.never());
		Disposable call = this.fixture.chain().call(toPrimary(), Deadline.none()).subscribe();
		assertThat(this.fixture.calls("primary")).isOne();
		call.dispose();
		assertThat(this.fixture.cancellations("primary")).isOne();
		assertThat(breaker().getMetrics().getNumberOfSuccessfulCalls()).isZero();
		assertThat(breaker().getMetrics().getNumberOfFailedCalls()).isZero();
		assertThat(breaker().getMetrics().getNumberOfBufferedCalls()).isZero();
	}

	@Test
	void streamCancelledOnceItsWholeAnswerArrivedCountsAsASuccess() {
		this.fixture.script("primary", Reply.answer("a", "b"));
		StepVerifier
			.create(this.fixture.chain()
				.stream(toPrimary(), Deadline.none())
				.takeUntil(LlmStreamEvent.Completion.class::isInstance))
			.expectNextCount(3)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(breaker().getMetrics().getNumberOfSuccessfulCalls()).isOne();
		assertThat(breaker().getMetrics().getNumberOfBufferedCalls()).isOne();
	}

	@Test
	void cancelledHalfOpenProbeFreesItsSlot() {
		open();
		this.fixture.clock().advance(WAIT_IN_OPEN_PASSED);
		this.fixture.script("primary", Reply.never(), Reply.never(), Reply.answer("probe 3"), Reply.answer("probe 4"));
		Disposable first = this.fixture.chain().call(toPrimary(), Deadline.none()).subscribe();
		Disposable second = this.fixture.chain().call(toPrimary(), Deadline.none()).subscribe();
		expectRefused(State.HALF_OPEN);
		first.dispose();
		expectAnswer("probe 3");
		// the cancelled probe counted for nothing: one success of two needed
		assertThat(breaker().getState()).isEqualTo(State.HALF_OPEN);
		assertThat(breaker().getMetrics().getNumberOfBufferedCalls()).isOne();
		second.dispose();
		expectAnswer("probe 4");
		assertThat(breaker().getState()).isEqualTo(State.CLOSED);
		assertThat(this.fixture.calls("primary")).isEqualTo(8);
		assertThat(this.fixture.cancellations("primary")).isEqualTo(2);
	}

	@Test
	void streamWithAFastFirstTokenIsNotSlowHoweverLongItLasts() {
		slowAfter(Duration.ofMillis(100));
		this.fixture.script("primary", Reply.paced(Duration.ofMillis(10), Duration.ofSeconds(1), "a", "b", "c"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().stream(toPrimary(), Deadline.none()))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(4))
			.expectNextCount(4)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(breaker().getMetrics().getNumberOfSuccessfulCalls()).isOne();
		assertThat(breaker().getMetrics().getNumberOfSlowCalls()).isZero();
	}

	@Test
	void streamWithALateFirstTokenIsSlow() {
		slowAfter(Duration.ofMillis(100));
		this.fixture.script("primary", Reply.paced(Duration.ofMillis(200), Duration.ofMillis(10), "a"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().stream(toPrimary(), Deadline.none()))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(1))
			.expectNextCount(2)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(breaker().getMetrics().getNumberOfSlowSuccessfulCalls()).isOne();
	}

	@Test
	void wholeAnswerIsSlowWhenItComesLate() {
		slowAfter(Duration.ofMillis(100));
		this.fixture.script("primary", Reply.slow(Duration.ofMillis(50), "fast"),
				Reply.slow(Duration.ofMillis(200), "slow"));
		for (int i = 0; i < 2; i++) {
			StepVerifier.withVirtualTime(() -> this.fixture.chain().call(toPrimary(), Deadline.none()))
				.expectSubscription()
				.thenAwait(Duration.ofSeconds(1))
				.expectNextCount(1)
				.expectComplete()
				.verify(TIMEOUT);
		}
		assertThat(breaker().getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(2);
		assertThat(breaker().getMetrics().getNumberOfSlowSuccessfulCalls()).isOne();
	}

	/**
	 * Count calls slower than the threshold, timing them on Reactor's clock (virtual in
	 * these tests) rather than {@link System#nanoTime()}.
	 */
	private void slowAfter(Duration threshold) {
		this.fixture.breaker((config) -> config.slowCallDurationThreshold(threshold)
			.currentTimestampFunction((clock) -> Schedulers.parallel().now(TimeUnit.NANOSECONDS),
					TimeUnit.NANOSECONDS));
	}

	private void open() {
		this.fixture.script("primary", Reply.fail(ProviderErrors.overloaded()), Reply.fail(ProviderErrors.overloaded()),
				Reply.fail(ProviderErrors.overloaded()), Reply.fail(ProviderErrors.overloaded()));
		callPrimary(4);
		assertThat(breaker().getState()).isEqualTo(State.OPEN);
	}

	private void callPrimary(int times) {
		for (int i = 0; i < times; i++) {
			this.fixture.chain()
				.call(toPrimary(), Deadline.none())
				.onErrorResume((error) -> Mono.empty())
				.block(TIMEOUT);
		}
	}

	private void callPrimaryInBackground(List<LlmResponse> responses) {
		this.fixture.chain().call(toPrimary(), Deadline.none()).subscribe(responses::add);
	}

	private void expectRefused(State state) {
		StepVerifier.create(this.fixture.chain().call(toPrimary(), Deadline.none())).expectErrorSatisfies((error) -> {
			assertThat(error).isInstanceOf(LlmAllModelsFailedException.class);
			assertThat(((LlmAllModelsFailedException) error).getAttempts())
				.containsExactly(new LlmAttempt("primary", Outcome.SKIPPED, "LlmCircuitOpenException", Duration.ZERO));
			assertThat(error.getCause()).isInstanceOfSatisfying(LlmCircuitOpenException.class,
					(refusal) -> assertThat(refusal.getState()).isEqualTo(state.name()));
		}).verify(TIMEOUT);
	}

	private void expectAnswer(String text) {
		StepVerifier.create(this.fixture.chain().call(toPrimary(), Deadline.none()))
			.assertNext((response) -> assertThat(response.text()).isEqualTo(text))
			.expectComplete()
			.verify(TIMEOUT);
	}

	private CircuitBreaker breaker() {
		return this.fixture.breaker("primary");
	}

	private static LlmRequest toPrimary() {
		return LlmRequest.builder().user("Hello").model("primary").build();
	}

}
