package dev.llmresilience.resilience;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import io.github.resilience4j.retry.Retry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Calls a model again after a retryable error, as its resilience4j {@link Retry} decides
 * (which errors, how many attempts, how long to wait), so that resilience4j's events and
 * metrics count every attempt. Unlike resilience4j's own Reactor operator it also stops
 * at once when the wait would end after the request's deadline, when the model's breaker
 * has opened, or when a stream has already delivered content (a new attempt would repeat
 * it).
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
		return Flux.defer(() -> {
			Retry.AsyncContext<T> retryContext = this.retry.asyncContext();
			return attempt
				.retryWhen(reactor.util.retry.Retry
					.from((failures) -> failures.concatMap((failure) -> waitOrFail(retryContext, failure.failure()))))
				.doOnComplete(retryContext::onComplete);
		});
	}

	private Mono<Long> waitOrFail(Retry.AsyncContext<T> retryContext, Throwable error) {
		if (this.context.isContentDelivered()) {
			return Mono.error(error);
		}
		long waitMillis = retryContext.onError(error);
		if (waitMillis < 0 || this.callsRefused.getAsBoolean()) {
			return Mono.error(error);
		}
		Duration wait = Duration.ofMillis(waitMillis);
		if (!this.context.deadline().allows(wait)) {
			// no backoff starts that cannot end inside the deadline: fall back now
			// instead
			return Mono.error(error);
		}
		return Mono.delay(wait);
	}

}
