package dev.llmresilience.resilience;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import io.github.resilience4j.retry.Retry;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

import org.springframework.lang.Nullable;

/**
 * Calls a model again after a retryable error, as its resilience4j {@link Retry} decides
 * (which errors, how many attempts, how long to wait), so that resilience4j's events and
 * metrics count every attempt. Unlike resilience4j's own Reactor operator it also stops
 * at once when the wait would end after the request's deadline, when the model's breaker
 * has opened, or when a stream has already delivered content (a new attempt would repeat
 * it).
 * <p>
 * One subscriber of its own rather than Reactor's {@code retryWhen}, which makes a sink,
 * a serialized subscriber and a companion sequence for every request, where almost every
 * request ends at its first attempt. The wait runs on the parallel scheduler, as
 * {@code Mono.delay} would, and the attempt is subscribed to again from there.
 *
 * @param <T> the element type
 */
final class ModelRetryOperator<T> implements UnaryOperator<Flux<T>> {

	private final Retry retry;

	private final CallContext context;

	private final BooleanSupplier callsRefused;

	private ModelRetryOperator(Retry retry, CallContext context, BooleanSupplier callsRefused) {
		this.retry = retry;
		this.context = context;
		this.callsRefused = callsRefused;
	}

	/**
	 * Create an operator.
	 * @param <T> the element type
	 * @param retry the model's retry, named after the model
	 * @param context the request being served
	 * @param callsRefused whether the model's breaker refuses calls now
	 * @return the operator
	 */
	static <T> ModelRetryOperator<T> of(Retry retry, CallContext context, BooleanSupplier callsRefused) {
		return new ModelRetryOperator<>(retry, context, callsRefused);
	}

	@Override
	public Flux<T> apply(Flux<T> attempt) {
		return new Flux<>() {

			@Override
			public void subscribe(CoreSubscriber<? super T> actual) {
				Retrying<T> retrying = new Retrying<>(actual, attempt, ModelRetryOperator.this,
						ModelRetryOperator.this.retry.asyncContext());
				attempt.subscribe(retrying);
			}

		};
	}

	/**
	 * Decide what follows an attempt's error.
	 * @return how long to wait before the next attempt, or {@code null} to fail with the
	 * error
	 */
	@Nullable
	private Duration waitBeforeNext(Retry.AsyncContext<T> retryContext, Throwable error) {
		if (this.context.isContentDelivered()) {
			return null;
		}
		long waitMillis = retryContext.onError(error);
		if (waitMillis < 0 || this.callsRefused.getAsBoolean()) {
			return null;
		}
		Duration wait = Duration.ofMillis(waitMillis);
		// no backoff starts that cannot end inside the deadline: fall back now instead
		return this.context.deadline().allows(wait) ? wait : null;
	}

	/**
	 * The attempts of one request: passes the elements on, and after an error either
	 * fails or subscribes to the attempt again once the wait is over, asking the new
	 * attempt for what the caller asked and the earlier ones did not deliver.
	 */
	private static final class Retrying<T> implements CoreSubscriber<T>, Subscription, Runnable {

		@SuppressWarnings("rawtypes")
		private static final AtomicReferenceFieldUpdater<Retrying, Disposable> WAIT = AtomicReferenceFieldUpdater
			.newUpdater(Retrying.class, Disposable.class, "wait");

		private static final Disposable CANCELLED = Disposables.disposed();

		private final CoreSubscriber<? super T> actual;

		private final Flux<T> attempt;

		private final ModelRetryOperator<T> operator;

		private final Retry.AsyncContext<T> retryContext;

		/** The elements of the current attempt; only the attempt's signals touch it. */
		private long produced;

		/** Guarded by {@code this}: the current attempt's subscription. */
		private Subscription upstream;

		/** Guarded by {@code this}: what the caller asked for and was not delivered. */
		private long requested;

		/** Guarded by {@code this}. */
		private boolean cancelled;

		/** The scheduled wait before the next attempt, or {@link #CANCELLED}. */
		private volatile Disposable wait;

		Retrying(CoreSubscriber<? super T> actual, Flux<T> attempt, ModelRetryOperator<T> operator,
				Retry.AsyncContext<T> retryContext) {
			this.actual = actual;
			this.attempt = attempt;
			this.operator = operator;
			this.retryContext = retryContext;
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			boolean first;
			long demand;
			synchronized (this) {
				if (this.cancelled) {
					demand = -1;
					first = false;
				}
				else {
					first = this.upstream == null;
					this.upstream = subscription;
					if (this.requested != Long.MAX_VALUE) {
						this.requested = Operators.subOrZero(this.requested, this.produced);
					}
					demand = this.requested;
				}
			}
			this.produced = 0;
			if (demand < 0) {
				subscription.cancel();
			}
			else if (first) {
				this.actual.onSubscribe(this);
			}
			else if (demand > 0) {
				subscription.request(demand);
			}
		}

		@Override
		public void onNext(T element) {
			this.produced++;
			this.actual.onNext(element);
		}

		@Override
		public void onError(Throwable error) {
			Duration wait;
			try {
				wait = this.operator.waitBeforeNext(this.retryContext, error);
			}
			catch (RuntimeException ex) {
				this.actual.onError(ex);
				return;
			}
			if (wait == null) {
				this.actual.onError(error);
				return;
			}
			Disposable scheduled;
			try {
				scheduled = Schedulers.parallel().schedule(this, wait.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				this.actual.onError(Operators.onRejectedExecution(ex, this.actual.currentContext()));
				return;
			}
			Disposable previous = this.wait;
			if (previous == CANCELLED || !WAIT.compareAndSet(this, previous, scheduled)) {
				scheduled.dispose();
			}
		}

		@Override
		public void onComplete() {
			this.retryContext.onComplete();
			this.actual.onComplete();
		}

		/**
		 * The wait is over: the next attempt.
		 */
		@Override
		public void run() {
			synchronized (this) {
				if (this.cancelled) {
					return;
				}
			}
			this.attempt.subscribe(this);
		}

		@Override
		public void request(long n) {
			if (!Operators.validate(n)) {
				return;
			}
			Subscription current;
			synchronized (this) {
				this.requested = Operators.addCap(this.requested, n);
				current = this.upstream;
			}
			if (current != null) {
				current.request(n);
			}
		}

		@Override
		public void cancel() {
			Subscription current;
			synchronized (this) {
				if (this.cancelled) {
					return;
				}
				this.cancelled = true;
				current = this.upstream;
			}
			Disposable scheduled = WAIT.getAndSet(this, CANCELLED);
			if (scheduled != null) {
				scheduled.dispose();
			}
			if (current != null) {
				current.cancel();
			}
		}

	}

}
