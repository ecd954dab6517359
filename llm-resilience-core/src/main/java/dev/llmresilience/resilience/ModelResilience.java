package dev.llmresilience.resilience;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import dev.llmresilience.LlmModel;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.routing.Deployment;
import dev.llmresilience.routing.DeploymentRouter;
import dev.llmresilience.routing.HedgingSettings;
import dev.llmresilience.routing.RoutingStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.lang.Nullable;

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
	 * Create the executor of a model: a circuit breaker for each of its deployments,
	 * named after the model for a model configured without deployments and
	 * {@code model/deployment} otherwise, and the model's retry, all with the model's
	 * settings.
	 * @param model the model
	 * @param catalog the catalog it belongs to, for its deployments and their providers
	 * @param routing how its attempts pick a deployment
	 * @param registries the registries that keep the breakers and the retry
	 * @param breakerSettings the breakers' settings
	 * @param retrySettings the retry's settings
	 * @param clock the clock of the breakers' waits
	 * @param pacer paces the calls
	 * @param observationRegistry observes each attempt
	 * @return the executor
	 */
	public static ModelExecutor executor(LlmModel model, ModelCatalog catalog, RoutingStrategy routing,
			Registries registries, CircuitBreakerSettings breakerSettings, RetrySettings retrySettings, Clock clock,
			ProviderPacer pacer, ObservationRegistry observationRegistry) {
		return executor(model, catalog, routing, null, registries, breakerSettings, retrySettings, clock, pacer,
				observationRegistry);
	}

	/**
	 * Create the executor of a model that may hedge its attempts, as
	 * {@link #executor(LlmModel, ModelCatalog, RoutingStrategy, Registries, CircuitBreakerSettings, RetrySettings, Clock, ProviderPacer, ObservationRegistry)}
	 * does.
	 * @param model the model
	 * @param catalog the catalog it belongs to, for its deployments and their providers
	 * @param routing how its attempts pick a deployment
	 * @param hedging how its attempts are hedged, or {@code null} not to hedge; a model
	 * with one deployment does not hedge
	 * @param registries the registries that keep the breakers and the retry
	 * @param breakerSettings the breakers' settings
	 * @param retrySettings the retry's settings
	 * @param clock the clock of the breakers' waits
	 * @param pacer paces the calls
	 * @param observationRegistry observes each attempt
	 * @return the executor
	 */
	public static ModelExecutor executor(LlmModel model, ModelCatalog catalog, RoutingStrategy routing,
			@Nullable HedgingSettings hedging, Registries registries, CircuitBreakerSettings breakerSettings,
			RetrySettings retrySettings, Clock clock, ProviderPacer pacer, ObservationRegistry observationRegistry) {
		LlmErrorClassifier classifier = new LlmErrorClassifier(breakerSettings.recordRateLimits());
		boolean configured = catalog.hasDeployments(model);
		List<Deployment> deployments = catalog.deploymentsOf(model).stream().map((deployment) -> {
			String key = configured ? model.id() + "/" + deployment.name() : model.id();
			return new Deployment(deployment, key, model, catalog.provider(deployment.provider()),
					circuitBreaker(registries.circuitBreakers(), key, breakerSettings, classifier, clock));
		}).toList();
		DeploymentRouter router = new DeploymentRouter(deployments, routing, pacer);
		return new ModelExecutor(model, router,
				retry(registries.retries(), model.id(), retrySettings, classifier, router::isReady), pacer,
				observationRegistry, hedging);
	}

	/**
	 * Create, or replace, the circuit breaker of a model or deployment.
	 * @param registry the registry to keep it in
	 * @param name the model id, or {@code model/deployment}
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
		return retry(registry, name, settings, classifier, () -> false);
	}

	/**
	 * Create, or replace, the retry of a model served by several deployments.
	 * @param registry the registry to keep it in
	 * @param name the model id
	 * @param settings the retry's settings, unless the registry has an instance of that
	 * name; the longest server wait applies in any case
	 * @param classifier what is retryable
	 * @param readyElsewhere whether a deployment of the model can be called now, so that
	 * a retry need not wait for the server's wait of the one that failed
	 * @return the retry
	 */
	public static Retry retry(RetryRegistry registry, String name, RetrySettings settings,
			LlmErrorClassifier classifier, BooleanSupplier readyElsewhere) {
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
			.intervalBiFunction(new RetryAfterBackoff(formula, settings.maxServerWait(), readyElsewhere))
			.failAfterMaxAttempts(false)
			.build();
		if (existing.isPresent()) {
			Retry replacement = Retry.of(name, config, existing.get().getTags());
			registry.replace(name, replacement);
			return replacement;
		}
		return registry.retry(name, config);
	}

	/**
	 * The resilience4j registries that keep the breakers and retries.
	 *
	 * @param circuitBreakers the breakers' registry
	 * @param retries the retries' registry
	 */
	public record Registries(CircuitBreakerRegistry circuitBreakers, RetryRegistry retries) {

	}

}
