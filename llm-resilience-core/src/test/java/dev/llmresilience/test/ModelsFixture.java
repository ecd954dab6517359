package dev.llmresilience.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.provider.LlmProvider;
import dev.llmresilience.resilience.FallbackChain;
import dev.llmresilience.resilience.LlmErrorClassifier;
import dev.llmresilience.resilience.ModelCatalog;
import dev.llmresilience.resilience.ModelExecutor;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Three models with real resilience4j breakers, for tests that drive the breakers by
 * hand: {@code sonnet} and {@code haiku} of provider {@code anthropic} in chain
 * {@code default}, {@code llama} of provider {@code local} in chain {@code local}. Each
 * breaker opens after two failed calls out of two and lets one probe through after 30s.
 */
public final class ModelsFixture {

	public static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

	private final FallbackChain chain;

	private ModelsFixture(Map<String, List<String>> chains) {
		Map<String, LlmProvider> providers = new LinkedHashMap<>();
		providers.put("anthropic", new IdleProvider("anthropic", "anthropic"));
		providers.put("local", new IdleProvider("local", "openai"));
		Map<String, LlmModel> models = new LinkedHashMap<>();
		models.put("sonnet", new LlmModel("sonnet", "anthropic", "claude-sonnet-4-5", 4096, null));
		models.put("haiku", new LlmModel("haiku", "anthropic", "claude-haiku-4-5", 4096, null));
		models.put("llama", new LlmModel("llama", "local", "llama3.2", 4096, null));
		ModelCatalog catalog = new ModelCatalog(providers, models, chains,
				chains.isEmpty() ? null : chains.keySet().iterator().next());
		Map<String, ModelExecutor> executors = new LinkedHashMap<>();
		models.forEach((id, model) -> executors.put(id,
				new ModelExecutor(model, catalog.providerOf(model), newBreaker(id), Retry.ofDefaults(id))));
		this.chain = new FallbackChain(catalog, executors, new LlmErrorClassifier(true));
	}

	/**
	 * Return the fixture with chains {@code default} (sonnet, haiku) and {@code local}
	 * (llama).
	 */
	public static ModelsFixture withChains() {
		Map<String, List<String>> chains = new LinkedHashMap<>();
		chains.put("default", List.of("sonnet", "haiku"));
		chains.put("local", List.of("llama"));
		return new ModelsFixture(chains);
	}

	/**
	 * Return the fixture without any chain.
	 */
	public static ModelsFixture withoutChains() {
		return new ModelsFixture(Map.of());
	}

	public FallbackChain chain() {
		return this.chain;
	}

	public CircuitBreaker breaker(String model) {
		return this.chain.getExecutor(model).getCircuitBreaker();
	}

	/**
	 * Record failed calls until the model's breaker opens.
	 */
	public void open(String model) {
		CircuitBreaker breaker = breaker(model);
		while (breaker.getState() != CircuitBreaker.State.OPEN) {
			breaker.onError(10, TimeUnit.MILLISECONDS, overloaded(model));
		}
	}

	public static LlmOverloadedException overloaded(String model) {
		return new LlmOverloadedException("anthropic", model,
				new LlmApiException.Details(529, "overloaded_error", null, "Overloaded", null, null, null, null));
	}

	private static CircuitBreaker newBreaker(String name) {
		return CircuitBreaker.of(name,
				CircuitBreakerConfig.custom()
					.slidingWindow(2, 2, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
					.failureRateThreshold(50)
					.waitDurationInOpenState(Duration.ofSeconds(30))
					.permittedNumberOfCallsInHalfOpenState(1)
					.clock(Clock.fixed(NOW, ZoneOffset.UTC))
					.build());
	}

	/**
	 * A provider that is never called: these tests drive the breakers themselves.
	 */
	private record IdleProvider(String id, String type) implements LlmProvider {

		@Override
		public Mono<LlmResponse> call(LlmModel model, LlmRequest request) {
			return Mono.error(new UnsupportedOperationException("not called in these tests"));
		}

		@Override
		public Flux<LlmStreamEvent> stream(LlmModel model, LlmRequest request) {
			return Flux.error(new UnsupportedOperationException("not called in these tests"));
		}

	}

}
