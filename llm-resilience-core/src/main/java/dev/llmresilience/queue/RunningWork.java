package dev.llmresilience.queue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * The work running under the queue's permits, which the end of a shutdown grace cuts off:
 * work that has not ended by then is cancelled upstream and ends with the given error
 * instead, its elements so far delivered. Each piece of work registers itself in a set
 * while it runs, rather than subscribing to a shared signal, whose subscribers Reactor
 * keeps in an array copied on every subscription and on every end: with hundreds of
 * requests in flight, that copy was paid by each of them.
 */
final class RunningWork {

	private final Set<Cut<?>> running = ConcurrentHashMap.newKeySet();

	private final Supplier<? extends Throwable> error;

	private volatile boolean cut;

	/**
	 * Create a new instance.
	 * @param error creates the error of work cut off
	 */
	RunningWork(Supplier<? extends Throwable> error) {
		this.error = error;
	}

	/**
	 * Return work that is cut off with the rest.
	 * @param <T> the element type
	 * @param work the work
	 * @return the work, cut off when {@link #cutOff()} is called while it runs
	 */
	<T> Flux<T> track(Flux<T> work) {
		return new Flux<>() {

			@Override
			public void subscribe(CoreSubscriber<? super T> actual) {
				work.subscribe(new Cut<>(Operators.serialize(actual), RunningWork.this));
			}

		};
	}

	/**
	 * Cut off the work running now, and any that starts from now on.
	 */
	void cutOff() {
		this.cut = true;
		this.running.forEach(Cut::cutOff);
	}

	/**
	 * Let work that starts from now on run again, after {@link #cutOff()}.
	 */
	void resume() {
		this.cut = false;
	}

	/**
	 * One piece of work: passes its signals on until it ends or is cut off, whichever
	 * comes first.
	 */
	private static final class Cut<T> extends AtomicBoolean implements CoreSubscriber<T>, Subscription {

		private final CoreSubscriber<? super T> actual;

		private final RunningWork owner;

		private Subscription upstream;

		Cut(CoreSubscriber<? super T> actual, RunningWork owner) {
			this.actual = actual;
			this.owner = owner;
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			if (Operators.validate(this.upstream, subscription)) {
				this.upstream = subscription;
				// registered before the work may run, and ends, within onSubscribe
				this.owner.running.add(this);
				this.actual.onSubscribe(this);
				if (this.owner.cut) {
					cutOff();
				}
			}
		}

		@Override
		public void onNext(T element) {
			if (!get()) {
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
		public void request(long n) {
			this.upstream.request(n);
		}

		@Override
		public void cancel() {
			end();
			this.upstream.cancel();
		}

		void cutOff() {
			if (end()) {
				this.upstream.cancel();
				this.actual.onError(this.owner.error.get());
			}
		}

		private boolean end() {
			if (compareAndSet(false, true)) {
				this.owner.running.remove(this);
				return true;
			}
			return false;
		}

	}

}
