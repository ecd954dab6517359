package dev.llmresilience.budget;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.llmresilience.LlmModel;
import dev.llmresilience.provider.LlmProvider;
import dev.llmresilience.resilience.FallbackChain;
import dev.llmresilience.resilience.LlmErrorClassifier;
import dev.llmresilience.resilience.ModelCatalog;
import dev.llmresilience.resilience.ModelExecutor;
import dev.llmresilience.resilience.RetryAfterBackoff;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.observation.ObservationRegistry;

/**
 * Builds a {@link FallbackChain} whose executors share a {@link ProviderPacer}: model
 * {@code primary} of provider {@code primary}, then model {@code secondary} of provider
 * {@code secondary}. Each model is tried three times, 500ms apart unless the server asks
 * for a longer wait (honoured up to 60s); the breakers keep their defaults, which need
 * 100 calls.
 */
public final class PacedChains {

	public static final LlmModel PRIMARY = new LlmModel("primary", "primary", "primary-model", 4096, null);

	public static final LlmModel SECONDARY = new LlmModel("secondary", "secondary", "secondary-model", 4096, null);

	private PacedChains() {
	}

	public static FallbackChain chain(ProviderPacer pacer, RecordingProvider primary, RecordingProvider secondary) {
		Map<String, LlmProvider> providers = new LinkedHashMap<>();
		providers.put(primary.id(), primary);
		providers.put(secondary.id(), secondary);
		Map<String, LlmModel> models = new LinkedHashMap<>();
		models.put(PRIMARY.id(), PRIMARY);
		models.put(SECONDARY.id(), SECONDARY);
		ModelCatalog catalog = new ModelCatalog(providers, models,
				Map.of("default", List.of(PRIMARY.id(), SECONDARY.id())), "default");
		LlmErrorClassifier classifier = new LlmErrorClassifier(true);
		Map<String, ModelExecutor> executors = new LinkedHashMap<>();
		models.forEach((id, model) -> executors.put(id, new ModelExecutor(model, catalog.providerOf(model),
				CircuitBreaker.ofDefaults(id), retry(id, classifier), pacer, ObservationRegistry.NOOP)));
		return new FallbackChain(catalog, executors, classifier);
	}

	private static Retry retry(String name, LlmErrorClassifier classifier) {
		IntervalBiFunction<Object> formula = IntervalBiFunction
			.ofIntervalFunction(IntervalFunction.of(Duration.ofMillis(500)));
		return Retry.of(name,
				RetryConfig.custom()
					.maxAttempts(3)
					.retryOnException(classifier::isRetryable)
					.intervalBiFunction(new RetryAfterBackoff(formula, Duration.ofSeconds(60)))
					.failAfterMaxAttempts(false)
					.build());
	}

}
