package dev.llmresilience.deadline;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

import org.springframework.lang.Nullable;

/**
 * Fails a sequence whose first element does not come within one limit, or whose next
 * element does not come within another after the one before, as Reactor's
 * {@code timeout(firstTimeout, nextTimeoutFactory)} does, with one timer per subscription
 * instead of one per element: an element only moves the deadline forward, and the timer,
 * when it fires, sets itself again for the time left. A stream of many small events then
 * schedules nothing while they flow. The timer of the first limit, and of the idle limit
 * after the first element, is one of a {@link TimerQueue} shared by every subscription
 * with that limit, so that a call answered in time schedules no task of its own; only a
 * timer set again for the time left is a task of its own. Timers run on
 * {@link Schedulers#parallel()}, and read its clock, so that virtual time drives them in
 * tests.
 * <p>
 * A sequence whose terminal element is known (the last event of a streamed answer) may
 * also be given a grace limit: after that element, the rest of the sequence (the end of a
 * response body) must come within it, and whatever comes instead is dropped. When the
 * grace passes, or an error comes, the sequence is cancelled and completes all the same:
 * its answer is whole. Reading a body to its end, rather than cancelling it at the
 * terminal event, lets the connection go back to its pool instead of being closed.
 *
 * @param <T> the element type
 */
public final class IdleTimeoutOperator<T> implements UnaryOperator<Flux<T>> {

	private final long firstNanos;

	private final long idleNanos;

	private final Function<Boolean, Throwable> error;

	private final Supplier<Scheduler> scheduler;

	@Nullable
	private final Predicate<? super T> terminal;

	private final long graceNanos;

	private IdleTimeoutOperator(Duration first, Duration idle, Function<Boolean, Throwable> error,
			Supplier<Scheduler> scheduler, @Nullable Predicate<? super T> terminal, Duration grace) {
		this.firstNanos = first.toNanos();
		this.idleNanos = idle.toNanos();
		this.error = error;
		this.scheduler = scheduler;
		this.terminal = terminal;
		this.graceNanos = grace.toNanos();
	}

	/**
	 * Create an operator.
	 * @param <T> the element type
	 * @param first the limit for the first element, from the subscription
	 * @param idle the limit for each later element, from the one before
	 * @param error creates the error of a sequence that timed out, given whether an
	 * element had come
	 * @return the operator
	 */
	public static <T> IdleTimeoutOperator<T> of(Duration first, Duration idle, Function<Boolean, Throwable> error) {
		return new IdleTimeoutOperator<>(first, idle, error, Schedulers::parallel, null, Duration.ZERO);
	}

	/**
	 * Create an operator for a sequence with a terminal element, after which the rest of
	 * the sequence must come within a grace limit.
	 * @param <T> the element type
	 * @param first the limit for the first element, from the subscription
	 * @param idle the limit for each later element, from the one before
	 * @param error creates the error of a sequence that timed out, given whether an
	 * element had come
	 * @param terminal which element is the terminal one
	 * @param grace the limit for the end of the sequence, from the terminal element
	 * @return the operator
	 */
	public static <T> IdleTimeoutOperator<T> of(Duration first, Duration idle, Function<Boolean, Throwable> error,
			Predicate<? super T> terminal, Duration grace) {
		return new IdleTimeoutOperator<>(first, idle, error, Schedulers::parallel, terminal, grace);
	}

	/**
	 * Create an operator whose timers run on another scheduler, for tests.
	 * @param <T> the element type
	 * @param first the limit for the first element, from the subscription
	 * @param idle the limit for each later element, from the one before
	 * @param error creates the error of a sequence that timed out
	 * @param scheduler gives the scheduler of each subscription's timer
	 * @return the operator
	 */
	static <T> IdleTimeoutOperator<T> of(Duration first, Duration idle, Function<Boolean, Throwable> error,
			Supplier<Scheduler> scheduler) {
		return new IdleTimeoutOperator<>(first, idle, error, scheduler, null, Duration.ZERO);
	}

	/**
	 * Fail a {@link Mono} whose element does not come within a limit, as Reactor's
	 * {@code timeout(Duration)} does, without the description of the operator chain that
	 * Reactor's builds for its error on every subscription.
	 * @param <T> the element type
	 * @param source the Mono
	 * @param limit the limit, from the subscription
	 * @param error creates the error of a Mono that timed out
	 * @return the Mono with its limit
	 */
	public static <T> Mono<T> within(Mono<T> source, Duration limit, Supplier<Throwable> error) {
		IdleTimeoutOperator<T> limits = new IdleTimeoutOperator<>(limit, limit, (started) -> error.get(),
				Schedulers::parallel, null, Duration.ZERO);
		return new Mono<>() {

			@Override
			public void subscribe(CoreSubscriber<? super T> actual) {
				source.subscribe(
						new IdleTimeoutSubscriber<>(Operators.serialize(actual), limits.scheduler.get(), limits));
			}

		};
	}

