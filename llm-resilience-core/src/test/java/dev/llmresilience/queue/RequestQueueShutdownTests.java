package dev.llmresilience.queue;

import java.time.Duration;
import java.util.Map;

import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.error.LlmShutdownException;
import dev.llmresilience.test.VirtualTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.subscriber.TestSubscriber;

import static dev.llmresilience.LlmPriority.CRITICAL;
import static dev.llmresilience.LlmPriority.HIGH;
import static dev.llmresilience.LlmPriority.LOW;
import static dev.llmresilience.LlmPriority.NORMAL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RequestQueue#shutdown(Duration)}: waiting requests end at once,
 * running ones get the grace period and are then ended, new ones are refused, and every
 * request ends exactly once. Runs on virtual time.
 */
@ExtendWith(VirtualTime.class)
class RequestQueueShutdownTests {

	private static final Duration GRACE = Duration.ofSeconds(30);

	private final VirtualTimeScheduler time;

	private QueuedRequests requests;

	RequestQueueShutdownTests(VirtualTimeScheduler time) {
		this.time = time;
	}

	@BeforeEach
	void queueWithTwoRunningAndThreeWaiting() {
		this.requests = new QueuedRequests(new RequestQueue(10, Map.of(), 2, Duration.ZERO));
		this.requests.submit("running-1", NORMAL);
		this.requests.submit("running-2", LOW);
		this.requests.submit("waiting-1", CRITICAL);
		this.requests.submit("waiting-2", HIGH);
		this.requests.submit("waiting-3", LOW, Deadline.after(Duration.ofMinutes(5)));
	}

	@Test
	void waitingRequestsEndAtOnceWithAShutdownErrorAndNeverRun() {
		TestSubscriber<Void> shutdown = shutdown();
		for (String name : new String[] { "waiting-1", "waiting-2", "waiting-3" }) {
			assertThat(this.requests.caller(name).expectTerminalError()).as(name)
				.isInstanceOf(LlmShutdownException.class)
				.hasMessageContaining("waited in the queue");
		}
		assertThat(this.requests.started()).containsExactly("running-1", "running-2");
		assertThat(shutdown.isTerminated()).isFalse();
		QueueSnapshot snapshot = this.requests.queue().snapshot();
		assertThat(snapshot.waiting()).isZero();
		assertThat(snapshot.inFlight()).isEqualTo(2);
		assertThat(snapshot.closed()).isTrue();
	}

	@Test
	void runningRequestsThatEndWithinTheGraceKeepTheirAnswerAndShutdownCompletesThen() {
		TestSubscriber<Void> shutdown = shutdown();
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		this.requests.finish("running-1");
		assertThat(shutdown.isTerminated()).isFalse();
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		this.requests.finish("running-2");
		assertThat(shutdown.isTerminatedComplete()).isTrue();
		assertThat(this.requests.caller("running-1").getReceivedOnNext()).containsExactly("running-1");
		assertThat(this.requests.caller("running-2").getReceivedOnNext()).containsExactly("running-2");
		assertThat(this.requests.started()).containsExactly("running-1", "running-2");
		this.requests.assertEveryCallerEndedOnce();
	}

