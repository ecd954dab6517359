package dev.llmresilience.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import dev.llmresilience.LlmPriority;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.error.LlmQueueFullException;
import dev.llmresilience.error.LlmShutdownException;
import dev.llmresilience.error.LlmTimeoutException;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.util.Assert;

/**
 * Admits requests under a concurrency limit, by priority: the waiting request with the
 * highest priority goes first, requests of one priority in arrival order. With aging, a
 * request waits at most its priority's distance from {@link LlmPriority#CRITICAL} times
 * the aging interval behind later arrivals of higher priority, so that low priority is
 * never starved: each waiting request is ordered by its arrival time plus that distance,
 * a key fixed at arrival, which keeps enqueue and dequeue O(log n) on a binary heap.
 * <p>
 * Waiting holds no thread: a waiting request is a pending {@link Mono}. A full queue
 * refuses at once; a request whose deadline passes while it waits, or whose subscriber
 * cancels, leaves the queue. On {@link #shutdown(Duration)} waiting requests end with an
 * {@link LlmShutdownException}, running ones get a grace period and are then ended the
 * same way. Every admitted request ends exactly once.
 */
public final class RequestQueue {

	private final int capacity;

	private final Map<LlmPriority, Integer> priorityCapacity;

	private final int maxConcurrent;

	private final long agingMillis;

	private final PriorityQueue<Waiter> heap;

	private final Map<LlmPriority, Integer> depth = new EnumMap<>(LlmPriority.class);

	private final RunningWork running = new RunningWork(
			() -> new LlmShutdownException("The application shut down before the request ended"));

	private Sinks.Empty<Void> drained = Sinks.empty();

	private final WaitStatistics waits = new WaitStatistics();

	private final AtomicInteger refused = new AtomicInteger();

	private final AtomicInteger admitting = new AtomicInteger();

	private int waiting;

	private int inFlight;

	private long sequence;

	private boolean closed;

	/**
	 * Create a new instance.
	 * @param capacity the most requests that may wait
	 * @param priorityCapacity the most requests of a priority that may wait, for the
	 * priorities that have a share of their own
	 * @param maxConcurrent the most requests served at once
	 * @param aging the aging interval, or {@code Duration.ZERO} for strict priority
	 */
	public RequestQueue(int capacity, Map<LlmPriority, Integer> priorityCapacity, int maxConcurrent, Duration aging) {
		Assert.isTrue(capacity >= 0, "capacity must not be negative");
		Assert.isTrue(maxConcurrent > 0, "maxConcurrent must be positive");
		Assert.isTrue(!aging.isNegative(), "aging must not be negative");
		this.capacity = capacity;
		this.priorityCapacity = Map.copyOf(priorityCapacity);
		this.maxConcurrent = maxConcurrent;
		this.agingMillis = aging.toMillis();
		Comparator<Waiter> order = (this.agingMillis > 0) ? Comparator.comparingLong((Waiter waiter) -> waiter.key)
				: Comparator.comparingInt((Waiter waiter) -> waiter.priority.ordinal());
		this.heap = new PriorityQueue<>(order.thenComparingLong((waiter) -> waiter.sequence));
		for (LlmPriority priority : LlmPriority.values()) {
			this.depth.put(priority, 0);
		}
	}

	/**
	 * Run work once the queue admits it, and hold its permit until the work ends, errs or
	 * is cancelled.
	 * @param <T> the element type
	 * @param priority the request's priority
	 * @param deadline when the request must have ended; waiting counts
	 * @param work the work, created once admitted
	 * @return the work's elements, or an {@link LlmQueueFullException},
	 * {@link LlmShutdownException} or {@link LlmTimeoutException} (phase
	 * {@code DEADLINE}) if it never ran
	 */
	public <T> Flux<T> submit(LlmPriority priority, Deadline deadline, Supplier<? extends Publisher<T>> work) {
		return Flux.usingWhen(admission(priority, deadline), (permit) -> this.running.track(Flux.<T>from(work.get())),
				(permit) -> Mono.fromRunnable(permit::release), (permit, error) -> Mono.fromRunnable(permit::release),
				(permit) -> Mono.fromRunnable(permit::release));
	}

	private Mono<Permit> admission(LlmPriority priority, Deadline deadline) {
		return Mono.create((sink) -> enqueue(priority, deadline, sink));
	}

