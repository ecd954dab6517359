package dev.llmresilience.autoconfigure;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.llmresilience.LlmModel;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.CircuitBreaker;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Model;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Retry;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.SlidingWindowType;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.resilience.CircuitBreakerSettings;
import dev.llmresilience.resilience.FallbackChain;
import dev.llmresilience.resilience.LlmErrorClassifier;
import dev.llmresilience.resilience.ModelCatalog;
import dev.llmresilience.resilience.ModelExecutor;
import dev.llmresilience.resilience.ModelResilience;
import dev.llmresilience.resilience.RetrySettings;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.observation.ObservationRegistry;

/**
 * Builds a {@link ModelExecutor} for every model, with a circuit breaker and a retry in
 * the given resilience4j registries ({@link ModelResilience}), and the
 * {@link FallbackChain} over them. A model's settings are its own {@code retry} and
 * {@code circuit-breaker} under {@code llm.resilience.models.<id>}, which hold the global
 * value of every key the model does not set.
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
			// a model of an application's own catalog, not configured here, takes the
			// global settings
			Model configured = properties.getModels().get(id);
			executors.put(id,
					executor(model, catalog, (configured != null) ? configured.getRetry() : properties.getRetry(),
							(configured != null) ? configured.getCircuitBreaker() : properties.getCircuitBreaker()));
		});
		return new FallbackChain(catalog, executors,
				new LlmErrorClassifier(properties.getCircuitBreaker().getRecordRateLimits()));
	}

	private ModelExecutor executor(LlmModel model, ModelCatalog catalog, Retry retry, CircuitBreaker circuitBreaker) {
		CircuitBreakerSettings breakerSettings = settings(circuitBreaker);
		LlmErrorClassifier classifier = new LlmErrorClassifier(breakerSettings.recordRateLimits());
		return new ModelExecutor(model, catalog.providerOf(model),
				ModelResilience.circuitBreaker(this.circuitBreakerRegistry, model.id(), breakerSettings, classifier,
						this.clock),
				ModelResilience.retry(this.retryRegistry, model.id(), settings(retry), classifier), this.pacer,
				this.observationRegistry);
	}

	static RetrySettings settings(Retry retry) {
		return new RetrySettings(retry.getMaxAttempts(), retry.getInitialBackoff(), retry.getMultiplier(),
				retry.getMaxBackoff(), retry.getJitter(), retry.getMaxServerWait());
	}

	static CircuitBreakerSettings settings(CircuitBreaker breaker) {
		return new CircuitBreakerSettings(
				(breaker.getSlidingWindowType() == SlidingWindowType.TIME_BASED)
						? CircuitBreakerConfig.SlidingWindowType.TIME_BASED
						: CircuitBreakerConfig.SlidingWindowType.COUNT_BASED,
				breaker.getSlidingWindowSize(), breaker.getMinimumNumberOfCalls(), breaker.getFailureRateThreshold(),
				breaker.getSlowCallRateThreshold(), breaker.getSlowCallDurationThreshold(), breaker.getWaitInOpen(),
				breaker.getPermittedCallsInHalfOpen(), breaker.getAutomaticTransitionToHalfOpen(),
				breaker.getRecordRateLimits());
	}

}
