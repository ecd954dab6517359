package dev.llmresilience.resilience;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.pipeline.ResilientPipeline;
import dev.llmresilience.provider.LlmProvider;
import dev.llmresilience.test.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

import org.springframework.lang.Nullable;

/**
 * Builds a {@link FallbackChain} the way the auto-configuration does, over
 * {@link ScriptedProvider}s, with breakers on a {@link MutableClock} and a backoff
 * without jitter: 500ms, then 1s, 2s, 4s, at most 8s; server waits honoured up to 60s.
 * Unless changed, each breaker has a count-based window of 4 calls, all needed before it
 * may open at a 50% failure rate, stays open 30s, and then lets 2 probe calls through.
 */
final class ChainFixture {

	static final Duration MAX_SERVER_WAIT = Duration.ofSeconds(60);

	private final MutableClock clock = new MutableClock();

	private final Map<String, ScriptedProvider> providers = new LinkedHashMap<>();

	private final Map<String, LlmModel> models = new LinkedHashMap<>();

	private final Map<String, List<String>> chains = new LinkedHashMap<>();

	private int maxAttempts = 3;

	private boolean recordRateLimits = true;

	private UnaryOperator<CircuitBreakerConfig.Builder> breakerSettings = UnaryOperator.identity();

	private FallbackChain chain;

	/**
	 * Return a fixture with provider {@code anthropic} serving {@code primary} (a 100,000
	 * token window) and {@code secondary} (200,000), the default chain trying them in
	 * that order.
	 */
	static ChainFixture primaryAndSecondary() {
		return new ChainFixture().provider("anthropic", "anthropic")
			.model("primary", "anthropic", 100_000)
			.model("secondary", "anthropic", 200_000)
			.chain("default", "primary", "secondary");
	}

	/**
	 * Return a request of a single prompt for the default chain.
	 */
	static LlmRequest request() {
		return LlmRequest.ofPrompt("Hello");
	}

	ChainFixture provider(String id, String type) {
		this.providers.put(id, new ScriptedProvider(id, type));
		return this;
	}

	ChainFixture model(String id, String provider, @Nullable Integer contextWindow) {
		this.models.put(id, new LlmModel(id, provider, id + "-model", 4096, contextWindow));
		return this;
	}

	/**
	 * Add a chain; the first one added is the default chain.
	 */
	ChainFixture chain(String name, String... models) {
		this.chains.put(name, List.of(models));
		return this;
	}

	ChainFixture maxAttempts(int maxAttempts) {
		this.maxAttempts = maxAttempts;
		return this;
	}

	ChainFixture recordRateLimits(boolean recordRateLimits) {
		this.recordRateLimits = recordRateLimits;
		return this;
	}

	/**
	 * Change the breakers' settings; what counts as a failure stays the classifier's.
	 */
	ChainFixture breaker(UnaryOperator<CircuitBreakerConfig.Builder> settings) {
		this.breakerSettings = settings;
		return this;
	}

	ChainFixture script(String model, Reply... replies) {
		providerOf(model).script(model, replies);
		return this;
	}

	ChainFixture always(String model, Reply reply) {
		providerOf(model).always(model, reply);
		return this;
	}

	int calls(String model) {
		return providerOf(model).calls(model);
	}

	List<Long> callTimes(String model) {
		return providerOf(model).callTimes(model);
	}

	List<LlmRequest> requests(String model) {
		return providerOf(model).requests(model);
	}

	int cancellations(String model) {
		return providerOf(model).cancellations(model);
	}

	MutableClock clock() {
		return this.clock;
	}

	FallbackChain chain() {
		if (this.chain == null) {
			Map<String, LlmProvider> providers = new LinkedHashMap<>(this.providers);
			ModelCatalog catalog = new ModelCatalog(providers, this.models, this.chains,
					this.chains.keySet().iterator().next());
			LlmErrorClassifier classifier = new LlmErrorClassifier(this.recordRateLimits);
			Map<String, ModelExecutor> executors = new LinkedHashMap<>();
			this.models.forEach((id, model) -> executors.put(id, new ModelExecutor(model, catalog.providerOf(model),
					circuitBreaker(id, classifier), retry(id, classifier))));
			this.chain = new FallbackChain(catalog, executors, classifier);
		}
		return this.chain;
	}

	LlmTemplate template(@Nullable Duration defaultTimeout) {
		return new LlmTemplate(new ResilientPipeline(chain(), null, defaultTimeout));
	}

	CircuitBreaker breaker(String model) {
		return chain().getExecutor(model).getCircuitBreaker();
	}

	Retry retry(String model) {
		return chain().getExecutor(model).getRetry();
	}

	private ScriptedProvider providerOf(String model) {
		return this.providers.get(this.models.get(model).provider());
	}

	private CircuitBreaker circuitBreaker(String name, LlmErrorClassifier classifier) {
		CircuitBreakerConfig.Builder config = CircuitBreakerConfig.custom()
			.slidingWindow(4, 4, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.failureRateThreshold(50)
			.waitDurationInOpenState(Duration.ofSeconds(30))
			.permittedNumberOfCallsInHalfOpenState(2)
			.clock(this.clock);
		return CircuitBreaker.of(name,
				this.breakerSettings.apply(config)
					.recordException(classifier::isBreakerFailure)
					.ignoreException((error) -> !classifier.isBreakerFailure(error))
					.build());
	}

	private Retry retry(String name, LlmErrorClassifier classifier) {
		IntervalBiFunction<Object> formula = IntervalBiFunction
			.ofIntervalFunction(IntervalFunction.ofExponentialBackoff(500, 2.0, 8000));
		return Retry.of(name,
				RetryConfig.custom()
					.maxAttempts(this.maxAttempts)
					.retryOnException(classifier::isRetryable)
					.intervalBiFunction(new RetryAfterBackoff(formula, MAX_SERVER_WAIT))
					.failAfterMaxAttempts(false)
					.build());
	}

}
