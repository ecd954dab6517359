package dev.llmresilience.resilience;

import java.time.Clock;
import java.util.Optional;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;

/**
 * Puts the circuit breaker and the retry of a model into resilience4j's registries, named
 * after the model. Where a registry already holds an instance of that name (configured
 * through resilience4j's own properties), its numbers win: window, thresholds, waits,
 * attempts and the backoff formula. What counts as a failure or as retryable, and the
 * server's {@code retry-after}, stay this library's, since nothing in resilience4j's
 * settings can express them.
 */
public final class ModelResilience {

	private ModelResilience() {
	}

	/**
	 * Create, or replace, the circuit breaker of a model.
	 * @param registry the registry to keep it in
	 * @param name the model id
	 * @param settings the breaker's settings, unless the registry has an instance of that
	 * name
	 * @param classifier what counts as a failure of the model
	 * @param clock the clock of the breaker's waits
	 * @return the breaker
	 */
	public static CircuitBreaker circuitBreaker(CircuitBreakerRegistry registry, String name,
			CircuitBreakerSettings settings, LlmErrorClassifier classifier, Clock clock) {
		Optional<CircuitBreaker> existing = registry.find(name);
		CircuitBreakerConfig.Builder config = existing
			.map((breaker) -> CircuitBreakerConfig.from(breaker.getCircuitBreakerConfig()))
			.orElseGet(() -> CircuitBreakerConfig.custom()
				.slidingWindow(settings.slidingWindowSize(), settings.minimumNumberOfCalls(),
						settings.slidingWindowType())
				.failureRateThreshold(settings.failureRateThreshold())
				.slowCallRateThreshold(settings.slowCallRateThreshold())
				.slowCallDurationThreshold(settings.slowCallDurationThreshold())
				.waitDurationInOpenState(settings.waitInOpen())
				.permittedNumberOfCallsInHalfOpenState(settings.permittedCallsInHalfOpen())
				.automaticTransitionFromOpenToHalfOpenEnabled(settings.automaticTransitionToHalfOpen())
				.clock(clock));
		config.recordException(classifier::isBreakerFailure)
			.ignoreException((error) -> !classifier.isBreakerFailure(error));
		if (existing.isPresent()) {
			CircuitBreaker replacement = CircuitBreaker.of(name, config.build(), existing.get().getTags());
			registry.replace(name, replacement);
			return replacement;
		}
		return registry.circuitBreaker(name, config.build());
	}

	/**
	 * Create, or replace, the retry of a model.
	 * @param registry the registry to keep it in
	 * @param name the model id
	 * @param settings the retry's settings, unless the registry has an instance of that
	 * name; the longest server wait applies in any case
	 * @param classifier what is retryable
	 * @return the retry
	 */
	public static Retry retry(RetryRegistry registry, String name, RetrySettings settings,
			LlmErrorClassifier classifier) {
		Optional<Retry> existing = registry.find(name);
		RetryConfig base = existing.map(Retry::getRetryConfig)
			.orElseGet(() -> RetryConfig.custom()
				.maxAttempts(settings.maxAttempts())
				.intervalFunction(IntervalFunction.ofExponentialRandomBackoff(settings.initialBackoff(),
						settings.multiplier(), settings.jitter(), settings.maxBackoff()))
				.build());
		IntervalBiFunction<Object> formula = base.getIntervalBiFunction();
		RetryConfig config = RetryConfig.from(base)
			.retryOnException(classifier::isRetryable)
			.intervalBiFunction(new RetryAfterBackoff(formula, settings.maxServerWait()))
			.failAfterMaxAttempts(false)
			.build();
		if (existing.isPresent()) {
			Retry replacement = Retry.of(name, config, existing.get().getTags());
			registry.replace(name, replacement);
			return replacement;
		}
		return registry.retry(name, config);
	}

}
