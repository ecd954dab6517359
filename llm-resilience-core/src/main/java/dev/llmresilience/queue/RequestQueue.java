package dev.llmresilience.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import dev.llmresilience.LlmPriority;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.error.LlmQueueFullException;
import dev.llmresilience.error.LlmShutdownException;
import dev.llmresilience.error.LlmTimeoutException;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

import org.springframework.util.Assert;

/**
 * Admits requests under a concurrency limit, by priority: the waiting request with the
 * highest priority goes first, requests of one priority in arrival order. With aging, a
 * request waits at most its priority's distance from {@link LlmPriority#CRITICAL} times
 * the aging interval behind later arrivals of higher priority, so that low priority is
 * never starved: each waiting request is ordered by its arrival time plus that distance,
 * a key fixed at arrival, which keeps enqueue and dequeue O(log n) on a binary heap.
 * <p>
 * Waiting holds no thread: a waiting request is a subscription not yet given its work. A
 * full queue refuses at once; a request whose deadline passes while it waits, or whose
 * subscriber cancels, leaves the queue. On {@link #shutdown(Duration)} waiting requests
 * end with an {@link LlmShutdownException}, running ones get a grace period and are then
 * ended the same way. Every admitted request ends exactly once.
 */
public final class RequestQueue {

	private final int capacity;

	private final Map<LlmPriority, Integer> priorityCapacity;

	private final int maxConcurrent;

	private final long agingMillis;

	private final PriorityQueue<Queued<?>> heap;

	private final Map<LlmPriority, Integer> depth = new EnumMap<>(LlmPriority.class);

	/**
	 * The requests whose work runs, which the end of a shutdown grace cuts off. Each
	 * registers itself while it runs, rather than subscribing to a shared signal, whose
	 * subscribers Reactor keeps in an array copied on every subscription and on every
	 * end: with hundreds of requests in flight, that copy was paid by each of them.
	 */
	private final Set<Queued<?>> running = ConcurrentHashMap.newKeySet();