	private void enqueue(LlmPriority priority, Deadline deadline, MonoSink<Permit> sink) {
		long now = Schedulers.parallel().now(TimeUnit.MILLISECONDS);
		Waiter waiter = new Waiter(priority, now + priority.ordinal() * this.agingMillis, now, sink);
		sink.onCancel(() -> cancel(waiter));
		RuntimeException refusal = null;
		boolean admitNow = false;
		boolean queued = false;
		synchronized (this) {
			if (this.closed) {
				refusal = new LlmShutdownException("The application is shutting down; the request was not admitted");
			}
			else if (this.inFlight < this.maxConcurrent && this.waiting == 0) {
				admitNow = waiter.grant();
				if (admitNow) {
					this.inFlight++;
				}
			}
			else if (this.waiting >= this.capacity) {
				refusal = new LlmQueueFullException(priority, this.capacity);
			}
			else if (this.depth.get(priority) >= this.priorityCapacity.getOrDefault(priority, Integer.MAX_VALUE)) {
				refusal = new LlmQueueFullException(priority, this.priorityCapacity.get(priority));
			}
			else {
				waiter.sequence = this.sequence++;
				this.heap.add(waiter);
				this.waiting++;
				this.depth.merge(priority, 1, Integer::sum);
				queued = true;
			}
		}
		if (queued && deadline.isSet()) {
			// the queue expires its own waiters: expiry and admission then exclude each
			// other,
			// where a timeout operator could drop a permit granted as the deadline passes
			sink.onDispose(Schedulers.parallel()
				.schedule(() -> expire(waiter, deadline), deadline.remaining().toMillis(), TimeUnit.MILLISECONDS));
		}
		if (refusal != null) {
			this.refused.incrementAndGet();
			sink.error(refusal);
		}
		else if (admitNow) {
			this.waits.record(0);
			sink.success(waiter.permit);
		}
	}

	private void cancel(Waiter waiter) {
		int previous = waiter.cancel();
		if (previous == Waiter.WAITING) {
			synchronized (this) {
				this.waiting--;
				this.depth.merge(waiter.priority, -1, Integer::sum);
				// cancelled waiters stay in the heap until polled; purge them if they
				// pile up
				if (this.heap.size() > 2 * Math.max(this.capacity, 16)) {
					this.heap.removeIf(Waiter::isCancelled);
				}
			}
		}
		else if (previous == Waiter.GRANTED) {
			// granted as the subscriber went away: the permit would be lost otherwise
			waiter.permit.release();
		}
	}

	private void expire(Waiter waiter, Deadline deadline) {
		if (waiter.cancel() == Waiter.WAITING) {
			synchronized (this) {
				this.waiting--;
				this.depth.merge(waiter.priority, -1, Integer::sum);
			}
			waiter.sink.error(LlmTimeoutException.deadline(deadline.timeout()));
		}
	}

	private void release() {
		boolean nothingToDo;
		synchronized (this) {
			this.inFlight--;
			// with no waiter and no shutdown, the freed permit has no one to go to
			nothingToDo = this.heap.isEmpty() && !this.closed;
		}
		if (!nothingToDo) {
			admitWaiting();
		}
	}

	/**
	 * Give the free permits to waiting requests. The work of an admitted request may end
	 * at once and free its permit from within this method: that release only counts here,
	 * and the thread already admitting goes round again, so that a run of requests ending
	 * at once is served in a loop rather than by nested calls that overflow the stack.
	 */
	private void admitWaiting() {
		if (this.admitting.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			List<Waiter> admitted = new ArrayList<>();
			Sinks.Empty<Void> drained = null;
			synchronized (this) {
				while (!this.closed && this.inFlight < this.maxConcurrent && !this.heap.isEmpty()) {
					Waiter waiter = this.heap.poll();
					if (waiter.grant()) {
						this.waiting--;
						this.depth.merge(waiter.priority, -1, Integer::sum);
						this.inFlight++;
						admitted.add(waiter);
					}
				}
				if (this.closed && this.inFlight == 0) {
					drained = this.drained;
				}
			}
			long now = Schedulers.parallel().now(TimeUnit.MILLISECONDS);
			for (Waiter waiter : admitted) {
				this.waits.record(now - waiter.arrivedMillis);
				waiter.sink.success(waiter.permit);
			}
			if (drained != null) {
				drained.tryEmitEmpty();
			}
			missed = this.admitting.addAndGet(-missed);
		}
		while (missed != 0);
	}

