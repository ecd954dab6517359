package dev.llmresilience.resilience;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.error.LlmCircuitOpenException;
import dev.llmresilience.error.LlmStreamInterruptedException;
import dev.llmresilience.error.LlmThrottledException;
import dev.llmresilience.error.LlmTimeoutException;
import dev.llmresilience.observation.LlmAttemptContext;
import dev.llmresilience.observation.LlmObservationConventions;
import dev.llmresilience.observation.ReactiveObservation;
import dev.llmresilience.provider.LlmProvider;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Calls one model with its resilience:
 * {@code Retry(Pace(CircuitBreaker(provider call)))}, the retry outside so that every
 * attempt is paced and recorded by the breaker and an opening breaker ends the retries,
 * the pace outside the breaker so that waiting for a rate limit is not counted as a slow
 * call. The breaker and retry are resilience4j instances named after the model, shared by
 * every chain that uses it.
 */
public final class ModelExecutor {

	private final LlmModel model;

	private final LlmProvider provider;

	private final CircuitBreaker circuitBreaker;

	private final Retry retry;

	private final ProviderPacer pacer;

	private final ObservationRegistry observationRegistry;

	private final ObservationConvention<LlmAttemptContext> observationConvention = LlmObservationConventions.attempt();

	/**
	 * Create a new instance.
	 * @param model the model
	 * @param provider the provider that serves it
	 * @param circuitBreaker its circuit breaker
	 * @param retry its retry
	 * @param pacer paces the calls to the provider; every attempt waits for it
	 * @param observationRegistry observes each attempt ({@code llm.attempt})
	 */
	public ModelExecutor(LlmModel model, LlmProvider provider, CircuitBreaker circuitBreaker, Retry retry,
			ProviderPacer pacer, ObservationRegistry observationRegistry) {
		this.model = model;
		this.provider = provider;
		this.circuitBreaker = circuitBreaker;
		this.retry = retry;
		this.pacer = pacer;
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Create a new instance whose calls are not paced, other than by the holds the
	 * provider's own rate-limit headers ask for, and not observed.
	 * @param model the model
	 * @param provider the provider that serves it
	 * @param circuitBreaker its circuit breaker
	 * @param retry its retry
	 */
	public ModelExecutor(LlmModel model, LlmProvider provider, CircuitBreaker circuitBreaker, Retry retry) {
		this(model, provider, circuitBreaker, retry,
				new ProviderPacer(Map.of(), Map.of(), Clock.systemUTC(), Duration.ofSeconds(60)),
				ObservationRegistry.NOOP);
	}

	/**
	 * Return the model this executor calls.
	 * @return the model
	 */
	public LlmModel getModel() {
		return this.model;
	}

	/**
	 * Return the provider that serves the model.
	 * @return the provider
	 */
	public LlmProvider getProvider() {
		return this.provider;
	}

	/**
	 * Return the model's circuit breaker.
	 * @return the breaker
	 */
	public CircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * Return the model's retry.
	 * @return the retry
	 */
	public Retry getRetry() {
		return this.retry;
	}

	Mono<LlmResponse> call(LlmRequest request, CallContext context) {
		return resilient(() -> this.provider.call(this.model, request).flux(), request, context, false,
				(response) -> true, (response) -> response)
			.single();
	}

	Flux<LlmStreamEvent> stream(LlmRequest request, CallContext context) {
		// Any event but the completion is content: once one reached the caller, the
		// stream cannot be retried or moved to another model unseen.
		Flux<LlmStreamEvent> call = Flux.defer(() -> this.provider.stream(this.model, request)).doOnNext((event) -> {
			if (event instanceof LlmStreamEvent.TextDelta delta) {
				context.delivered(delta.text());
			}
			else if (!(event instanceof LlmStreamEvent.Completion)) {
				context.delivered("");
			}
		});
		return resilient(() -> call, request, context, true, (event) -> !(event instanceof LlmStreamEvent.Completion),
				(event) -> (event instanceof LlmStreamEvent.Completion completion) ? completion.response() : null)
			.onErrorMap((error) -> context.isContentDelivered() && !(error instanceof LlmStreamInterruptedException),
					(error) -> new LlmStreamInterruptedException(this.provider.id(), this.model.id(),
							context.deliveredText(), error));
	}

	/**
	 * Make the call with its resilience: each attempt waits for the provider's pace,
	 * passes the breaker, and is recorded; the retry wraps them all.
	 * @param call creates one call of the provider
	 * @param isContent which element is content, for the breaker's time to first content
	 * @param answerOf the whole answer an element carries, or {@code null}
	 */
	private <T> Flux<T> resilient(Supplier<Flux<T>> call, LlmRequest request, CallContext context, boolean streaming,
			Predicate<T> isContent, Function<T, LlmResponse> answerOf) {
		AtomicInteger tries = new AtomicInteger();
		Flux<T> attempt = ReactiveObservation.observe(this.observationRegistry, this.observationConvention,
				() -> new LlmAttemptContext(this.model, this.provider.type(), tries.incrementAndGet(), streaming),
				(observed) -> {
					if (context.deadline().hasPassed()) {
						return Flux.error(LlmTimeoutException.deadline(context.deadline().timeout()));
					}
					long start = now();
					AtomicBoolean contentSeen = new AtomicBoolean();
					return this.pacer.admit(this.model, request, context.deadline())
						.flatMapMany((reservation) -> call.get()
							.transform(ModelCircuitBreakerOperator.of(this.circuitBreaker, this.provider.id(),
									isContent, (element) -> answerOf.apply(element) != null))
							.doOnNext((element) -> {
								if (streaming && isContent.test(element) && contentSeen.compareAndSet(false, true)) {
									observed.setTimeToFirstContent(elapsedSince(start));
								}
								LlmResponse answer = answerOf.apply(element);
								if (answer != null) {
									this.pacer.answered(reservation, this.provider.rateLimitedTokens(answer.usage()),
											answer.rateLimits());
									observed.setResponse(answer);
									context.record(LlmAttempt.success(this.model.id(), elapsedSince(start)));
								}
							})
							.doOnError((error) -> this.pacer.failed(reservation, error)))
						.doOnError((error) -> {
							observed.setSkipped(isSkip(error));
							context.record(isSkip(error)
									? LlmAttempt.skipped(this.model.id(), error.getClass().getSimpleName())
									: LlmAttempt.failure(this.model.id(), error, elapsedSince(start)));
						});
				});
		return attempt.transform(ModelRetryOperator.of(this.retry, context, this::refusesCalls));
	}

	private static boolean isSkip(Throwable error) {
		return error instanceof LlmCircuitOpenException || error instanceof LlmThrottledException;
	}

	private boolean refusesCalls() {
		CircuitBreaker.State state = this.circuitBreaker.getState();
		return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
	}

	private static long now() {
		return Schedulers.parallel().now(TimeUnit.NANOSECONDS);
	}

	private static Duration elapsedSince(long start) {
		return Duration.ofNanos(now() - start);
	}

	@Override
	public String toString() {
		return "ModelExecutor{model=" + this.model.id() + ", provider=" + this.provider.id() + ", circuitBreaker="
				+ this.circuitBreaker.getState() + "}";
	}

}
