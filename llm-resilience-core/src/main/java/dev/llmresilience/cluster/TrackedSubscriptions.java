package dev.llmresilience.cluster;

import java.util.function.Consumer;

import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.lang.Nullable;

/**
 * The subscriptions that no caller waits for: a hold published, tokens given back or
 * taken after a call, the holds listened to. Each is kept while it runs and dropped when
 * it ends, so that {@link #close()} cancels those still running, against a Redis that no
 * longer answers for instance, and the set does not grow with the calls made. Once
 * closed, work handed over is disposed at once, never subscribed, until {@link #open()}.
 */
final class TrackedSubscriptions {

	private volatile Disposable.Composite running = Disposables.composite();

	/**
	 * Accept work again after {@link #close()}, for a component that is started again.
	 */
	synchronized void open() {
		if (this.running.isDisposed()) {
			this.running = Disposables.composite();
		}
	}

	/**
	 * Subscribe to work whose outcome nobody waits for, and keep it until it ends.
	 * @param work the work
	 * @param onError what to do if it fails
	 */
	void subscribe(Mono<?> work, Consumer<? super Throwable> onError) {
		subscribe(work, null, onError);
	}

	/**
	 * Subscribe to work whose outcome nobody waits for, and keep it until it ends.
	 * @param <T> the type of what it publishes
	 * @param work the work
	 * @param onNext what to do with what it publishes, {@code null} for nothing
	 * @param onError what to do if it fails
	 * @return disposed once the work has ended, however it ended: disposing it cancels
	 * the work
	 */
	<T> Disposable subscribe(Publisher<T> work, @Nullable Consumer<? super T> onNext,
			Consumer<? super Throwable> onError) {
		Disposable.Composite running = this.running;
		// a slot, so that the subscription is tracked before it starts: work that ends
		// within subscribe() is dropped at once, and a close() meanwhile cancels it
		Disposable.Swap subscription = Disposables.swap();
		if (!running.add(subscription)) {
			return subscription;
		}
		subscription.update(Flux.from(work).doFinally((signal) -> {
			running.remove(subscription);
			subscription.dispose();
		}).subscribe(onNext, onError));
		return subscription;
	}

	/**
	 * Cancel the work still running, and dispose the work handed over from now on.
	 */
	void close() {
		this.running.dispose();
	}

	/**
	 * Return how many subscriptions are running.
	 * @return the count, 0 once closed
	 */
	int size() {
		return this.running.size();
	}

}