	@Override
	public Flux<T> apply(Flux<T> upstream) {
		return new Flux<>() {

			@Override
			public void subscribe(CoreSubscriber<? super T> actual) {
				upstream.subscribe(new IdleTimeoutSubscriber<>(Operators.serialize(actual),
						IdleTimeoutOperator.this.scheduler.get(), IdleTimeoutOperator.this));
			}

		};
	}

	/**
	 * Passes the elements on, moving the deadline, and ends the sequence when the timer
	 * finds it passed. The subscriber downstream is serialized, since the timer's error
	 * may come while an element is on its way.
	 */
	private static final class IdleTimeoutSubscriber<T> extends AtomicBoolean
			implements CoreSubscriber<T>, Subscription, Runnable {

		private final CoreSubscriber<? super T> actual;

		private final Scheduler scheduler;

		private final IdleTimeoutOperator<T> limits;

		private Subscription upstream;

		private volatile long deadline;

		private volatile boolean started;

		/** Whether the terminal element has come and only the end is awaited. */
		private volatile boolean ending;

		/** The timer, and when it fires; guarded by this subscriber's monitor. */
		private Disposable timer;

		private long timerAt;

		IdleTimeoutSubscriber(CoreSubscriber<? super T> actual, Scheduler scheduler, IdleTimeoutOperator<T> limits) {
			this.actual = actual;
			this.scheduler = scheduler;
			this.limits = limits;
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			if (Operators.validate(this.upstream, subscription)) {
				this.upstream = subscription;
				this.deadline = now() + this.limits.firstNanos;
				arm(this.limits.firstNanos, true);
				this.actual.onSubscribe(this);
			}
		}

		@Override
		public void onNext(T element) {
			if (get()) {
				Operators.onNextDropped(element, this.actual.currentContext());
				return;
			}
			if (this.ending) {
				// nothing counts after the terminal element
				Operators.onDiscard(element, this.actual.currentContext());
				return;
			}
			IdleTimeoutOperator<T> limits = this.limits;
			if (limits.terminal != null && limits.terminal.test(element)) {
				this.ending = true;
				this.started = true;
				long deadline = now() + limits.graceNanos;
				this.deadline = deadline;
				armBefore(deadline, limits.graceNanos);
			}
			else {
				long deadline = now() + limits.idleNanos;
				this.deadline = deadline;
				if (!this.started) {
					this.started = true;
					// the idle limit may end before the first one's timer fires
					armBefore(deadline, limits.idleNanos);
				}
			}
			this.actual.onNext(element);
		}

		@Override
		public void onError(Throwable error) {
			if (compareAndSet(false, true)) {
				disarm();
				if (this.ending) {
					// a connection lost after the whole answer: the answer stands
					this.actual.onComplete();
				}
				else {
					this.actual.onError(error);
				}
			}
			else {
				Operators.onErrorDropped(error, this.actual.currentContext());
			}
		}

		@Override
		public void onComplete() {
			if (compareAndSet(false, true)) {
				disarm();
				this.actual.onComplete();
			}
		}

		/**
		 * The timer fired: end the sequence if its deadline has passed, or set the timer
		 * again for the time left.
		 */
		@Override
		public void run() {
			if (get()) {
				return;
			}
			long left = this.deadline - now();
			if (left > 0) {
				arm(left, false);
				return;
			}
			if (compareAndSet(false, true)) {
				this.upstream.cancel();
				if (this.ending) {
					this.actual.onComplete();
				}
				else {
					this.actual.onError(this.limits.error.apply(this.started));
				}
			}
		}

		@Override
		public void request(long n) {
			this.upstream.request(n);
		}

		@Override
		public void cancel() {
			if (compareAndSet(false, true)) {
				disarm();
			}
			this.upstream.cancel();
		}

		/**
		 * Set the timer to fire after a delay, in place of the one set before.
		 * @param delayNanos the delay
		 * @param shared whether the delay is one of the operator's limits, whose timers
		 * every subscription with that limit keeps in one {@link TimerQueue}, or the time
		 * left when a timer fired after elements moved the deadline, a task of its own
		 */
		private synchronized void arm(long delayNanos, boolean shared) {
			if (this.timer != null) {
				this.timer.dispose();
			}
			if (!get()) {
				this.timerAt = now() + delayNanos;
				this.timer = shared ? TimerQueue.of(this.scheduler, delayNanos).add(this)
						: this.scheduler.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
			}
		}

		/**
		 * Set the timer of a limit, which ends at the deadline just set, if the timer set
		 * before would fire later.
		 */
		private synchronized void armBefore(long deadline, long limitNanos) {
			if (deadline < this.timerAt) {
				arm(limitNanos, true);
			}
		}

		private synchronized void disarm() {
			if (this.timer != null) {
				this.timer.dispose();
			}
		}

		private long now() {
			return this.scheduler.now(TimeUnit.NANOSECONDS);
		}

	}

}
