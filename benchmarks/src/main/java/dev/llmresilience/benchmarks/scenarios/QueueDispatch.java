package dev.llmresilience.benchmarks.scenarios;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

import dev.llmresilience.LlmPriority;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.queue.RequestQueue;
import org.HdrHistogram.Histogram;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Measures the {@link RequestQueue} itself: fills it with requests of mixed priorities
 * behind a single permit held by a gate, times each enqueue, then opens the gate and
 * times the queue's dispatch of every waiting request, one after the other. A baseline
 * runs the same work as the same chain without the queue, so that the difference is what
 * the queue adds.
 */
final class QueueDispatch {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final int requests;

	QueueDispatch(int requests) {
		this.requests = requests;
	}

	/**
	 * Queue the requests and dispatch them.
	 * @param work the work of request {@code i}
	 * @return the timings
	 */
	Result throughQueue(IntFunction<Mono<Integer>> work) {
		RequestQueue queue = new RequestQueue(this.requests, Map.of(), 1, Duration.ofSeconds(10));
		Sinks.Empty<Void> gate = Sinks.empty();
		queue.submit(LlmPriority.CRITICAL, Deadline.none(), gate::asMono).subscribe();
		LlmPriority[] priorities = LlmPriority.values();
		long[] dispatchedAt = new long[this.requests];
		CountDownLatch ended = new CountDownLatch(this.requests);
		AtomicReference<Throwable> error = new AtomicReference<>();
		Histogram enqueue = new Histogram(3);
		for (int i = 0; i < this.requests; i++) {
			int index = i;
			long start = System.nanoTime();
			queue.submit(priorities[i % priorities.length], Deadline.none(), () -> {
				dispatchedAt[index] = System.nanoTime();
				return work.apply(index);
			}).subscribe(null, (ex) -> {
				error.compareAndSet(null, ex);
				ended.countDown();
			}, ended::countDown);
			enqueue.recordValue(System.nanoTime() - start);
		}
		int waiting = queue.snapshot().waiting();
		long opened = System.nanoTime();
		try {
			gate.tryEmitEmpty();
		}
		catch (Throwable ex) {
			// a JVM error (a stack overflow) escapes Reactor: report it instead of dying
			error.compareAndSet(null, ex);
		}
		boolean all = await(ended);
		long last = 0;
		int dispatched = 0;
		for (long at : dispatchedAt) {
			if (at != 0) {
				dispatched++;
				last = Math.max(last, at);
			}
		}
		return new Result(waiting, enqueue, dispatched, (dispatched > 0) ? last - opened : 0, all, error.get());
	}

	/**
	 * Run the same work as a chain, each item started when the previous one ended,
	 * without a queue.
	 * @param work the work of item {@code i}
	 * @return nanoseconds per item
	 */
	double baselineNanosPerItem(IntFunction<Mono<Integer>> work) {
		CountDownLatch ended = new CountDownLatch(1);
		long start = System.nanoTime();
		new Chain(work, this.requests, ended).next(0);
		await(ended);
		return (double) (System.nanoTime() - start) / this.requests;
	}

	private static boolean await(CountDownLatch latch) {
		try {
			return latch.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Runs item after item, starting each from the end of the previous.
	 */
	private static final class Chain {

		private final IntFunction<Mono<Integer>> work;

		private final int items;

		private final CountDownLatch ended;

		Chain(IntFunction<Mono<Integer>> work, int items, CountDownLatch ended) {
			this.work = work;
			this.items = items;
			this.ended = ended;
		}

		void next(int index) {
			if (index == this.items) {
				this.ended.countDown();
				return;
			}
			this.work.apply(index).subscribe(null, (ex) -> next(index + 1), () -> next(index + 1));
		}

	}

	/**
	 * The timings of one fill and drain.
	 *
	 * @param waiting requests waiting when the gate opened
	 * @param enqueueNanos the time of each submit and subscribe
	 * @param dispatched requests whose work started
	 * @param drainNanos from opening the gate to the last dispatch
	 * @param allEnded whether every request ended within the time limit
	 * @param error the first error, or {@code null}
	 */
	record Result(int waiting, Histogram enqueueNanos, int dispatched, long drainNanos, boolean allEnded,
			Throwable error) {

		double dispatchNanosPerRequest() {
			return (this.dispatched > 0) ? (double) this.drainNanos / this.dispatched : 0;
		}

	}

}
