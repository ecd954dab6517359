package dev.llmresilience.deadline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link IdleTimeoutOperator}, on virtual time.
 */
class IdleTimeoutOperatorTests {

	private static final Duration FIRST = Duration.ofSeconds(10);

	private static final Duration IDLE = Duration.ofSeconds(1);

	private static final Duration GRACE = Duration.ofMillis(300);

	@Test
	void firstElementLaterThanTheFirstLimitTimesOutUnstarted() {
		StepVerifier.withVirtualTime(() -> Flux.<String>never().transform(operator()))
			.expectSubscription()
			.expectNoEvent(FIRST.minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorMessage("timed out before the first element")
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void firstElementMayComeLongAfterTheIdleLimitWithinTheFirstLimit() {
		StepVerifier
			.withVirtualTime(() -> Flux.just("a")
				.delaySubscription(FIRST.minusSeconds(1))
				.concatWith(Flux.never())
				.transform(operator()))
			.expectSubscription()
			.thenAwait(FIRST.minusSeconds(1))
			.expectNext("a")
			.expectNoEvent(IDLE.minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorMessage("idle after an element")
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void elementsWithinTheIdleLimitKeepTheSequenceGoingWithoutATimerEach() {
		CountingScheduler counting = new CountingScheduler();
		TestPublisher<String> events = TestPublisher.create();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		List<String> received = new ArrayList<>();
		events.flux()
			.transform(IdleTimeoutOperator.of(FIRST, IDLE, (started) -> new TimeoutException(), () -> counting))
			.subscribe(received::add, failure::set);
		for (int i = 0; i < 100; i++) {
			events.next("event");
			counting.advanceTimeBy(IDLE.dividedBy(10));
		}
		assertThat(received).hasSize(100);
		assertThat(failure).hasNullValue();
		// the first limit's timer, the idle limit's set by the first element, and that
		// one set again about once a second over the ten seconds: a timer each would be
		// 101
		assertThat(counting.scheduled()).isLessThanOrEqualTo(13);
		counting.advanceTimeBy(IDLE);
		assertThat(failure.get()).isInstanceOf(TimeoutException.class);
		events.assertCancelled();
	}

	@Test
	void subscriptionsThatEndInTimeShareTheTasksOfTheirLimits() {
		CountingScheduler counting = new CountingScheduler();
		IdleTimeoutOperator<String> operator = IdleTimeoutOperator.of(FIRST, IDLE, (started) -> new TimeoutException(),
				() -> counting);
		List<String> received = new ArrayList<>();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		for (int i = 0; i < 100; i++) {
			TestPublisher<String> answer = TestPublisher.create();
			answer.flux().transform(operator).subscribe(received::add, failure::set);
			counting.advanceTimeBy(Duration.ofMillis(5));
			answer.next("answer " + i);
			answer.complete();
		}
		TestPublisher<String> silent = TestPublisher.create();
		StepVerifier.create(silent.flux().transform(operator))
			.expectSubscription()
			.then(() -> counting.advanceTimeBy(FIRST.minusMillis(1)))
			.expectNoEvent(Duration.ZERO)
			.then(() -> counting.advanceTimeBy(Duration.ofMillis(1)))
			.expectError(TimeoutException.class)
			.verify(Duration.ofSeconds(5));
		assertThat(received).hasSize(100);
		assertThat(failure).hasNullValue();
		// the first limit's task and the idle limit's, each set again at most once
		// when it fired for timers already gone: a task each would be 201
		assertThat(counting.scheduled()).isLessThanOrEqualTo(4);
	}

	@Test
	void idleGapAfterElementsTimesOutStarted() {
		TestPublisher<String> events = TestPublisher.create();
		StepVerifier.withVirtualTime(() -> events.flux().transform(operator()))
			.expectSubscription()
			.then(() -> events.next("a"))
			.expectNext("a")
			.thenAwait(IDLE.dividedBy(2))
			.then(() -> events.next("b"))
			.expectNext("b")
			.expectNoEvent(IDLE.minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorMessage("idle after an element")
			.verify(Duration.ofSeconds(5));
		events.assertCancelled();
	}

	@Test
	void completionAndCancellationLeaveNoTimerBehind() {
		StepVerifier.withVirtualTime(() -> Flux.just("a", "b").transform(operator()))
			.expectNext("a", "b")
			.expectComplete()
			.verifyThenAssertThat(Duration.ofSeconds(5))
			.hasNotDroppedErrors();
		TestPublisher<String> events = TestPublisher.create();
		StepVerifier.withVirtualTime(() -> events.flux().transform(operator()))
			.expectSubscription()
			.thenCancel()
			.verifyThenAssertThat(Duration.ofSeconds(5))
			.hasNotDroppedErrors();
		events.assertCancelled();
	}

	@Test
	void endOfTheSequenceAfterItsTerminalElementIsAwaitedAndTheRestDropped() {
		TestPublisher<String> events = TestPublisher.createNoncompliant(TestPublisher.Violation.CLEANUP_ON_TERMINATE);
		StepVerifier.withVirtualTime(() -> events.flux().transform(endingOperator()))
			.expectSubscription()
			.then(() -> events.next("a", "end", "after"))
			.expectNext("a", "end")
			.expectNoEvent(GRACE.minusMillis(1))
			.then(events::complete)
			.expectComplete()
			.verifyThenAssertThat(Duration.ofSeconds(5))
			.hasDiscarded("after")
			.hasNotDroppedErrors();
		events.assertWasNotCancelled();
	}

	@Test
	void sequenceHeldOpenAfterItsTerminalElementIsCancelledAndCompletesAfterTheGrace() {
		TestPublisher<String> events = TestPublisher.create();
		StepVerifier.withVirtualTime(() -> events.flux().transform(endingOperator()))
			.expectSubscription()
			.then(() -> events.next("a", "end"))
			.expectNext("a", "end")
			.expectNoEvent(GRACE.minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.expectComplete()
			.verifyThenAssertThat(Duration.ofSeconds(5))
			.hasNotDroppedErrors();
		events.assertCancelled();
	}

	@Test
	void errorAfterTheTerminalElementCompletesTheSequence() {
		TestPublisher<String> events = TestPublisher.create();
		StepVerifier.withVirtualTime(() -> events.flux().transform(endingOperator()))
			.expectSubscription()
			.then(() -> events.next("end"))
			.expectNext("end")
			.then(() -> events.error(new IllegalStateException("connection reset")))
			.expectComplete()
			.verifyThenAssertThat(Duration.ofSeconds(5))
			.hasNotDroppedErrors();
	}

	@Test
	void elementsBeforeTheTerminalOneKeepTheirIdleLimit() {
		TestPublisher<String> events = TestPublisher.create();
		StepVerifier.withVirtualTime(() -> events.flux().transform(endingOperator()))
			.expectSubscription()
			.then(() -> events.next("a"))
			.expectNext("a")
			.expectNoEvent(IDLE.minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorMessage("idle after an element")
			.verify(Duration.ofSeconds(5));
	}

	private static IdleTimeoutOperator<String> endingOperator() {
		return IdleTimeoutOperator.of(FIRST, IDLE,
				(started) -> new TimeoutException(
						started ? "idle after an element" : "timed out before the first element"),
				"end"::equals, GRACE);
	}

	private static IdleTimeoutOperator<String> operator() {
		return IdleTimeoutOperator.of(FIRST, IDLE, (started) -> new TimeoutException(
				started ? "idle after an element" : "timed out before the first element"));
	}

}