	/** Whether work is cut off as it starts: a shutdown's grace has ended. */
	private volatile boolean cut;

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
		Comparator<Queued<?>> order = (this.agingMillis > 0)
				? Comparator.comparingLong((Queued<?> request) -> request.key)
				: Comparator.comparingInt((Queued<?> request) -> request.priority.ordinal());
		this.heap = new PriorityQueue<>(order.thenComparingLong((request) -> request.sequence));
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
		return new Flux<>() {

			@Override
			public void subscribe(CoreSubscriber<? super T> actual) {
				long now = Schedulers.parallel().now(TimeUnit.MILLISECONDS);
				// serialized: a shutdown may cut the work off as it delivers
				CoreSubscriber<T> serialized = Operators.serialize(actual);
				Queued<T> request = new Queued<>(serialized, work, priority,
						now + priority.ordinal() * RequestQueue.this.agingMillis, now);
				serialized.onSubscribe(request);
				enqueue(deadline, request);
			}

		};
	}

	private void enqueue(Deadline deadline, Queued<?> request) {
		if (!request.enter()) {
			// cancelled as it subscribed
			return;
		}
		LlmPriority priority = request.priority;
		RuntimeException refusal = null;
		boolean admitNow = false;
		boolean queued = false;
		synchronized (this) {
			if (this.closed) {
				refusal = new LlmShutdownException("The application is shutting down; the request was not admitted");
			}
			else if (this.inFlight < this.maxConcurrent && this.waiting == 0) {
				admitNow = request.grant();
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
			else if (!request.hasLeft()) {
				request.sequence = this.sequence++;
				request.inHeap = true;
				this.heap.add(request);
				this.waiting++;
				this.depth.merge(priority, 1, Integer::sum);
				queued = true;
			}
		}
		if (queued && deadline.isSet()) {
			// the queue expires its own waiters: expiry and admission then exclude each
			// other, where a timeout operator could drop a permit granted as the deadline
			// passes
			request.expiry(Schedulers.parallel()
				.schedule(() -> expire(request, deadline), deadline.remaining().toMillis(), TimeUnit.MILLISECONDS));
		}
		if (refusal != null) {
			this.refused.incrementAndGet();
			request.refused(refusal);
		}
		else if (admitNow) {
			this.waits.record(0);
			request.admitted();
		}
	}

	/**
	 * Count out a request that left the queue before its turn, if it was in the heap.
	 */
	private void left(Queued<?> request) {
		synchronized (this) {
			if (!request.inHeap) {
				return;
			}
			this.waiting--;
			this.depth.merge(request.priority, -1, Integer::sum);
			// requests that left stay in the heap until polled; purge them if they pile
			// up
			if (this.heap.size() > 2 * Math.max(this.capacity, 16)) {
				this.heap.removeIf(Queued::hasLeft);
			}
		}
	}

	private void expire(Queued<?> request, Deadline deadline) {
		if (request.leave()) {
			left(request);
			request.refused(LlmTimeoutException.deadline(deadline.timeout()));
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
			List<Queued<?>> admitted = new ArrayList<>();
			Sinks.Empty<Void> drained = null;
			synchronized (this) {
				while (!this.closed && this.inFlight < this.maxConcurrent && !this.heap.isEmpty()) {
					Queued<?> request = this.heap.poll();
					if (request.grant()) {
						this.waiting--;
						this.depth.merge(request.priority, -1, Integer::sum);
						this.inFlight++;
						admitted.add(request);
					}
				}
				if (this.closed && this.inFlight == 0) {
					drained = this.drained;
				}
			}
			long now = Schedulers.parallel().now(TimeUnit.MILLISECONDS);
			for (Queued<?> request : admitted) {
				this.waits.record(now - request.arrivedMillis);
				request.admitted();
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
		List<Queued<?>> waiters = new ArrayList<>();
		boolean idle;
		Sinks.Empty<Void> drained;
		synchronized (this) {
			drained = this.drained;
			this.closed = true;
			while (!this.heap.isEmpty()) {
				Queued<?> request = this.heap.poll();
				// counted out below, whether it still waited or had left
				request.inHeap = false;
				if (request.reject()) {
					waiters.add(request);
				}
			}
			this.waiting = 0;
			this.depth.replaceAll((priority, count) -> 0);
			idle = this.inFlight == 0;
		}
		waiters.forEach((request) -> request
			.refused(new LlmShutdownException("The application shut down while the request waited in the queue")));
		if (idle) {
			drained.tryEmitEmpty();
		}
		return drained.asMono().timeout(grace, Mono.defer(() -> {
			// work that had not ended by then ends with an LlmShutdownException
			this.cut = true;
			this.running.forEach(Queued::cutOff);
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
		this.cut = false;
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
	 * One request, from its subscription to the end of its work: it waits in the heap for
	 * a permit, holds the permit while its work runs, and gives it back when the work
	 * ends, errs, is cancelled or is cut off, whichever comes first. Its state moves from
	 * new to waiting, then to granted, cancelled or rejected, and from granted to
	 * released: the permit is released once. One object of its own rather than a sink, a
	 * resource operator and the work's subscriber apart, since every request passes
	 * through it.
	 *
	 * @param <T> the element type
	 */
	private final class Queued<T> extends Operators.DeferredSubscription implements CoreSubscriber<T> {

		private static final int NEW = 0;

		private static final int WAITING = 1;

		private static final int GRANTED = 2;

		private static final int CANCELLED = 3;

		private static final int REJECTED = 4;

		private static final int RELEASED = 5;

		@SuppressWarnings("rawtypes")
		private static final AtomicIntegerFieldUpdater<Queued> STATE = AtomicIntegerFieldUpdater
			.newUpdater(Queued.class, "state");

		@SuppressWarnings("rawtypes")
		private static final AtomicReferenceFieldUpdater<Queued, Disposable> EXPIRY = AtomicReferenceFieldUpdater
			.newUpdater(Queued.class, Disposable.class, "expiry");

		private static final Disposable NO_EXPIRY = Disposables.disposed();

		private final CoreSubscriber<? super T> actual;

		private final Supplier<? extends Publisher<T>> work;

		private final LlmPriority priority;

		private final long key;

		private final long arrivedMillis;

		/** Guarded by the queue's lock. */
		private long sequence;

		/** Guarded by the queue's lock: whether it was counted in as waiting. */
		private boolean inHeap;

		private volatile int state;

		private volatile Disposable expiry;

		Queued(CoreSubscriber<? super T> actual, Supplier<? extends Publisher<T>> work, LlmPriority priority, long key,
				long arrivedMillis) {
			this.actual = actual;
			this.work = work;
			this.priority = priority;
			this.key = key;
			this.arrivedMillis = arrivedMillis;
		}

		boolean enter() {
			return STATE.compareAndSet(this, NEW, WAITING);
		}

		boolean grant() {
			return STATE.compareAndSet(this, WAITING, GRANTED);
		}

		boolean reject() {
			return STATE.compareAndSet(this, WAITING, REJECTED);
		}

		/**
		 * Leave the queue if the request still waits.
		 * @return whether it waited
		 */
		boolean leave() {
			return STATE.compareAndSet(this, WAITING, CANCELLED);
		}

		boolean hasLeft() {
			return this.state == CANCELLED;
		}

		void expiry(Disposable task) {
			if (!EXPIRY.compareAndSet(this, null, task) || this.state != WAITING) {
				task.dispose();
			}
		}

		private void noExpiry() {
			Disposable task = EXPIRY.getAndSet(this, NO_EXPIRY);
			if (task != null) {
				task.dispose();
			}
		}

		/**
		 * The permit is granted: run the work.
		 */
		void admitted() {
			noExpiry();
			if (this.state != GRANTED) {
				// cancelled as it was granted: the cancel released the permit
				return;
			}
			Publisher<T> work;
			try {
				work = Objects.requireNonNull(this.work.get(), "The work must not be null");
			}
			catch (RuntimeException ex) {
				if (end()) {
					this.actual.onError(ex);
				}
				return;
			}
			Operators.toFluxOrMono(work).subscribe(this);
		}

		/**
		 * The request never ran.
		 */
		void refused(Throwable error) {
			noExpiry();
			this.actual.onError(error);
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			// registered before the work may run, and end, on the first request
			RequestQueue.this.running.add(this);
			if (this.state != GRANTED) {
				// ended before its work subscribed
				RequestQueue.this.running.remove(this);
				subscription.cancel();
			}
			else if (set(subscription) && RequestQueue.this.cut) {
				cutOff();
			}
		}

		@Override
		public void onNext(T element) {
			if (this.state == GRANTED) {
				this.actual.onNext(element);
			}
			else {
				Operators.onDiscard(element, this.actual.currentContext());
			}
		}

		@Override
		public void onError(Throwable error) {
			if (end()) {
				this.actual.onError(error);
			}
			else {
				Operators.onErrorDropped(error, this.actual.currentContext());
			}
		}

		@Override
		public void onComplete() {
			if (end()) {
				this.actual.onComplete();
			}
		}

		@Override
		public void cancel() {
			super.cancel();
			if (STATE.compareAndSet(this, NEW, CANCELLED)) {
				// cancelled as it subscribed: never entered the queue
				return;
			}
			if (leave()) {
				noExpiry();
				left(this);
			}
			else {
				// granted as the subscriber went away, or running: the permit goes back
				end();
			}
		}

		/**
		 * The grace of a shutdown has ended: the work is cancelled and the request ends
		 * with an {@link LlmShutdownException}, its elements so far delivered.
		 */
		void cutOff() {
			if (end()) {
				super.cancel();
				this.actual.onError(new LlmShutdownException("The application shut down before the request ended"));
			}
		}

		/**
		 * End the work and release its permit, if neither happened yet.
		 */
		private boolean end() {
			if (STATE.compareAndSet(this, GRANTED, RELEASED)) {
				RequestQueue.this.running.remove(this);
				RequestQueue.this.release();
				return true;
			}
			return false;
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
