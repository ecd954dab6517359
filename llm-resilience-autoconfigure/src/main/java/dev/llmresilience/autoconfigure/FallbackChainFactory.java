package dev.llmresilience.autoconfigure;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.llmresilience.LlmModel;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.CircuitBreaker;
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

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * Builds a {@link ModelExecutor} for every model, with a circuit breaker and a retry from the
 * given resilience4j registries, and the {@link FallbackChain} over them.
 * <p>
 * A model's settings are {@code llm.resilience.retry} and {@code llm.resilience.circuit-breaker},
 * overridden by the keys set under {@code llm.resilience.models.<id>}. Where resilience4j's own
 * properties already define an instance named after the model, that instance's numbers win
 * (window, thresholds, waits, attempts, backoff formula), but what counts as a failure or as
 * retryable, and the server's retry-after, stay this library's, since no resilience4j property
 * can express them.
 */
class FallbackChainFactory {

	private static final String PREFIX = "llm.resilience.";

	private final Binder binder;

	private final CircuitBreakerRegistry circuitBreakerRegistry;

	private final RetryRegistry retryRegistry;

	private final Clock clock;

	private final ProviderPacer pacer;

	private final ObservationRegistry observationRegistry;

	FallbackChainFactory(Binder binder, CircuitBreakerRegistry circuitBreakerRegistry, RetryRegistry retryRegistry,
			Clock clock, ProviderPacer pacer, ObservationRegistry observationRegistry) {
		this.binder = binder;
		this.circuitBreakerRegistry = circuitBreakerRegistry;
		this.retryRegistry = retryRegistry;
		this.clock = clock;
		this.pacer = pacer;
		this.observationRegistry = observationRegistry;
	}

	FallbackChain create(ModelCatalog catalog, LlmResilienceProperties properties) {
		check(PREFIX + "retry.", properties.getRetry());
		check(PREFIX + "circuit-breaker.", properties.getCircuitBreaker());
		Map<String, ModelExecutor> executors = new LinkedHashMap<>();
		catalog.getModels().forEach((id, model) -> executors.put(id, executor(model, catalog)));
		return new FallbackChain(catalog, executors,
				new LlmErrorClassifier(properties.getCircuitBreaker().isRecordRateLimits()));
	}

	private ModelExecutor executor(LlmModel model, ModelCatalog catalog) {
		String prefix = PREFIX + "models." + model.id() + ".";
		Retry retry = effective("retry", model.id(), new Retry());
		CircuitBreaker circuitBreaker = effective("circuit-breaker", model.id(), new CircuitBreaker());
		check(prefix + "retry.", retry);
		check(prefix + "circuit-breaker.", circuitBreaker);
		LlmErrorClassifier classifier = new LlmErrorClassifier(circuitBreaker.isRecordRateLimits());
		return new ModelExecutor(model, catalog.providerOf(model), circuitBreaker(model.id(), circuitBreaker, classifier),
				retry(model.id(), retry, classifier), this.pacer, this.observationRegistry);
	}

	/**
	 * Bind the global settings, then the model's overrides over them: only the keys a model sets
	 * replace the global values.
	 */
	private <T> T effective(String group, String modelId, T settings) {
		this.binder.bind(PREFIX + group, Bindable.ofInstance(settings));
		// A model's key may be written plainly (models.gpt-4o) or in brackets (models[gpt-4.1]);
		// with dashes, capitals or dots in the id the two forms do not match each other.
		ConfigurationPropertyName models = ConfigurationPropertyName.of(PREFIX + "models");
		this.binder.bind(models.append(ConfigurationPropertyName.adapt(modelId, '.')).append(group),
				Bindable.ofInstance(settings));
		this.binder.bind(PREFIX + "models[" + modelId + "]." + group, Bindable.ofInstance(settings));
		return settings;
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
				.automaticTransitionFromOpenToHalfOpenEnabled(settings.isAutomaticTransitionToHalfOpen())
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

	private static void check(String prefix, Retry retry) {
		PropertyChecks.atLeast(prefix + "max-attempts", retry.getMaxAttempts(), 1);
		PropertyChecks.positive(prefix + "initial-backoff", retry.getInitialBackoff());
		PropertyChecks.between(prefix + "multiplier", retry.getMultiplier(), 1, 100);
		PropertyChecks.positive(prefix + "max-backoff", retry.getMaxBackoff());
		// resilience4j wants a factor below 1: a wait may shrink towards zero, never reach it
		PropertyChecks.between(prefix + "jitter", retry.getJitter(), 0, 0.99);
		PropertyChecks.positive(prefix + "max-server-wait", retry.getMaxServerWait());
	}

	private static void check(String prefix, CircuitBreaker breaker) {
		PropertyChecks.atLeast(prefix + "sliding-window-size", breaker.getSlidingWindowSize(), 1);
		PropertyChecks.atLeast(prefix + "minimum-number-of-calls", breaker.getMinimumNumberOfCalls(), 1);
		PropertyChecks.between(prefix + "failure-rate-threshold", breaker.getFailureRateThreshold(), 1, 100);
		PropertyChecks.between(prefix + "slow-call-rate-threshold", breaker.getSlowCallRateThreshold(), 1, 100);
		PropertyChecks.positive(prefix + "slow-call-duration-threshold", breaker.getSlowCallDurationThreshold());
		PropertyChecks.positive(prefix + "wait-in-open", breaker.getWaitInOpen());
		PropertyChecks.atLeast(prefix + "permitted-calls-in-half-open", breaker.getPermittedCallsInHalfOpen(), 1);
	}

}
