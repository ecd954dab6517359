package dev.llmresilience.autoconfigure;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.llmresilience.LlmModel;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.CircuitBreaker;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Model;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Retry;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.SlidingWindowType;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.resilience.FallbackChain;
import dev.llmresilience.resilience.LlmErrorClassifier;
import dev.llmresilience.resilience.ModelCatalog;
import dev.llmresilience.resilience.ModelExecutor;
import dev.llmresilience.resilience.RetryAfterBackoff;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.observation.ObservationRegistry;


/**
 * Builds a {@link ModelExecutor} for every model, with a circuit breaker and a retry from the
 * given resilience4j registries, and the {@link FallbackChain} over them.
 * <p>
 * A model's settings are its own {@code retry} and {@code circuit-breaker} under
 * {@code llm.resilience.models.<id>}, which hold the global value of every key the model does not
 * set. Where resilience4j's own
 * properties already define an instance named after the model, that instance's numbers win
 * (window, thresholds, waits, attempts, backoff formula), but what counts as a failure or as
 * retryable, and the server's retry-after, stay this library's, since no resilience4j property
 * can express them.
 */
class FallbackChainFactory {

	private final CircuitBreakerRegistry circuitBreakerRegistry;

	private final RetryRegistry retryRegistry;

	private final Clock clock;

	private final ProviderPacer pacer;

	private final ObservationRegistry observationRegistry;

	FallbackChainFactory(CircuitBreakerRegistry circuitBreakerRegistry, RetryRegistry retryRegistry, Clock clock,
			ProviderPacer pacer, ObservationRegistry observationRegistry) {
		this.circuitBreakerRegistry = circuitBreakerRegistry;
		this.retryRegistry = retryRegistry;
		this.clock = clock;
		this.pacer = pacer;
		this.observationRegistry = observationRegistry;
	}

	FallbackChain create(ModelCatalog catalog, LlmResilienceProperties properties) {
		Map<String, ModelExecutor> executors = new LinkedHashMap<>();
		catalog.getModels().forEach((id, model) -> {
			// a model of an application's own catalog, not configured here, takes the global settings
			Model configured = properties.getModels().get(id);
			executors.put(id,
					executor(model, catalog, (configured != null) ? configured.getRetry() : properties.getRetry(),
							(configured != null) ? configured.getCircuitBreaker() : properties.getCircuitBreaker()));
		});
		return new FallbackChain(catalog, executors,
				new LlmErrorClassifier(properties.getCircuitBreaker().getRecordRateLimits()));
	}

	private ModelExecutor executor(LlmModel model, ModelCatalog catalog, Retry retry, CircuitBreaker circuitBreaker) {
		LlmErrorClassifier classifier = new LlmErrorClassifier(circuitBreaker.getRecordRateLimits());
		return new ModelExecutor(model, catalog.providerOf(model), circuitBreaker(model.id(), circuitBreaker, classifier),
				retry(model.id(), retry, classifier), this.pacer, this.observationRegistry);
	}

	private io.github.resilience4j.circuitbreaker.CircuitBreaker circuitBreaker(String name, CircuitBreaker settings,
			LlmErrorClassifier classifier) {
		Optional<io.github.resilience4j.circuitbreaker.CircuitBreaker> existing = this.circuitBreakerRegistry.find(name);
		CircuitBreakerConfig.Builder config = existing
			.map((breaker) -> CircuitBreakerConfig.from(breaker.getCircuitBreakerConfig()))
			.orElseGet(() -> CircuitBreakerConfig.custom()
				.slidingWindow(settings.getSlidingWindowSize(), settings.getMinimumNumberOfCalls(),
						(settings.getSlidingWindowType() == SlidingWindowType.TIME_BASED)
								? CircuitBreakerConfig.SlidingWindowType.TIME_BASED
								: CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
				.failureRateThreshold(settings.getFailureRateThreshold())
				.slowCallRateThreshold(settings.getSlowCallRateThreshold())
				.slowCallDurationThreshold(settings.getSlowCallDurationThreshold())
				.waitDurationInOpenState(settings.getWaitInOpen())
				.permittedNumberOfCallsInHalfOpenState(settings.getPermittedCallsInHalfOpen())
				.automaticTransitionFromOpenToHalfOpenEnabled(settings.getAutomaticTransitionToHalfOpen())
				.clock(this.clock));
		config.recordException(classifier::isBreakerFailure)
			.ignoreException((error) -> !classifier.isBreakerFailure(error));
		if (existing.isPresent()) {
			io.github.resilience4j.circuitbreaker.CircuitBreaker replacement = io.github.resilience4j.circuitbreaker.CircuitBreaker
				.of(name, config.build(), existing.get().getTags());
			this.circuitBreakerRegistry.replace(name, replacement);
			return replacement;
		}
		return this.circuitBreakerRegistry.circuitBreaker(name, config.build());
	}

	private io.github.resilience4j.retry.Retry retry(String name, Retry settings, LlmErrorClassifier classifier) {
		Optional<io.github.resilience4j.retry.Retry> existing = this.retryRegistry.find(name);
		RetryConfig base = existing.map(io.github.resilience4j.retry.Retry::getRetryConfig)
			.orElseGet(() -> RetryConfig.custom()
				.maxAttempts(settings.getMaxAttempts())
				.intervalFunction(IntervalFunction.ofExponentialRandomBackoff(settings.getInitialBackoff(),
						settings.getMultiplier(), settings.getJitter(), settings.getMaxBackoff()))
				.build());
		IntervalBiFunction<Object> formula = base.getIntervalBiFunction();
		RetryConfig config = RetryConfig.from(base)
			.retryOnException(classifier::isRetryable)
			.intervalBiFunction(new RetryAfterBackoff(formula, settings.getMaxServerWait()))
			.failAfterMaxAttempts(false)
			.build();
		if (existing.isPresent()) {
			io.github.resilience4j.retry.Retry replacement = io.github.resilience4j.retry.Retry.of(name, config,
					existing.get().getTags());
			this.retryRegistry.replace(name, replacement);
			return replacement;
		}
		return this.retryRegistry.retry(name, config);
	}

}