	/**
	 * Stop admitting: refuse new requests, end the waiting ones, and give the running
	 * ones the grace period to end before they are ended with an
	 * {@link LlmShutdownException}.
	 * @param grace how long running requests may still take
	 * @return completes when no request runs any more
	 */
	public Mono<Void> shutdown(Duration grace) {
		List<Waiter> waiters = new ArrayList<>();
		boolean idle;
		Sinks.Empty<Void> drained;
		synchronized (this) {
			drained = this.drained;
			this.closed = true;
			while (!this.heap.isEmpty()) {
				Waiter waiter = this.heap.poll();
				if (waiter.reject()) {
					waiters.add(waiter);
				}
			}
			this.waiting = 0;
			this.depth.replaceAll((priority, count) -> 0);
			idle = this.inFlight == 0;
		}
		waiters.forEach((waiter) -> waiter.sink
			.error(new LlmShutdownException("The application shut down while the request waited in the queue")));
		if (idle) {
			drained.tryEmitEmpty();
		}
		return drained.asMono().timeout(grace, Mono.defer(() -> {
			// work that had not ended by then ends with an LlmShutdownException
			this.running.cutOff();
			return drained.asMono();
		}));
	}

	/**
	 * Admit requests again after a {@link #shutdown(Duration) shutdown} has completed, as
	 * when a stopped application context is started again. Does nothing while the queue
	 * admits requests.
	 */
	public void reopen() {
		synchronized (this) {
			if (!this.closed) {
				return;
			}
			this.closed = false;
			this.drained = Sinks.empty();
		}
		this.running.resume();
	}

	/**
	 * Return what the queue holds now.
	 * @return the snapshot
	 */
	public synchronized QueueSnapshot snapshot() {
		return new QueueSnapshot(this.capacity, this.maxConcurrent, this.inFlight, Map.copyOf(this.depth),
				this.waits.count(), this.waits.total(), this.waits.average(), this.waits.max(), this.refused.get(),
				this.closed);
	}

	/**
	 * A request waiting for a permit. Its state moves once, from waiting to granted,
	 * cancelled or rejected, whichever comes first.
	 */
	private final class Waiter {

		private static final int WAITING = 0;

		private static final int GRANTED = 1;

		private static final int CANCELLED = 2;

		private static final int REJECTED = 3;

		private final LlmPriority priority;

		private final long key;

		private final long arrivedMillis;

		private final MonoSink<Permit> sink;

		private final Permit permit = new Permit();

		private final AtomicInteger state = new AtomicInteger(WAITING);

		private long sequence;

		Waiter(LlmPriority priority, long key, long arrivedMillis, MonoSink<Permit> sink) {
			this.priority = priority;
			this.key = key;
			this.arrivedMillis = arrivedMillis;
			this.sink = sink;
		}

		boolean grant() {
			return this.state.compareAndSet(WAITING, GRANTED);
		}

		/**
		 * Cancel the waiter if it still waits.
		 * @return the state it was in
		 */
		int cancel() {
			return this.state.compareAndExchange(WAITING, CANCELLED);
		}

		boolean reject() {
			return this.state.compareAndSet(WAITING, REJECTED);
		}

		boolean isCancelled() {
			return this.state.get() == CANCELLED;
		}

	}

	/**
	 * The right to run one request; released once, whoever releases it first.
	 */
	private final class Permit {

		private final AtomicBoolean released = new AtomicBoolean();

		void release() {
			if (this.released.compareAndSet(false, true)) {
				RequestQueue.this.release();
			}
		}

	}

	/**
	 * Times requests waited for their permit, counted without a lock: every admission
	 * records one, on whichever thread admits it. The figures are read one by one, so a
	 * snapshot taken while requests are admitted may count a wait in one and not yet in
	 * another.
	 */
	private static final class WaitStatistics {

		private final LongAdder count = new LongAdder();

		private final LongAdder totalMillis = new LongAdder();

		private final AtomicLong maxMillis = new AtomicLong();

		void record(long millis) {
			this.count.increment();
			if (millis > 0) {
				this.totalMillis.add(millis);
				if (millis > this.maxMillis.get()) {
					this.maxMillis.accumulateAndGet(millis, Math::max);
				}
			}
		}

		long count() {
			return this.count.sum();
		}

		Duration total() {
			return Duration.ofMillis(this.totalMillis.sum());
		}

		Duration average() {
			long count = this.count.sum();
			return Duration.ofMillis((count > 0) ? this.totalMillis.sum() / count : 0);
		}

		Duration max() {
			return Duration.ofMillis(this.maxMillis.get());
		}

	}

}
