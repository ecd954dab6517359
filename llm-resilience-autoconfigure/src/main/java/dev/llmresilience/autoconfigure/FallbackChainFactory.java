package dev.llmresilience.autoconfigure;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.llmresilience.autoconfigure.LlmResilienceProperties.CircuitBreaker;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Hedging;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Model;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Retry;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.SlidingWindowType;
import dev.llmresilience.budget.CostAccounting;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.resilience.CircuitBreakerSettings;
import dev.llmresilience.resilience.FallbackChain;
import dev.llmresilience.resilience.LlmErrorClassifier;
import dev.llmresilience.resilience.ModelCatalog;
import dev.llmresilience.resilience.ModelExecutor;
import dev.llmresilience.resilience.ModelResilience;
import dev.llmresilience.resilience.RetrySettings;
import dev.llmresilience.routing.HedgingSettings;
import dev.llmresilience.routing.RoutingStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.lang.Nullable;

/**
 * Builds a {@link ModelExecutor} for every model, with a circuit breaker for each of its
 * deployments and a retry in the given resilience4j registries ({@link ModelResilience}),
 * its routing and its hedging, and the {@link FallbackChain} over them, which accounts
 * for what requests cost. A model's settings are its own {@code retry} and
 * {@code circuit-breaker} under {@code llm.resilience.models.<id>}, which hold the global
 * value of every key the model does not set.
 */
class FallbackChainFactory {

	private final CircuitBreakerRegistry circuitBreakerRegistry;

	private final RetryRegistry retryRegistry;

	private final Clock clock;

	private final ProviderPacer pacer;

	private final ObservationRegistry observationRegistry;

	private final CostAccounting accounting;

	FallbackChainFactory(CircuitBreakerRegistry circuitBreakerRegistry, RetryRegistry retryRegistry, Clock clock,
			ProviderPacer pacer, ObservationRegistry observationRegistry, CostAccounting accounting) {
		this.circuitBreakerRegistry = circuitBreakerRegistry;
		this.retryRegistry = retryRegistry;
		this.clock = clock;
		this.pacer = pacer;
		this.observationRegistry = observationRegistry;
		this.accounting = accounting;
	}

	FallbackChain create(ModelCatalog catalog, LlmResilienceProperties properties) {
		Map<String, ModelExecutor> executors = new LinkedHashMap<>();
		ModelResilience.Registries registries = new ModelResilience.Registries(this.circuitBreakerRegistry,
				this.retryRegistry);
		catalog.getModels().forEach((id, model) -> {
			// a model of an application's own catalog, not configured here, takes the
			// global settings and is served by its provider alone
			Model configured = properties.getModels().get(id);
			RoutingStrategy routing = (configured != null) ? configured.getRouting() : RoutingStrategy.WEIGHTED_RANDOM;
			HedgingSettings hedging = (configured != null) ? hedging(configured.getHedging()) : null;
			executors.put(id, ModelResilience.executor(model, catalog, routing, hedging, registries,
					settings((configured != null) ? configured.getCircuitBreaker() : properties.getCircuitBreaker()),
					settings((configured != null) ? configured.getRetry() : properties.getRetry()), this.clock,
					this.pacer, this.observationRegistry));
		});
		return new FallbackChain(catalog, executors,
				new LlmErrorClassifier(properties.getCircuitBreaker().getRecordRateLimits()), this.accounting);
	}

	@Nullable
	private static HedgingSettings hedging(Hedging hedging) {
		return hedging.isEnabled() ? new HedgingSettings(hedging.getDelay(), hedging.getPercentile(),
				hedging.getMaxHedges(), hedging.getMaxShare()) : null;
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
