package dev.llmresilience.queue;

import java.time.Duration;
import java.util.Map;

import dev.llmresilience.LlmPriority;
import dev.llmresilience.test.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.scheduler.VirtualTimeScheduler;

import static dev.llmresilience.LlmPriority.CRITICAL;
import static dev.llmresilience.LlmPriority.HIGH;
import static dev.llmresilience.LlmPriority.LOW;
import static dev.llmresilience.LlmPriority.NORMAL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the {@link QueueSnapshot} of a {@link RequestQueue}: its depth per priority,
 * the requests in flight, and the requests admitted, refused, and how long they waited,
 * on virtual time.
 */
@ExtendWith(VirtualTime.class)
class RequestQueueSnapshotTests {

	private final VirtualTimeScheduler time;

	RequestQueueSnapshotTests(VirtualTimeScheduler time) {
		this.time = time;
	}

	@Test
	void newQueueIsEmptyAndShowsItsLimits() {
		QueueSnapshot snapshot = new RequestQueue(50, Map.of(LOW, 5), 4, Duration.ofSeconds(10)).snapshot();
		assertThat(snapshot.capacity()).isEqualTo(50);
		assertThat(snapshot.maxConcurrent()).isEqualTo(4);
		assertThat(snapshot.inFlight()).isZero();
		assertThat(snapshot.depth()).containsOnlyKeys(LlmPriority.values())
			.allSatisfy((priority, depth) -> assertThat(depth).isZero());
		assertThat(snapshot.waiting()).isZero();
		assertThat(snapshot.admitted()).isZero();
		assertThat(snapshot.totalWait()).isZero();
		assertThat(snapshot.averageWait()).isZero();
		assertThat(snapshot.maxWait()).isZero();
		assertThat(snapshot.refused()).isZero();
		assertThat(snapshot.closed()).isFalse();
	}

	@Test
	void depthCountsTheWaitingRequestsOfEachPriority() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(50, Map.of(), 2, Duration.ZERO));
		requests.submit("running-1", LOW);
		requests.submit("running-2", LOW);
		requests.submit("critical", CRITICAL);
		requests.submit("normal-1", NORMAL);
		requests.submit("normal-2", NORMAL);
		requests.submit("low", LOW);
		QueueSnapshot snapshot = requests.queue().snapshot();
		assertThat(snapshot.depth()).containsEntry(CRITICAL, 1)
			.containsEntry(HIGH, 0)
			.containsEntry(NORMAL, 2)
			.containsEntry(LOW, 1);
		assertThat(snapshot.waiting()).isEqualTo(4);
		assertThat(snapshot.inFlight()).isEqualTo(2);
		assertThat(snapshot.admitted()).isEqualTo(2);
		requests.finish("running-1");
		snapshot = requests.queue().snapshot();
		assertThat(snapshot.depth()).containsEntry(CRITICAL, 0).containsEntry(NORMAL, 2);
		assertThat(snapshot.inFlight()).isEqualTo(2);
		assertThat(snapshot.admitted()).isEqualTo(3);
	}

	@Test
	void waitStatisticsCoverEveryAdmittedRequestIncludingThoseAdmittedAtOnce() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(50, Map.of(), 1, Duration.ZERO));
		requests.submit("at-once", NORMAL);
		requests.submit("waits-4s", NORMAL);
		this.time.advanceTimeBy(Duration.ofSeconds(2));
		requests.submit("waits-2s", NORMAL);
		this.time.advanceTimeBy(Duration.ofSeconds(2));
		requests.finish("at-once");
		requests.finish("waits-4s");
		requests.finish("waits-2s");
		QueueSnapshot snapshot = requests.queue().snapshot();
		assertThat(snapshot.admitted()).isEqualTo(3);
		assertThat(snapshot.totalWait()).isEqualTo(Duration.ofSeconds(6));
		assertThat(snapshot.maxWait()).isEqualTo(Duration.ofSeconds(4));
		assertThat(snapshot.averageWait()).isEqualTo(Duration.ofSeconds(2));
		assertThat(snapshot.inFlight()).isZero();
		assertThat(snapshot.waiting()).isZero();
	}

	@Test
	void waitIsMeasuredUntilThePermitIsGranted() {
		QueuedRequests requests = new QueuedRequests(new RequestQueue(50, Map.of(), 1, Duration.ZERO));
		requests.submit("running", NORMAL);
		requests.submit("waiting", NORMAL);
		this.time.advanceTimeBy(Duration.ofMillis(1500));
		requests.finish("running");
		this.time.advanceTimeBy(Duration.ofMinutes(1));
		requests.finish("waiting");
		assertThat(requests.queue().snapshot().maxWait()).isEqualTo(Duration.ofMillis(1500));
	}

}
