package dev.llmresilience.resilience;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.error.LlmAllModelsFailedException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmTimeoutException;
import dev.llmresilience.error.LlmTimeoutException.Phase;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static dev.llmresilience.resilience.ChainFixture.request;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for the deadline of a request served by {@link FallbackChain} and
 * {@link dev.llmresilience.LlmTemplate}, on virtual time.
 */
class FallbackChainDeadlineTests {

	private final ChainFixture fixture = ChainFixture.primaryAndSecondary();

	@Test
	void requestTimeoutCoversEveryAttemptAndBackoff() {
		this.fixture.always("primary", Reply.fail(ProviderErrors.overloaded()));
		this.fixture.script("secondary", Reply.slow(Duration.ofSeconds(10), "late"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().call(request(), Deadline.after(Duration.ofSeconds(2))))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(1999))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorSatisfies((error) -> assertDeadline(error, Duration.ofSeconds(2)))
			.verify(TIMEOUT);
		assertThat(this.fixture.callTimes("primary")).containsExactly(0L, 500L, 1500L);
		assertThat(this.fixture.callTimes("secondary")).containsExactly(1500L);
		assertThat(this.fixture.cancellations("secondary")).isOne();
	}

	@Test
	void backoffThatWouldEndAfterTheDeadlineIsNotStarted() {
		this.fixture.always("primary", Reply.fail(ProviderErrors.overloaded()));
		this.fixture.script("secondary", Reply.answer("Hi"));
		StepVerifier
			.withVirtualTime(() -> this.fixture.chain().call(request(), Deadline.after(Duration.ofMillis(1200))))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(499))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((response) -> assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome)
				.containsExactly(tuple("primary", Outcome.FAILURE), tuple("primary", Outcome.FAILURE),
						tuple("secondary", Outcome.SUCCESS)))
			.expectComplete()
			.verify(TIMEOUT);
		// the second backoff (1s) would end at 1500ms, after the deadline at 1200ms
		assertThat(this.fixture.callTimes("primary")).containsExactly(0L, 500L);
		assertThat(this.fixture.callTimes("secondary")).containsExactly(500L);
	}

	@Test
	void serverWaitBeyondTheDeadlineFallsBackAtOnce() {
		this.fixture.script("primary", Reply.fail(ProviderErrors.rateLimited(Duration.ofSeconds(5))));
		this.fixture.script("secondary", Reply.answer("Hi"));
		// no virtual time passes: the answer comes without any thenAwait
		StepVerifier.withVirtualTime(() -> this.fixture.chain().call(request(), Deadline.after(Duration.ofSeconds(1))))
			.assertNext((response) -> assertThat(response.model()).isEqualTo("secondary"))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.fixture.callTimes("primary")).containsExactly(0L);
		assertThat(this.fixture.callTimes("secondary")).containsExactly(0L);
	}

	@Test
	void lastModelFailsWithItsLastErrorAtOnceWhenNoBackoffFitsTheDeadline() {
		LlmOverloadedException error = ProviderErrors.overloaded(Duration.ofSeconds(5));
		this.fixture.script("primary", Reply.fail(error));
		LlmRequest request = LlmRequest.builder().user("Hello").model("primary").build();
		StepVerifier.withVirtualTime(() -> this.fixture.chain().call(request, Deadline.after(Duration.ofSeconds(1))))
			.expectErrorSatisfies((actual) -> {
				assertThat(actual).isInstanceOf(LlmAllModelsFailedException.class);
				assertThat(actual.getCause()).isSameAs(error);
				assertThat(((LlmAllModelsFailedException) actual).getAttempts()).containsExactly(
						new LlmAttempt("primary", Outcome.FAILURE, "LlmOverloadedException", Duration.ZERO));
			})
			.verify(TIMEOUT);
	}

	@Test
	void slowAttemptIsCutByTheDeadlineWithoutFallback() {
		this.fixture.script("primary", Reply.slow(Duration.ofSeconds(5), "late"));
		this.fixture.always("secondary", Reply.answer("Hi"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().call(request(), Deadline.after(Duration.ofSeconds(1))))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(999))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorSatisfies((error) -> assertDeadline(error, Duration.ofSeconds(1)))
			.verify(TIMEOUT);
		assertThat(this.fixture.cancellations("primary")).isOne();
		assertThat(this.fixture.calls("secondary")).isZero();
		// the caller's deadline says nothing about the model's health
		assertThat(this.fixture.breaker("primary").getMetrics().getNumberOfBufferedCalls()).isZero();
	}

	@Test
	void callCutByTheDeadlineIsCancelledAndNeverRecordedByTheBreaker() {
		this.fixture.script("primary", Reply.slow(Duration.ofSeconds(5), "late"));
		VirtualTimeScheduler scheduler = VirtualTimeScheduler.getOrSet();
		try {
			AtomicReference<Throwable> failure = new AtomicReference<>();
			AtomicReference<LlmResponse> answer = new AtomicReference<>();
			this.fixture.chain()
				.call(request(), Deadline.after(Duration.ofSeconds(1)))
				.subscribe(answer::set, failure::set);
			scheduler.advanceTimeBy(Duration.ofSeconds(1));
			assertDeadline(failure.get(), Duration.ofSeconds(1));
			scheduler.advanceTimeBy(Duration.ofSeconds(10));
			assertThat(answer.get()).isNull();
			assertThat(this.fixture.cancellations("primary")).isOne();
			assertThat(this.fixture.breaker("primary").getMetrics().getNumberOfSuccessfulCalls()).isZero();
		}
		finally {
			VirtualTimeScheduler.reset();
		}
	}

	@Test
	void templateAppliesItsDefaultTimeoutWhenTheRequestSetsNone() {
		this.fixture.script("primary", Reply.slow(Duration.ofSeconds(10), "late"));
		StepVerifier.withVirtualTime(() -> this.fixture.template(Duration.ofSeconds(3)).call("Hello"))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(2999))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorSatisfies((error) -> assertDeadline(error, Duration.ofSeconds(3)))
			.verify(TIMEOUT);
	}

	@Test
	void requestTimeoutWinsOverTheTemplateDefault() {
		this.fixture.script("primary", Reply.slow(Duration.ofSeconds(10), "late"));
		LlmRequest request = LlmRequest.builder().user("Hello").timeout(Duration.ofSeconds(1)).build();
		StepVerifier.withVirtualTime(() -> this.fixture.template(Duration.ofSeconds(3)).call(request))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(999))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorSatisfies((error) -> assertDeadline(error, Duration.ofSeconds(1)))
			.verify(TIMEOUT);
	}

	@Test
	void templateWithoutDefaultTimeoutWaitsForTheAnswer() {
		this.fixture.script("primary", Reply.slow(Duration.ofMinutes(10), "late"));
		StepVerifier.withVirtualTime(() -> this.fixture.template(null).call("Hello"))
			.expectSubscription()
			.expectNoEvent(Duration.ofMinutes(10).minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((response) -> assertThat(response.text()).isEqualTo("late"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void templateStreamAppliesTheDefaultTimeoutBeforeTheFirstDelta() {
		this.fixture.script("primary", Reply.paced(Duration.ofSeconds(10), Duration.ofMillis(10), "late"));
		StepVerifier.withVirtualTime(() -> this.fixture.template(Duration.ofSeconds(3)).stream("Hello"))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(2999))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorSatisfies((error) -> assertDeadline(error, Duration.ofSeconds(3)))
			.verify(TIMEOUT);
	}

	@Test
	void templateStreamWithinItsTimeoutEndsNormally() {
		this.fixture.script("primary", Reply.paced(Duration.ofSeconds(1), Duration.ofMillis(500), "a", "b"));
		StepVerifier.withVirtualTime(() -> this.fixture.template(Duration.ofSeconds(3)).stream("Hello"))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(2))
			.expectNext(new LlmStreamEvent.TextDelta("a"), new LlmStreamEvent.TextDelta("b"))
			.expectNextMatches(LlmStreamEvent.Completion.class::isInstance)
			.expectComplete()
			.verify(TIMEOUT);
	}

	private static void assertDeadline(Throwable error, Duration timeout) {
		assertThat(error).isInstanceOfSatisfying(LlmTimeoutException.class, (timeoutError) -> {
			assertThat(timeoutError.getPhase()).isEqualTo(Phase.DEADLINE);
			assertThat(timeoutError.getLimit()).isEqualTo(timeout);
		});
	}

}
