package dev.llmresilience.observation;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import reactor.core.publisher.Flux;

/**
 * Observes a {@link Flux} from subscription to its end: the observation's parent is the
 * one in the subscriber's Reactor context (a web request's, say), and it is the parent of
 * whatever the work observes in turn (the WebClient's HTTP call), so that a trace shows
 * requests, attempts and HTTP calls nested.
 */
public final class ReactiveObservation {

	private ReactiveObservation() {
	}

	/**
	 * Run work under an observation.
	 * @param <C> the context type
	 * @param <T> the element type
	 * @param registry the registry; with a no-op registry the work runs unobserved
	 * @param convention the observation's name and tags
	 * @param contextFactory creates the context of one subscription
	 * @param work the work, given the context to fill in
	 * @return the work's elements
	 */
	public static <C extends Observation.Context, T> Flux<T> observe(ObservationRegistry registry,
			ObservationConvention<C> convention, Supplier<C> contextFactory, Function<C, Flux<T>> work) {
		if (registry.isNoop()) {
			return Flux.defer(() -> work.apply(contextFactory.get()));
		}
		return Flux.deferContextual((reactorContext) -> {
			C context = contextFactory.get();
			Observation observation = Observation.createNotStarted(convention, () -> context, registry)
				.parentObservation(reactorContext.getOrDefault(ObservationThreadLocalAccessor.KEY, null))
				.start();
			AtomicBoolean stopped = new AtomicBoolean();
			Runnable stop = () -> {
				if (stopped.compareAndSet(false, true)) {
					observation.stop();
				}
			};
			// Stop before the end reaches the subscriber (doFinally runs after it): a
			// child then
			// ends before its parent, and a caller holding the answer finds the meters
			// recorded.
			return work.apply(context)
				.doOnError(observation::error)
				.doOnTerminate(stop)
				.doOnCancel(stop)
				.contextWrite((inner) -> inner.put(ObservationThreadLocalAccessor.KEY, observation));
		});
	}

}
