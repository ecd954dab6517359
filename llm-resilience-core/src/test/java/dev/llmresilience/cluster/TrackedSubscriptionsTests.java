package dev.llmresilience.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.publisher.PublisherProbe;

import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TrackedSubscriptions}: work is kept while it runs and no longer,
 * closing cancels what still runs, and nothing starts once closed.
 */
class TrackedSubscriptionsTests {

	private final TrackedSubscriptions subscriptions = new TrackedSubscriptions();

	private final List<Throwable> errors = new CopyOnWriteArrayList<>();

	@Test
	void workIsKeptWhileItRunsAndDroppedOnceItCompletes() {
		Sinks.One<String> answer = Sinks.one();
		this.subscriptions.subscribe(answer.asMono(), this.errors::add);
		assertThat(this.subscriptions.size()).isOne();
		answer.tryEmitValue("OK");
		assertThat(this.subscriptions.size()).isZero();
		assertThat(this.errors).isEmpty();
	}

	@Test
	void failedWorkIsReportedAndDropped() {
		Sinks.One<String> answer = Sinks.one();
		this.subscriptions.subscribe(answer.asMono(), this.errors::add);
		IllegalStateException failure = new IllegalStateException("Connection reset");
		answer.tryEmitError(failure);
		assertThat(this.errors).containsExactly(failure);
		assertThat(this.subscriptions.size()).isZero();
	}

	@Test
	void workThatEndsWhileSubscribedToIsNotKept() {
		Disposable completed = this.subscriptions.subscribe(Mono.just("OK"), null, this.errors::add);
		Disposable failed = this.subscriptions.subscribe(Mono.error(new IllegalStateException("refused")), null,
				this.errors::add);
		assertThat(this.subscriptions.size()).isZero();
		assertThat(completed.isDisposed()).isTrue();
		assertThat(failed.isDisposed()).isTrue();
		assertThat(this.errors).hasSize(1);
	}

	@Test
	void aStreamIsKeptUntilItEndsAndThenReadsAsDisposed() {
		Sinks.Many<String> messages = Sinks.many().unicast().onBackpressureBuffer();
		List<String> received = new CopyOnWriteArrayList<>();
		Disposable listening = this.subscriptions.subscribe(messages.asFlux(), received::add, this.errors::add);
		messages.tryEmitNext("hold");
		assertThat(received).containsExactly("hold");
		assertThat(listening.isDisposed()).isFalse();
		assertThat(this.subscriptions.size()).isOne();
		messages.tryEmitError(new IllegalStateException("Connection closed"));
		// what the holds' listener relies on to listen again
		assertThat(listening.isDisposed()).isTrue();
		assertThat(this.subscriptions.size()).isZero();
	}

	@Test
	void closeCancelsTheWorkStillRunningWithoutReportingAnError() {
		PublisherProbe<Void> unanswered = PublisherProbe.of(Mono.never());
		Disposable subscription = this.subscriptions.subscribe(unanswered.mono(), null, this.errors::add);
		assertThat(this.subscriptions.size()).isOne();
		this.subscriptions.close();
		unanswered.assertWasCancelled();
		assertThat(subscription.isDisposed()).isTrue();
		assertThat(this.subscriptions.size()).isZero();
		assertThat(this.errors).isEmpty();
	}

	@Test
	void workHandedOverOnceClosedIsNeverSubscribedTo() {
		this.subscriptions.close();
		PublisherProbe<Void> work = PublisherProbe.empty();
		Disposable subscription = this.subscriptions.subscribe(work.mono(), null, this.errors::add);
		work.assertWasNotSubscribed();
		assertThat(subscription.isDisposed()).isTrue();
		assertThat(this.subscriptions.size()).isZero();
	}

	@Test
	void openedAgainItKeepsAndCancelsNewWork() {
		this.subscriptions.close();
		this.subscriptions.open();
		PublisherProbe<Void> unanswered = PublisherProbe.of(Mono.never());
		this.subscriptions.subscribe(unanswered.mono(), this.errors::add);
		unanswered.assertWasSubscribed();
		assertThat(this.subscriptions.size()).isOne();
		this.subscriptions.close();
		unanswered.assertWasCancelled();
	}

	@Test
	void openingWhileOpenKeepsTheWorkRunning() {
		PublisherProbe<Void> unanswered = PublisherProbe.of(Mono.never());
		this.subscriptions.subscribe(unanswered.mono(), this.errors::add);
		this.subscriptions.open();
		this.subscriptions.close();
		unanswered.assertWasCancelled();
	}

	@Test
	void manyCallsEndingOnOtherThreadsLeaveNothingKept() {
		int calls = 10_000;
		AtomicInteger answered = new AtomicInteger();
		for (int i = 0; i < calls; i++) {
			this.subscriptions.subscribe(Mono.delay(Duration.ofMillis(i % 5), Schedulers.parallel())
				.doOnNext((tick) -> answered.incrementAndGet()), this.errors::add);
		}
		await().atMost(TIMEOUT).until(() -> answered.get() == calls && this.subscriptions.size() == 0);
		assertThat(this.errors).isEmpty();
	}

}
