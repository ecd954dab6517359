package dev.llmresilience.queue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.error.LlmTimeoutException;
import dev.llmresilience.test.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.subscriber.TestSubscriber;

import static dev.llmresilience.LlmPriority.CRITICAL;
import static dev.llmresilience.LlmPriority.HIGH;
import static dev.llmresilience.LlmPriority.LOW;
import static dev.llmresilience.LlmPriority.NORMAL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for requests that leave a {@link RequestQueue} other than by being served: the
 * caller cancels, the request's deadline passes while it waits, or its work fails. None
 * of them keeps a place in the queue or a permit. Runs on virtual time.
 */
@ExtendWith(VirtualTime.class)
class RequestQueueCancellationTests {

	private final VirtualTimeScheduler time;

	RequestQueueCancellationTests(VirtualTimeScheduler time) {
		this.time = time;
	}

	@Test
	void cancelledWaitingRequestLeavesTheQueueAndNeverRuns() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(10, Map.of(), 1, Duration.ZERO));
		requests.submit("running", NORMAL);
		TestSubscriber<String> cancelled = requests.submit("cancelled", HIGH);
		requests.submit("next", NORMAL);
		assertThat(requests.queue().snapshot().depth()).containsEntry(HIGH, 1).containsEntry(NORMAL, 1);
		cancelled.cancel();
		QueueSnapshot snapshot = requests.queue().snapshot();
		assertThat(snapshot.depth()).containsEntry(HIGH, 0).containsEntry(NORMAL, 1);
		assertThat(snapshot.waiting()).isOne();
		requests.finish("running");
		assertThat(requests.started()).containsExactly("running", "next");
		assertThat(requests.queue().snapshot().inFlight()).isOne();
		requests.finish("next");
		assertThat(requests.queue().snapshot().inFlight()).isZero();
		assertThat(cancelled.isTerminated()).isFalse();
	}

	@Test
	void cancellingManyWaitingRequestsNeverLetsMoreThanTheLimitRun() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(100, Map.of(), 2, Duration.ZERO));
		requests.submit("running-1", NORMAL);
		requests.submit("running-2", NORMAL);
		for (int i = 0; i < 40; i++) {
			TestSubscriber<String> caller = requests.submit("waiting-" + i, (i % 2 == 0) ? LOW : CRITICAL);
			if (i % 3 != 0) {
				caller.cancel();
			}
		}
		assertThat(requests.queue().snapshot().waiting()).isEqualTo(14);
		while (!requests.running().isEmpty()) {
			assertThat(requests.running()).hasSizeLessThanOrEqualTo(2);
			assertThat(requests.queue().snapshot().inFlight()).isEqualTo(requests.running().size());
			requests.finish(requests.running().get(0));
		}
		assertThat(requests.started()).hasSize(16)
			.allSatisfy((name) -> assertThat(name).matches(
					(started) -> !started.startsWith("waiting-") || Integer.parseInt(started.substring(8)) % 3 == 0));
		QueueSnapshot snapshot = requests.queue().snapshot();
		assertThat(snapshot.inFlight()).isZero();
		assertThat(snapshot.waiting()).isZero();
		assertThat(snapshot.admitted()).isEqualTo(16);
	}

	@Test
	void cancellingRunningWorkCancelsItAndGivesItsPermitToTheNextRequest() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(10, Map.of(), 1, Duration.ZERO));
		TestSubscriber<String> running = requests.submit("running", NORMAL);
		requests.submit("next", NORMAL);
		running.cancel();
		assertThat(requests.cancelled()).containsExactly("running");
		assertThat(requests.started()).containsExactly("running", "next");
		assertThat(requests.queue().snapshot().inFlight()).isOne();
	}

	@Test
	void failedWorkEndsItsRequestWithItsErrorAndGivesBackItsPermit() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(10, Map.of(), 1, Duration.ZERO));
		requests.submit("failing", NORMAL);
		requests.submit("next", NORMAL);
		IllegalStateException error = new IllegalStateException("boom");
		requests.fail("failing", error);
		assertThat(requests.caller("failing").expectTerminalError()).isSameAs(error);
		assertThat(requests.started()).containsExactly("failing", "next");
		requests.finish("next");
		assertThat(requests.queue().snapshot().inFlight()).isZero();
	}

	@Test
	void deadlinePassingWhileWaitingEndsTheRequestWithADeadlineTimeoutAndFreesItsPlace() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(10, Map.of(), 1, Duration.ZERO));
		requests.submit("running", NORMAL);
		TestSubscriber<String> expiring = requests.submit("expiring", CRITICAL, Deadline.after(Duration.ofSeconds(5)));
		requests.submit("patient", LOW);
		this.time.advanceTimeBy(Duration.ofMillis(4999));
		assertThat(expiring.isTerminated()).isFalse();
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(expiring.expectTerminalError()).isInstanceOfSatisfying(LlmTimeoutException.class, (timeout) -> {
			assertThat(timeout.getPhase()).isEqualTo(LlmTimeoutException.Phase.DEADLINE);
			assertThat(timeout.getLimit()).isEqualTo(Duration.ofSeconds(5));
		});
		assertThat(requests.queue().snapshot().depth()).containsEntry(CRITICAL, 0).containsEntry(LOW, 1);
		requests.finish("running");
		assertThat(requests.started()).containsExactly("running", "patient");
		assertThat(requests.queue().snapshot().inFlight()).isOne();
	}

	@Test
	void deadlineCountsTheTimeAlreadySpentBeforeSubmission() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(10, Map.of(), 1, Duration.ZERO));
		requests.submit("running", NORMAL);
		Deadline deadline = Deadline.after(Duration.ofSeconds(5));
		this.time.advanceTimeBy(Duration.ofSeconds(3));
		TestSubscriber<String> expiring = requests.submit("expiring", NORMAL, deadline);
		this.time.advanceTimeBy(Duration.ofMillis(1999));
		assertThat(expiring.isTerminated()).isFalse();
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(expiring.expectTerminalError()).isInstanceOf(LlmTimeoutException.class);
	}

	@Test
	void deadlineNoLongerAppliesToTheQueueOnceTheRequestIsAdmitted() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(10, Map.of(), 1, Duration.ZERO));
		requests.submit("running", NORMAL);
		TestSubscriber<String> admitted = requests.submit("admitted", NORMAL, Deadline.after(Duration.ofSeconds(5)));
		this.time.advanceTimeBy(Duration.ofSeconds(2));
		requests.finish("running");
		// the work itself enforces the deadline (the chain does); the queue's timer is
		// gone
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(admitted.isTerminated()).isFalse();
		requests.finish("admitted");
		assertThat(admitted.getReceivedOnNext()).containsExactly("admitted");
	}

	@Test
	void expiredAndCancelledRequestsAreNotCountedAsAdmitted() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(10, Map.of(), 1, Duration.ZERO));
		requests.submit("running", NORMAL);
		requests.submit("expiring", NORMAL, Deadline.after(Duration.ofSeconds(1)));
		requests.submit("cancelled", NORMAL).cancel();
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		requests.finishOneByOne();
		QueueSnapshot snapshot = requests.queue().snapshot();
		assertThat(snapshot.admitted()).isOne();
		assertThat(snapshot.refused()).isZero();
		assertThat(snapshot.waiting()).isZero();
		assertThat(snapshot.inFlight()).isZero();
	}

	@Test
	void workThatCannotBeMadeEndsItsRequestWithTheErrorAndGivesBackItsPermit() {
		RequestQueue queue = new RequestQueue(10, Map.of(), 1, Duration.ZERO);
		IllegalStateException error = new IllegalStateException("no work");
		TestSubscriber<String> caller = TestSubscriber.create();
		queue.<String>submit(NORMAL, Deadline.none(), () -> {
			throw error;
		}).subscribe(caller);
		assertThat(caller.expectTerminalError()).isSameAs(error);
		assertThat(queue.snapshot().inFlight()).isZero();
		TestSubscriber<String> next = TestSubscriber.create();
		queue.submit(NORMAL, Deadline.none(), () -> Mono.just("next")).subscribe(next);
		assertThat(next.getReceivedOnNext()).containsExactly("next");
	}

	@Test
	void requestCancelledAsItSubscribesNeitherRunsNorTakesAPlace() {
		RequestQueue queue = new RequestQueue(10, Map.of(), 1, Duration.ZERO);
		AtomicBoolean ran = new AtomicBoolean();
		queue.submit(NORMAL, Deadline.none(), () -> Mono.fromRunnable(() -> ran.set(true)))
			.subscribe(new BaseSubscriber<>() {

				@Override
				protected void hookOnSubscribe(Subscription subscription) {
					cancel();
				}

			});
		assertThat(ran).isFalse();
		QueueSnapshot snapshot = queue.snapshot();
		assertThat(snapshot.inFlight()).isZero();
		assertThat(snapshot.waiting()).isZero();
		assertThat(snapshot.admitted()).isZero();
	}

	@Test
	void demandOfACallerThatWaitedReachesItsWorkOnceAdmitted() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(10, Map.of(), 1, Duration.ZERO));
		requests.submit("running", NORMAL);
		TestSubscriber<String> caller = TestSubscriber.builder().initialRequest(1).build();
		requests.queue().submit(NORMAL, Deadline.none(), () -> Flux.just("a", "b", "c")).subscribe(caller);
		assertThat(caller.getReceivedOnNext()).isEmpty();
		requests.finish("running");
		assertThat(caller.getReceivedOnNext()).containsExactly("a");
		assertThat(requests.queue().snapshot().inFlight()).isOne();
		caller.request(2);
		assertThat(caller.getReceivedOnNext()).containsExactly("a", "b", "c");
		assertThat(caller.isTerminatedComplete()).isTrue();
		assertThat(requests.queue().snapshot().inFlight()).isZero();
	}

}
