package dev.llmresilience.deadline;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Cuts a sequence off when a trigger emits, such as a deadline's timer or the end of a
 * shutdown grace, and ends it with the caller's error instead of completing it: Reactor's
 * {@code takeUntilOther} cancels the upstream then, but completes quietly, which would
 * pass a cut-off answer for a whole one. Elements that arrived before the cut-off are
 * kept; an upstream that ends first, with or without an error, ends as it would without
 * the operator. Apply it with {@link Flux#transform} or {@link Flux#transformDeferred};
 * every subscription is cut off on its own.
 *
 * @param <T> the element type
 */
public final class CutOffOperator<T> implements UnaryOperator<Flux<T>> {

	private final Mono<?> trigger;

	private final Supplier<? extends Throwable> error;

	private CutOffOperator(Mono<?> trigger, Supplier<? extends Throwable> error) {
		this.trigger = trigger;
		this.error = error;
	}

	/**
	 * Create an operator.
	 * @param <T> the element type
	 * @param trigger emits when the sequence is to be cut off, subscribed to once for
	 * every subscription to the sequence; one that fails instead passes its error on
	 * without cancelling the upstream, as {@code takeUntilOther} does, so it should not
	 * fail
	 * @param error creates the error that ends a sequence cut off, called only then
	 * @return the operator
	 */
	public static <T> CutOffOperator<T> of(Mono<?> trigger, Supplier<? extends Throwable> error) {
		return new CutOffOperator<>(trigger, error);
	}

	@Override
	public Flux<T> apply(Flux<T> upstream) {
		return Flux.defer(() -> {
			// takeUntilOther completes alike whether the upstream ended or was cut off:
			// only the upstream's own end sets the flag
			AtomicBoolean ended = new AtomicBoolean();
			return upstream.doOnTerminate(() -> ended.set(true))
				.takeUntilOther(this.trigger)
				.concatWith(Mono.defer(() -> ended.get() ? Mono.empty() : Mono.error(this.error.get())));
		});
	}

}
