package dev.llmresilience.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.llmresilience.LlmPriority;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.test.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.subscriber.TestSubscriber;

import static dev.llmresilience.LlmPriority.CRITICAL;
import static dev.llmresilience.LlmPriority.HIGH;
import static dev.llmresilience.LlmPriority.LOW;
import static dev.llmresilience.LlmPriority.NORMAL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the order in which a saturated {@link RequestQueue} serves waiting requests:
 * by priority, in arrival order within a priority, and with aging, by arrival plus the
 * priority's distance from {@link LlmPriority#CRITICAL} times the aging interval. Arrival
 * times are read on virtual time.
 */
@ExtendWith(VirtualTime.class)
class RequestQueueOrderingTests {

	private final VirtualTimeScheduler time;

	RequestQueueOrderingTests(VirtualTimeScheduler time) {
		this.time = time;
	}

	@Test
	void strictPriorityServesByPriorityThenByArrival() {
		QueuedRequests work = new QueuedRequests(new RequestQueue(100, Map.of(), 1, Duration.ZERO));
		work.submit("running", LOW);
		work.submit("low-1", LOW);
		work.submit("normal-1", NORMAL);
		work.submit("critical-1", CRITICAL);
		work.submit("high-1", HIGH);
		work.submit("low-2", LOW);
		work.submit("critical-2", CRITICAL);
		work.submit("normal-2", NORMAL);
		work.submit("high-2", HIGH);
		assertThat(work.started()).containsExactly("running");
		work.finishOneByOne();
		assertThat(work.started()).containsExactly("running", "critical-1", "critical-2", "high-1", "high-2",
				"normal-1", "normal-2", "low-1", "low-2");
		work.assertAllCompleted();
	}

	@Test
	void strictPriorityLetsNewerHigherPriorityRequestsOvertakeAnyLongWaitingLowOne() {
		QueuedRequests work = new QueuedRequests(new RequestQueue(100, Map.of(), 1, Duration.ZERO));
		work.submit("running", NORMAL);
		work.submit("low", LOW);
		this.time.advanceTimeBy(Duration.ofHours(1));
		work.submit("normal", NORMAL);
		work.finishOneByOne();
		assertThat(work.started()).containsExactly("running", "normal", "low");
	}

	@Test
	void agingLetsARequestGoBeforeLaterArrivalsOfHigherPriorityOnceItWaitedItsDistanceTimesTheInterval() {
		QueuedRequests work = new QueuedRequests(new RequestQueue(100, Map.of(), 1, Duration.ofSeconds(10)));
		work.submit("running", CRITICAL);
		// low is three levels below critical: it goes before critical arrivals 30s later
		// or more
		work.submit("low", LOW);
		this.time.advanceTimeBy(Duration.ofSeconds(5));
		// normal is one level above low: 5s + 20s = 25s comes before low's 30s
		work.submit("normal", NORMAL);
		this.time.advanceTimeBy(Duration.ofSeconds(24));
		work.submit("critical-at-29s", CRITICAL);
		this.time.advanceTimeBy(Duration.ofSeconds(2));
		work.submit("critical-at-31s", CRITICAL);
		work.submit("high-at-31s", HIGH);
		work.finishOneByOne();
		assertThat(work.started()).containsExactly("running", "normal", "critical-at-29s", "low", "critical-at-31s",
				"high-at-31s");
	}

	@Test
	void agedRequestGoesBeforeANewerCriticalOneArrivingExactlyItsDistanceTimesTheIntervalLater() {
		QueuedRequests work = new QueuedRequests(new RequestQueue(100, Map.of(), 1, Duration.ofSeconds(10)));
		work.submit("running", CRITICAL);
		work.submit("low", LOW);
		this.time.advanceTimeBy(Duration.ofSeconds(30));
		work.submit("critical", CRITICAL);
		work.finishOneByOne();
		assertThat(work.started()).containsExactly("running", "low", "critical");
	}

	@Test
	void agingKeepsArrivalOrderWithinAPriority() {
		QueuedRequests work = new QueuedRequests(new RequestQueue(100, Map.of(), 1, Duration.ofSeconds(10)));
		work.submit("running", HIGH);
		for (int i = 1; i <= 5; i++) {
			work.submit("high-" + i, HIGH);
			work.submit("low-" + i, LOW);
		}
		work.finishOneByOne();
		assertThat(work.started()).containsExactly("running", "high-1", "high-2", "high-3", "high-4", "high-5", "low-1",
				"low-2", "low-3", "low-4", "low-5");
	}

	@Test
	void newRequestDoesNotOvertakeWaitingOnesWhenAPermitIsFree() {
		QueuedRequests work = new QueuedRequests(new RequestQueue(100, Map.of(), 2, Duration.ZERO));
		work.submit("running-1", NORMAL);
		work.submit("running-2", NORMAL);
		work.submit("waiting", LOW);
		work.finish("running-1");
		work.submit("critical", CRITICAL);
		assertThat(work.started()).containsExactly("running-1", "running-2", "waiting");
		assertThat(work.queue().snapshot().depth()).containsEntry(CRITICAL, 1);
	}

	@Test
	void waitingRequestsWhoseWorkEndsAtOnceAreAdmittedOneAfterTheOtherWithoutNestingCalls() {
		RequestQueue queue = new RequestQueue(100, Map.of(), 1, Duration.ZERO);
		Sinks.One<String> running = Sinks.one();
		queue.submit(NORMAL, Deadline.none(), running::asMono).subscribe();
		List<Long> stackDepths = new ArrayList<>();
		List<TestSubscriber<String>> callers = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			TestSubscriber<String> caller = TestSubscriber.create();
			queue.submit(NORMAL, Deadline.none(), () -> Mono.fromCallable(() -> {
				stackDepths.add(StackWalker.getInstance().walk(Stream::count));
				return "done";
			})).subscribe(caller);
			callers.add(caller);
		}
		running.tryEmitValue("done");
		assertThat(callers).allSatisfy((caller) -> assertThat(caller.isTerminatedComplete()).isTrue());
		assertThat(queue.snapshot().inFlight()).isZero();
		// each permit freed by work that ended at once must not admit the next request
		// from
		// within that work: with thousands waiting, the nesting overflows the stack, and
		// the
		// requests not yet admitted then wait forever while the last permit stays taken
		assertThat(stackDepths).hasSize(50).containsOnly(stackDepths.get(0));
	}

	@Test
	void neverRunsMoreThanMaxConcurrentRequestsAtOnce() {
		QueuedRequests work = new QueuedRequests(new RequestQueue(100, Map.of(), 3, Duration.ZERO));
		List<LlmPriority> priorities = List.of(LOW, NORMAL, HIGH, CRITICAL);
		for (int i = 0; i < 20; i++) {
			work.submit("request-" + i, priorities.get(i % 4));
		}
		assertThat(work.started()).hasSize(3);
		while (work.running().size() > 0) {
			assertThat(work.running()).hasSizeLessThanOrEqualTo(3);
			assertThat(work.queue().snapshot().inFlight()).isEqualTo(work.running().size());
			work.finish(work.running().get(0));
		}
		assertThat(work.started()).hasSize(20);
		work.assertAllCompleted();
	}

}
