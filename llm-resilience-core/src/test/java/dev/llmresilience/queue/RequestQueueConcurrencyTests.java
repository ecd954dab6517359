package dev.llmresilience.queue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.llmresilience.LlmPriority;
import dev.llmresilience.deadline.Deadline;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for a {@link RequestQueue} whose permits are taken and freed on many threads at
 * once: every request is served, the limit holds, and no permit is lost.
 */
class RequestQueueConcurrencyTests {

	private static final int REQUESTS = 4000;

	private static final int MAX_CONCURRENT = 4;

	@Test
	void permitsFreedOnManyThreadsServeEveryWaiterWithinTheLimit() {
		RequestQueue queue = new RequestQueue(REQUESTS, Map.of(), MAX_CONCURRENT, Duration.ZERO);
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostRunning = new AtomicInteger();
		List<Integer> served = Flux.range(0, REQUESTS)
			.parallel(4)
			.runOn(Schedulers.parallel())
			.flatMap((i) -> queue.submit(LlmPriority.NORMAL, Deadline.none(), () -> Mono.fromCallable(() -> {
				mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
				return i;
			}).doOnTerminate(running::decrementAndGet).subscribeOn(Schedulers.parallel())))
			.sequential()
			.collectList()
			.block(Duration.ofSeconds(30));
		assertThat(served).hasSize(REQUESTS)
			.containsExactlyInAnyOrderElementsOf(IntStream.range(0, REQUESTS).boxed().toList());
		assertThat(mostRunning.get()).isBetween(1, MAX_CONCURRENT);
		QueueSnapshot snapshot = queue.snapshot();
		assertThat(snapshot.inFlight()).isZero();
		assertThat(snapshot.waiting()).isZero();
		assertThat(snapshot.admitted()).isEqualTo(REQUESTS);
	}

}
