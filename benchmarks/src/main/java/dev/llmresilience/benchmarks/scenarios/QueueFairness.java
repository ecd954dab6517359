package dev.llmresilience.benchmarks.scenarios;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmresilience.LlmPriority;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.queue.RequestQueue;
import org.HdrHistogram.Histogram;
import reactor.core.publisher.Mono;

/**
 * Saturates a {@link RequestQueue}: requests of every priority arrive at twice the rate
 * the permits can serve, for a while, then the backlog drains. Records, per priority, how
 * many were served while the overload lasted and how long each waited for its permit.
 */
final class QueueFairness {

	private static final int MAX_CONCURRENT = 2;

	private static final Duration SERVICE_TIME = Duration.ofMillis(2);

	/**
	 * One request of each priority per tick: 4 per 2 ms, twice what 2 permits of 2 ms
	 * serve.
	 */
	private static final Duration TICK = Duration.ofMillis(2);

	private final Duration overload;

	QueueFairness(Duration overload) {
		this.overload = overload;
	}

	Map<LlmPriority, Served> run(Duration aging) {
		RequestQueue queue = new RequestQueue(1_000_000, Map.of(), MAX_CONCURRENT, aging);
		Queue<Dispatch> dispatches = new ConcurrentLinkedQueue<>();
		long ticks = this.overload.toNanos() / TICK.toNanos();
		int total = (int) ticks * LlmPriority.values().length;
		CountDownLatch ended = new CountDownLatch(total);
		AtomicInteger tick = new AtomicInteger();
		long start = System.nanoTime();
		long overloadEnd = start + this.overload.toNanos();
		ScheduledExecutorService arrivals = Executors.newSingleThreadScheduledExecutor();
		arrivals.scheduleAtFixedRate(() -> {
			if (tick.getAndIncrement() >= ticks) {
				return;
			}
			for (LlmPriority priority : LlmPriority.values()) {
				long arrived = System.nanoTime();
				queue.submit(priority, Deadline.none(), () -> {
					dispatches.add(new Dispatch(priority, arrived, System.nanoTime()));
					return Mono.delay(SERVICE_TIME);
				}).subscribe(null, (ex) -> ended.countDown(), ended::countDown);
			}
		}, 0, TICK.toNanos(), TimeUnit.NANOSECONDS);
		try {
			ended.await(this.overload.multipliedBy(4).plusSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			arrivals.shutdownNow();
		}
		Map<LlmPriority, Served> served = new EnumMap<>(LlmPriority.class);
		for (LlmPriority priority : LlmPriority.values()) {
			served.put(priority, new Served());
		}
		for (Dispatch dispatch : dispatches) {
			served.get(dispatch.priority()).add(dispatch, overloadEnd);
		}
		return served;
	}

	/**
	 * One request's arrival and dispatch.
	 */
	private record Dispatch(LlmPriority priority, long arrivedNanos, long dispatchedNanos) {

	}

	/**
	 * The requests of one priority that were served.
	 */
	static final class Served {

		private final Histogram waitNanos = new Histogram(3);

		private int duringOverload;

		void add(Dispatch dispatch, long overloadEnd) {
			this.waitNanos.recordValue(Math.max(0, dispatch.dispatchedNanos() - dispatch.arrivedNanos()));
			if (dispatch.dispatchedNanos() < overloadEnd) {
				this.duringOverload++;
			}
		}

		long count() {
			return this.waitNanos.getTotalCount();
		}

		int duringOverload() {
			return this.duringOverload;
		}

		double waitMillis(double percentile) {
			return this.waitNanos.getValueAtPercentile(percentile) / 1e6;
		}

		double meanWaitMillis() {
			return this.waitNanos.getMean() / 1e6;
		}

		double maxWaitMillis() {
			return this.waitNanos.getMaxValue() / 1e6;
		}

	}

}
