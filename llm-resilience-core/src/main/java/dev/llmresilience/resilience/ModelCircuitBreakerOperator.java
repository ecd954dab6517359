package dev.llmresilience.resilience;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import dev.llmresilience.error.LlmCircuitOpenException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import reactor.core.publisher.Flux;

/**
 * Guards one call of a model with its circuit breaker. Unlike resilience4j's own Reactor
 * operator, the duration recorded for a stream is its time to first content, so that a
 * long answer is not a slow call, and a caller's cancel releases the permission without
 * counting as a success or a failure, however much was received, unless the whole answer
 * had arrived.
 *
 * @param <T> the element type
 */
final class ModelCircuitBreakerOperator<T> implements UnaryOperator<Flux<T>> {

	private final CircuitBreaker circuitBreaker;

	private final String provider;

	private final Predicate<T> isContent;

	private final Predicate<T> isAnswer;

	private ModelCircuitBreakerOperator(CircuitBreaker circuitBreaker, String provider, Predicate<T> isContent,
			Predicate<T> isAnswer) {
		this.circuitBreaker = circuitBreaker;
		this.provider = provider;
		this.isContent = isContent;
		this.isAnswer = isAnswer;
	}

	/**
	 * Create an operator.
	 * @param <T> the element type
	 * @param circuitBreaker the model's breaker, named after the model
	 * @param provider the provider id, for the refusal's exception
	 * @param isContent which element is the first content, whose arrival ends the
	 * measured time
	 * @param isAnswer which element is the whole answer, after which a cancel is a
	 * success
	 * @return the operator
	 */
	static <T> ModelCircuitBreakerOperator<T> of(CircuitBreaker circuitBreaker, String provider, Predicate<T> isContent,
			Predicate<T> isAnswer) {
		return new ModelCircuitBreakerOperator<>(circuitBreaker, provider, isContent, isAnswer);
	}

	@Override
	public Flux<T> apply(Flux<T> call) {
		return Flux.defer(() -> {
			if (!this.circuitBreaker.tryAcquirePermission()) {
				return Flux.error(new LlmCircuitOpenException(this.provider, this.circuitBreaker.getName(),
						this.circuitBreaker.getState().name()));
			}
			long start = this.circuitBreaker.getCurrentTimestamp();
			AtomicLong firstContent = new AtomicLong(-1);
			AtomicBoolean answered = new AtomicBoolean();
			AtomicBoolean recorded = new AtomicBoolean();
			return call.doOnNext((element) -> {
				if (firstContent.get() < 0 && this.isContent.test(element)) {
					firstContent.compareAndSet(-1, this.circuitBreaker.getCurrentTimestamp());
				}
				if (this.isAnswer.test(element)) {
					answered.set(true);
				}
			}).doOnComplete(() -> {
				if (recorded.compareAndSet(false, true)) {
					this.circuitBreaker.onSuccess(duration(start, firstContent),
							this.circuitBreaker.getTimestampUnit());
				}
			}).doOnError((error) -> {
				if (recorded.compareAndSet(false, true)) {
					this.circuitBreaker.onError(duration(start, firstContent), this.circuitBreaker.getTimestampUnit(),
							error);
				}
			}).doOnCancel(() -> {
				if (recorded.compareAndSet(false, true)) {
					if (answered.get()) {
						// the whole answer arrived; the caller only stopped listening for
						// the end
						this.circuitBreaker.onSuccess(duration(start, firstContent),
								this.circuitBreaker.getTimestampUnit());
					}
					else {
						this.circuitBreaker.releasePermission();
					}
				}
			});
		});
	}

	private long duration(long start, AtomicLong firstContent) {
		long end = (firstContent.get() >= 0) ? firstContent.get() : this.circuitBreaker.getCurrentTimestamp();
		return end - start;
	}

}
