package dev.llmresilience.resilience;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import dev.llmresilience.error.LlmCircuitOpenException;
import dev.llmresilience.error.LlmInvalidResponseException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Guards one call of a model with its circuit breaker. Unlike resilience4j's own Reactor
 * operator, the duration recorded for a stream is its time to first content, so that a
 * long answer is not a slow call, and a caller's cancel releases the permission without
 * counting as a success or a failure, however much was received, unless the whole answer
 * had arrived. A call that completes without its whole answer (a provider's publisher
 * that ends empty, or a stream without its completion) fails with an
 * {@link LlmInvalidResponseException}, counted as a failure like any other invalid
 * answer.
 *
 * @param <T> the element type
 */
final class ModelCircuitBreakerOperator<T> implements UnaryOperator<Flux<T>> {

	private final CircuitBreaker circuitBreaker;

	private final String provider;

	private final String model;

	private final Predicate<T> isContent;

	private final Predicate<T> isAnswer;

	private ModelCircuitBreakerOperator(CircuitBreaker circuitBreaker, String provider, String model,
			Predicate<T> isContent, Predicate<T> isAnswer) {
		this.circuitBreaker = circuitBreaker;
		this.provider = provider;
		this.model = model;
		this.isContent = isContent;
		this.isAnswer = isAnswer;
	}

	/**
	 * Create an operator.
	 * @param <T> the element type
	 * @param circuitBreaker the model's breaker, named after the model
	 * @param provider the provider id, for the refusal's exception
	 * @param model the model id, for the exception of a call that ends without its answer
	 * @param isContent which element is the first content, whose arrival ends the
	 * measured time
	 * @param isAnswer which element is the whole answer, after which a cancel is a
	 * success
	 * @return the operator
	 */
	static <T> ModelCircuitBreakerOperator<T> of(CircuitBreaker circuitBreaker, String provider, String model,
			Predicate<T> isContent, Predicate<T> isAnswer) {
		return new ModelCircuitBreakerOperator<>(circuitBreaker, provider, model, isContent, isAnswer);
	}

	@Override
	public Flux<T> apply(Flux<T> call) {
		return new Flux<>() {

			@Override
			public void subscribe(CoreSubscriber<? super T> actual) {
				CircuitBreaker breaker = ModelCircuitBreakerOperator.this.circuitBreaker;
				if (!breaker.tryAcquirePermission()) {
					Operators.error(actual, new LlmCircuitOpenException(ModelCircuitBreakerOperator.this.provider,
							breaker.getName(), breaker.getState().name()));
					return;
				}
				call.subscribe(
						new GuardedCall<>(actual, ModelCircuitBreakerOperator.this, breaker.getCurrentTimestamp()));
			}

		};
	}

	/**
	 * One call under the breaker's permission: notes when its first content and its whole
	 * answer arrive, and records its end once, before the end goes on. One subscriber
	 * rather than Reactor's {@code defer} and four peeking operators, since every attempt
	 * passes through it.
	 */
	private static final class GuardedCall<T> extends AtomicBoolean implements CoreSubscriber<T>, Subscription {

		private final CoreSubscriber<? super T> actual;

		private final ModelCircuitBreakerOperator<T> guard;

		private final long start;

		/** When the first content came, on the breaker's clock; -1 before. */
		private volatile long firstContent = -1;

		private volatile boolean answered;

		private Subscription upstream;

		GuardedCall(CoreSubscriber<? super T> actual, ModelCircuitBreakerOperator<T> guard, long start) {
			this.actual = actual;
			this.guard = guard;
			this.start = start;
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
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
			if (this.firstContent < 0 && this.guard.isContent.test(element)) {
				this.firstContent = this.guard.circuitBreaker.getCurrentTimestamp();
			}
			if (this.guard.isAnswer.test(element)) {
				this.answered = true;
			}
			this.actual.onNext(element);
		}

		@Override
		public void onError(Throwable error) {
			if (compareAndSet(false, true)) {
				CircuitBreaker breaker = this.guard.circuitBreaker;
				breaker.onError(duration(), breaker.getTimestampUnit(), error);
			}
			this.actual.onError(error);
		}

		@Override
		public void onComplete() {
			if (!this.answered) {
				ModelCircuitBreakerOperator<T> guard = this.guard;
				onError(new LlmInvalidResponseException(guard.provider, guard.model,
						"the call completed without an answer", null));
				return;
			}
			if (compareAndSet(false, true)) {
				CircuitBreaker breaker = this.guard.circuitBreaker;
				breaker.onSuccess(duration(), breaker.getTimestampUnit());
			}
			this.actual.onComplete();
		}

		@Override
		public void request(long n) {
			this.upstream.request(n);
		}

		@Override
		public void cancel() {
			if (compareAndSet(false, true)) {
				CircuitBreaker breaker = this.guard.circuitBreaker;
				if (this.answered) {
					// the whole answer arrived; the caller only stopped listening for the
					// end
					breaker.onSuccess(duration(), breaker.getTimestampUnit());
				}
				else {
					breaker.releasePermission();
				}
			}
			this.upstream.cancel();
		}

		private long duration() {
			long first = this.firstContent;
			long end = (first >= 0) ? first : this.guard.circuitBreaker.getCurrentTimestamp();
			return end - this.start;
		}

	}

}
