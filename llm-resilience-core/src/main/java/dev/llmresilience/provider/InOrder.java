package dev.llmresilience.provider;

import java.util.List;
import java.util.function.Function;

import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Flattens a stream of lists so that an error comes after every element read before it.
 * Reactor's {@code concatMapIterable} passes an error on as soon as it arrives and drops
 * the elements it still holds for a subscriber that has not asked for them yet, so the
 * last text of a stream that then breaks off could be lost by a slow reader (a browser
 * behind server-sent events). Here an error travels as an element behind the others and
 * is raised when it is reached, that is when the subscriber asks for what comes after the
 * elements before it.
 */
final class InOrder {

	private InOrder() {
	}

	/**
	 * Flatten lists, keeping an error behind the elements before it.
	 * @param <T> the element type
	 * @param lists the lists
	 * @return their elements, in order, then the error or completion of {@code lists}
	 */
	@SuppressWarnings("unchecked")
	static <T> Flux<T> flatten(Flux<? extends List<? extends T>> lists) {
		return ((Flux<List<?>>) (Flux<?>) lists).onErrorResume(InOrder::inPlace)
			.concatMapIterable(Function.identity())
			.map(InOrder::<T>raise);
	}

	private static Mono<List<?>> inPlace(Throwable error) {
		return Mono.just(List.of(new Failure(error)));
	}

	/**
	 * Pass an element on, or raise the error in its place. {@code map} rather than
	 * {@code handle}: with Reactor's context propagation on, as Spring Boot has it,
	 * {@code handle} sets and restores the thread-locals of the subscriber's context for
	 * every element.
	 */
	@SuppressWarnings("unchecked")
	private static <T> T raise(Object element) {
		if (element instanceof Failure failure) {
			// the map operator ends the flux with it, unwrapped
			throw Exceptions.propagate(failure.error());
		}
		return (T) element;
	}

	/**
	 * An error in the place of an element.
	 *
	 * @param error the error
	 */
	private record Failure(Throwable error) {

	}

}