	@Test
	void runningRequestStillRunningAfterTheGraceIsCancelledAndEndsWithAShutdownError() {
		TestSubscriber<Void> shutdown = shutdown();
		this.time.advanceTimeBy(Duration.ofSeconds(5));
		this.requests.finish("running-1");
		this.time.advanceTimeBy(GRACE.minusSeconds(5).minusMillis(1));
		assertThat(this.requests.caller("running-2").isTerminated()).isFalse();
		assertThat(shutdown.isTerminated()).isFalse();
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.requests.caller("running-2").expectTerminalError()).isInstanceOf(LlmShutdownException.class)
			.hasMessageContaining("shut down before the request ended");
		assertThat(this.requests.cancelled()).containsExactly("running-2");
		assertThat(this.requests.caller("running-1").getReceivedOnNext()).containsExactly("running-1");
		assertThat(shutdown.isTerminatedComplete()).isTrue();
		assertThat(this.requests.queue().snapshot().inFlight()).isZero();
		this.requests.assertEveryCallerEndedOnce();
	}

	@Test
	void requestSubmittedDuringOrAfterShutdownIsRefusedAndCounted() {
		shutdown();
		TestSubscriber<String> during = this.requests.submit("during", CRITICAL);
		assertThat(during.expectTerminalError()).isInstanceOf(LlmShutdownException.class)
			.hasMessageContaining("not admitted");
		this.time.advanceTimeBy(GRACE);
		TestSubscriber<String> after = this.requests.submit("after", NORMAL);
		assertThat(after.expectTerminalError()).isInstanceOf(LlmShutdownException.class);
		assertThat(this.requests.started()).containsExactly("running-1", "running-2");
		QueueSnapshot snapshot = this.requests.queue().snapshot();
		assertThat(snapshot.refused()).isEqualTo(2);
		assertThat(snapshot.closed()).isTrue();
	}

	@Test
	void lateAnswerOfWorkCutOffByTheShutdownNeverReachesItsCaller() {
		shutdown();
		this.time.advanceTimeBy(GRACE);
		this.requests.finish("running-1");
		TestSubscriber<String> caller = this.requests.caller("running-1");
		assertThat(caller.getReceivedOnNext()).isEmpty();
		assertThat(caller.getProtocolErrors()).isEmpty();
		assertThat(caller.expectTerminalError()).isInstanceOf(LlmShutdownException.class);
	}

	@Test
	void everyRequestEndsExactlyOnceWhenTheGraceRunsOut() {
		shutdown();
		// past the grace, and past the deadline of the waiting request that had one
		this.time.advanceTimeBy(Duration.ofMinutes(10));
		this.requests.assertEveryCallerEndedOnce();
		assertThat(this.requests.queue().snapshot().inFlight()).isZero();
	}

	@Test
	void shutdownOfAnIdleQueueCompletesAtOnce() {
		RequestQueue idle = new RequestQueue(10, Map.of(), 2, Duration.ZERO);
		TestSubscriber<Void> shutdown = TestSubscriber.create();
		idle.shutdown(GRACE).subscribe(shutdown);
		assertThat(shutdown.isTerminatedComplete()).isTrue();
		assertThat(idle.snapshot().closed()).isTrue();
	}

	@Test
	void shutdownAgainCompletesOnceTheFirstHasDrainedTheQueue() {
		TestSubscriber<Void> first = shutdown();
		this.requests.finish("running-1");
		this.requests.finish("running-2");
		assertThat(first.isTerminatedComplete()).isTrue();
		TestSubscriber<Void> second = shutdown();
		assertThat(second.isTerminatedComplete()).isTrue();
	}

	@Test
	void cancellingAWaitingRequestAfterItWasEndedByTheShutdownChangesNothing() {
		shutdown();
		this.requests.caller("waiting-1").cancel();
		QueueSnapshot snapshot = this.requests.queue().snapshot();
		assertThat(snapshot.waiting()).isZero();
		assertThat(snapshot.depth()).allSatisfy((priority, depth) -> assertThat(depth).isZero());
	}

	@Test
	void reopenedQueueAdmitsAndRunsRequestsAgainAfterAShutdownThatCutWorkOff() {
		TestSubscriber<Void> shutdown = shutdown();
		this.time.advanceTimeBy(GRACE);
		assertThat(shutdown.isTerminatedComplete()).isTrue();
		this.requests.queue().reopen();
		TestSubscriber<String> again = this.requests.submit("again", NORMAL);
		this.requests.finish("again");
		assertThat(again.getReceivedOnNext()).containsExactly("again");
		assertThat(again.isTerminatedComplete()).isTrue();
		assertThat(this.requests.queue().snapshot().closed()).isFalse();
		assertThat(this.requests.queue().snapshot().inFlight()).isZero();
	}

	@Test
	void reopenedQueueCanBeShutDownAgain() {
		shutdown();
		this.time.advanceTimeBy(GRACE);
		this.requests.queue().reopen();
		this.requests.submit("second-life", NORMAL);
		TestSubscriber<Void> second = shutdown();
		assertThat(second.isTerminated()).isFalse();
		this.requests.finish("second-life");
		assertThat(second.isTerminatedComplete()).isTrue();
		assertThat(this.requests.caller("second-life").getReceivedOnNext()).containsExactly("second-life");
	}

	@Test
	void reopeningAnOpenQueueChangesNothing() {
		this.requests.queue().reopen();
		assertThat(this.requests.queue().snapshot().closed()).isFalse();
		assertThat(this.requests.queue().snapshot().inFlight()).isEqualTo(2);
		assertThat(this.requests.queue().snapshot().waiting()).isEqualTo(3);
	}

	private TestSubscriber<Void> shutdown() {
		TestSubscriber<Void> shutdown = TestSubscriber.create();
		this.requests.queue().shutdown(GRACE).subscribe(shutdown);
		return shutdown;
	}

}
