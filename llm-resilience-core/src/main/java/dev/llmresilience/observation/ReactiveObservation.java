package dev.llmresilience.observation;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

import org.springframework.lang.Nullable;

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
		return observe(registry, convention, contextFactory, work, null);
	}

	/**
	 * Run work under an observation that notes what the work's elements tell (its answer,
	 * say) in the context as they pass.
	 * @param <C> the context type
	 * @param <T> the element type
	 * @param registry the registry; with a no-op registry the work runs unobserved and
	 * nothing is noted
	 * @param convention the observation's name and tags
	 * @param contextFactory creates the context of one subscription
	 * @param work the work, given the context to fill in
	 * @param noteElement notes an element in the context before it goes on, or
	 * {@code null}
	 * @return the work's elements
	 */
	public static <C extends Observation.Context, T> Flux<T> observe(ObservationRegistry registry,
			ObservationConvention<C> convention, Supplier<C> contextFactory, Function<C, Flux<T>> work,
			@Nullable BiConsumer<C, T> noteElement) {
		if (registry.isNoop()) {
			return Flux.defer(() -> work.apply(contextFactory.get()));
		}
		return new ObservedFlux<>(registry, convention, contextFactory, work, noteElement);
	}

	/**
	 * The work, observed from each subscription to its end. One operator of its own
	 * rather than Reactor's {@code doOnError}, {@code doOnTerminate}, {@code doOnCancel}
	 * and {@code contextWrite}: it is on the path of every request and of every attempt.
	 */
	private static final class ObservedFlux<C extends Observation.Context, T> extends Flux<T> {

		private final ObservationRegistry registry;

		private final ObservationConvention<C> convention;

		private final Supplier<C> contextFactory;

		private final Function<C, Flux<T>> work;

		@Nullable
		private final BiConsumer<C, T> noteElement;

		ObservedFlux(ObservationRegistry registry, ObservationConvention<C> convention, Supplier<C> contextFactory,
				Function<C, Flux<T>> work, @Nullable BiConsumer<C, T> noteElement) {
			this.registry = registry;
			this.convention = convention;
			this.contextFactory = contextFactory;
			this.work = work;
			this.noteElement = noteElement;
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			C context = this.contextFactory.get();
			Observation observation = Observation.createNotStarted(this.convention, () -> context, this.registry)
				.parentObservation(actual.currentContext().getOrDefault(ObservationThreadLocalAccessor.KEY, null))
				.start();
			Flux<T> observed;
			try {
				observed = this.work.apply(context);
			}
			catch (RuntimeException ex) {
				observation.error(ex);
				observation.stop();
				Operators.error(actual, ex);
				return;
			}
			observed.subscribe(new ObservedSubscriber<>(actual, observation, context, this.noteElement));
		}

	}

	/**
	 * Stops the observation when the work ends or is cancelled, before the end reaches
	 * the subscriber (a child then ends before its parent, and a caller holding the
	 * answer finds the meters recorded), and makes it the parent of what the work
	 * observes.
	 */
	private static final class ObservedSubscriber<C extends Observation.Context, T> extends AtomicBoolean
			implements CoreSubscriber<T>, Subscription {

		private final CoreSubscriber<? super T> actual;

		private final Observation observation;

		private final C observed;

		@Nullable
		private final BiConsumer<C, T> noteElement;

		private final Context context;

		private Subscription upstream;

		ObservedSubscriber(CoreSubscriber<? super T> actual, Observation observation, C observed,
				@Nullable BiConsumer<C, T> noteElement) {
			this.actual = actual;
			this.observation = observation;
			this.observed = observed;
			this.noteElement = noteElement;
			this.context = actual.currentContext().put(ObservationThreadLocalAccessor.KEY, observation);
		}

		@Override
		public Context currentContext() {
			return this.context;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			if (Operators.validate(this.upstream, subscription)) {
				this.upstream = subscription;
				this.actual.onSubscribe(this);
			}
		}

		@Override
		public void onNext(T element) {
			if (this.noteElement != null) {
				this.noteElement.accept(this.observed, element);
			}
			this.actual.onNext(element);
		}

		@Override
		public void onError(Throwable error) {
			this.observation.error(error);
			stop();
			this.actual.onError(error);
		}

		@Override
		public void onComplete() {
			stop();
			this.actual.onComplete();
		}

		@Override
		public void request(long n) {
			this.upstream.request(n);
		}

		@Override
		public void cancel() {
			stop();
			this.upstream.cancel();
		}

		private void stop() {
			if (compareAndSet(false, true)) {
				this.observation.stop();
			}
		}

	}

}
