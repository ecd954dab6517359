package dev.llmresilience.queue;

import java.time.Duration;
import java.util.Map;

import dev.llmresilience.error.LlmQueueFullException;
import dev.llmresilience.test.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.subscriber.TestSubscriber;

import static dev.llmresilience.LlmPriority.CRITICAL;
import static dev.llmresilience.LlmPriority.HIGH;
import static dev.llmresilience.LlmPriority.LOW;
import static dev.llmresilience.LlmPriority.NORMAL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the bounds of a {@link RequestQueue}: a request beyond the capacity, or
 * beyond its priority's share, is refused at once with an {@link LlmQueueFullException},
 * and counted. Runs on virtual time, where no time passes: a refusal must not wait for
 * any timer.
 */
@ExtendWith(VirtualTime.class)
class RequestQueueCapacityTests {

	@Test
	void requestBeyondTheCapacityIsRefusedAtOnceWithATypedError() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(2, Map.of(), 1, Duration.ZERO));
		requests.submit("running", NORMAL);
		requests.submit("waiting-1", NORMAL);
		requests.submit("waiting-2", LOW);
		TestSubscriber<String> refused = requests.submit("refused", CRITICAL);
		assertThat(refused.isTerminatedError()).isTrue();
		assertThat(refused.expectTerminalError()).isInstanceOfSatisfying(LlmQueueFullException.class, (error) -> {
			assertThat(error.getPriority()).isEqualTo(CRITICAL);
			assertThat(error).hasMessageContaining("2 waiting requests");
		});
		QueueSnapshot snapshot = requests.queue().snapshot();
		assertThat(snapshot.refused()).isOne();
		assertThat(snapshot.waiting()).isEqualTo(2);
		assertThat(snapshot.inFlight()).isOne();
		assertThat(requests.started()).containsExactly("running");
	}

	@Test
	void refusedRequestLeavesTheOthersUntouched() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(1, Map.of(), 1, Duration.ZERO));
		requests.submit("running", NORMAL);
		requests.submit("waiting", NORMAL);
		requests.submit("refused-1", NORMAL);
		requests.submit("refused-2", HIGH);
		requests.finish("running");
		requests.finish("waiting");
		assertThat(requests.caller("running").getReceivedOnNext()).containsExactly("running");
		assertThat(requests.caller("waiting").getReceivedOnNext()).containsExactly("waiting");
		assertThat(requests.started()).containsExactly("running", "waiting");
		assertThat(requests.queue().snapshot().refused()).isEqualTo(2);
		assertThat(requests.queue().snapshot().admitted()).isEqualTo(2);
		requests.assertEveryCallerEndedOnce();
	}

	@Test
	void queueAcceptsAgainOnceAWaitingRequestIsServed() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(1, Map.of(), 1, Duration.ZERO));
		requests.submit("running", NORMAL);
		requests.submit("waiting", NORMAL);
		requests.finish("running");
		TestSubscriber<String> accepted = requests.submit("accepted", NORMAL);
		assertThat(accepted.isTerminated()).isFalse();
		assertThat(requests.queue().snapshot().waiting()).isOne();
		assertThat(requests.queue().snapshot().refused()).isZero();
	}

	@Test
	void priorityShareRefusesThatPriorityOnlyWhileOthersStillWait() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(10, Map.of(LOW, 2), 1, Duration.ZERO));
		requests.submit("running", NORMAL);
		requests.submit("low-1", LOW);
		requests.submit("low-2", LOW);
		TestSubscriber<String> low3 = requests.submit("low-3", LOW);
		TestSubscriber<String> normal = requests.submit("normal", NORMAL);
		TestSubscriber<String> high = requests.submit("high", HIGH);
		assertThat(low3.expectTerminalError()).isInstanceOfSatisfying(LlmQueueFullException.class, (error) -> {
			assertThat(error.getPriority()).isEqualTo(LOW);
			assertThat(error).hasMessageContaining("2 waiting requests");
		});
		assertThat(normal.isTerminated()).isFalse();
		assertThat(high.isTerminated()).isFalse();
		QueueSnapshot snapshot = requests.queue().snapshot();
		assertThat(snapshot.depth()).containsEntry(LOW, 2).containsEntry(NORMAL, 1).containsEntry(HIGH, 1);
		assertThat(snapshot.refused()).isOne();
	}

	@Test
	void priorityShareIsFreedAsItsRequestsAreServed() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(10, Map.of(LOW, 1), 1, Duration.ZERO));
		requests.submit("running", NORMAL);
		requests.submit("low-1", LOW);
		requests.finish("running");
		TestSubscriber<String> low2 = requests.submit("low-2", LOW);
		assertThat(low2.isTerminated()).isFalse();
		assertThat(requests.queue().snapshot().depth()).containsEntry(LOW, 1);
	}

	@Test
	void priorityWithAZeroShareRunsWhenAPermitIsFreeButNeverWaits() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(10, Map.of(LOW, 0), 1, Duration.ZERO));
		TestSubscriber<String> runsAtOnce = requests.submit("low-running", LOW);
		TestSubscriber<String> refused = requests.submit("low-waiting", LOW);
		assertThat(runsAtOnce.isTerminated()).isFalse();
		assertThat(requests.started()).containsExactly("low-running");
		assertThat(refused.expectTerminalError()).isInstanceOf(LlmQueueFullException.class);
	}

	@Test
	void zeroCapacityServesUpToTheConcurrencyLimitAndRefusesTheRest() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(0, Map.of(), 2, Duration.ZERO));
		requests.submit("first", NORMAL);
		requests.submit("second", NORMAL);
		TestSubscriber<String> third = requests.submit("third", CRITICAL);
		assertThat(requests.started()).containsExactly("first", "second");
		assertThat(third.expectTerminalError()).isInstanceOf(LlmQueueFullException.class);
		assertThat(requests.queue().snapshot().refused()).isOne();
	}

}
