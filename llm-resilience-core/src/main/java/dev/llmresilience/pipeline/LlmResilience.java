package dev.llmresilience.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmDeployment;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmPrices;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.budget.CostAccounting;
import dev.llmresilience.budget.LocalRateBudget;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.budget.RateBudget;
import dev.llmresilience.budget.SpendBudget;
import dev.llmresilience.budget.SpendListener;
import dev.llmresilience.provider.LlmProvider;
import dev.llmresilience.provider.ProviderConnectionPools;
import dev.llmresilience.provider.ProviderConnectors;
import dev.llmresilience.provider.ProviderSettings;
import dev.llmresilience.provider.anthropic.AnthropicProvider;
import dev.llmresilience.provider.openai.OpenAiProvider;
import dev.llmresilience.queue.RequestQueue;
import dev.llmresilience.resilience.CircuitBreakerSettings;
import dev.llmresilience.resilience.FallbackChain;
import dev.llmresilience.resilience.LlmErrorClassifier;
import dev.llmresilience.resilience.ModelCatalog;
import dev.llmresilience.resilience.ModelExecutor;
import dev.llmresilience.resilience.ModelResilience;
import dev.llmresilience.resilience.RetrySettings;
import dev.llmresilience.routing.HedgingSettings;
import dev.llmresilience.routing.RoutingStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.lang.Nullable;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * llm-resilience without Spring Boot: the providers, models and chains, with their
 * retries, circuit breakers, rate budgets and request queue, assembled by a
 * {@link Builder} as the auto-configuration assembles them from {@code llm.resilience.*}.
 * Close it to let running requests finish, refuse new ones and release the connection
 * pools. <pre class="code">
 * try (LlmResilience llm = LlmResilience.builder()
 * 		.anthropic("anthropic", System.getenv("ANTHROPIC_API_KEY"))
 * 		.model("sonnet", "anthropic", "claude-sonnet-4-5", 8192)
 * 		.model("haiku", "anthropic", "claude-haiku-4-5", 8192)
 * 		.chain("default", "sonnet", "haiku")
 * 		.build()) {
 * 	String answer = llm.template().callBlocking("Hello");
 * }
 * </pre>
 */
public final class LlmResilience implements AutoCloseable {

	/**
	 * Largest response body, or stream event, read into memory, as the properties'
	 * default.
	 */
	private static final int MAX_RESPONSE_SIZE = 1024 * 1024;

	private final LlmTemplate template;

	private final ResilientPipeline pipeline;

	private final ProviderConnectionPools pools;

	private final Duration shutdownGrace;

	private LlmResilience(ResilientPipeline pipeline, ProviderConnectionPools pools, Duration shutdownGrace) {
		this.pipeline = pipeline;
		this.template = new LlmTemplate(pipeline);
		this.pools = pools;
		this.shutdownGrace = shutdownGrace;
	}

	/**
	 * Start a builder.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return the template to call models with.
	 * @return the template
	 */
	public LlmTemplate template() {
		return this.template;
	}

	/**
	 * Return the pipeline behind the template, with its catalog and queue.
	 * @return the pipeline
	 */
	public ResilientPipeline pipeline() {
		return this.pipeline;
	}

	/**
	 * Refuse new requests, let running ones finish within the shutdown grace, end those
	 * still waiting with an {@code LlmShutdownException}, then release the connection
	 * pools.
	 */
	@Override
	public void close() {
		try {
			RequestQueue queue = this.pipeline.getQueue();
			if (queue != null) {
				queue.shutdown(this.shutdownGrace).block();
			}
		}
		finally {
			this.pools.close();
		}
	}

	/**
	 * Assembles an {@link LlmResilience}. Defaults are those of the auto-configuration: 3
	 * attempts with backoff, a breaker per model, a queue of 1000 requests served 16 at
	 * once, no overall timeout, no rate budgets, nothing observed.
	 */
	public static final class Builder {

		private final Map<String, Function<Resources, LlmProvider>> providers = new LinkedHashMap<>();

		private final Map<String, LlmModel> models = new LinkedHashMap<>();

		private final Map<String, List<String>> chains = new LinkedHashMap<>();

		private final Map<String, RetrySettings> modelRetries = new LinkedHashMap<>();

		private final Map<String, CircuitBreakerSettings> modelBreakers = new LinkedHashMap<>();

		private final Map<String, long[]> providerBudgets = new LinkedHashMap<>();

		private final Map<String, long[]> modelBudgets = new LinkedHashMap<>();

		private final Map<String, List<LlmDeployment>> deployments = new LinkedHashMap<>();

		private final Map<String, RoutingStrategy> routing = new LinkedHashMap<>();

		private final Set<String> providerWideHolds = new LinkedHashSet<>();

		private final Map<String, HedgingSettings> hedging = new LinkedHashMap<>();

		private final Map<String, LlmPrices> prices = new LinkedHashMap<>();

		private final List<SpendListener> spendListeners = new ArrayList<>();

		private final List<SpendBudget> budgets = new ArrayList<>();

		private String defaultChain;

		private RetrySettings retry = RetrySettings.DEFAULTS;

		private CircuitBreakerSettings circuitBreaker = CircuitBreakerSettings.DEFAULTS;

		private Duration timeout;

		private boolean queueEnabled = true;

		private int queueCapacity = 1000;

		@Nullable
		private Integer maxConcurrent;

		private Duration aging = Duration.ofSeconds(10);

		private Duration shutdownGrace = Duration.ofSeconds(25);

		private int maxConnections = 500;

		private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

		private Clock clock = Clock.systemUTC();

		private ObjectMapper objectMapper = new ObjectMapper();

		private CircuitBreakerRegistry circuitBreakerRegistry = CircuitBreakerRegistry.ofDefaults();

		private RetryRegistry retryRegistry = RetryRegistry.ofDefaults();

		private Builder() {
		}

		/**
		 * Add an Anthropic Messages API provider at {@code https://api.anthropic.com},
		 * with the default timeouts (connect 10s, first byte 120s, stream idle 30s).
		 * @param id the provider id that models name
		 * @param apiKey the API key
		 * @return this builder
		 */
		public Builder anthropic(String id, String apiKey) {
			return anthropic(ProviderSettings.of(id, "https://api.anthropic.com", apiKey), "2023-06-01");
		}

		/**
		 * Add an Anthropic Messages API provider.
		 * @param settings its id, base URL, key, headers and timeouts
		 * @param version the {@code anthropic-version} header
		 * @return this builder
		 */
		public Builder anthropic(ProviderSettings settings, String version) {
			return provider(settings.id(), (resources) -> new AnthropicProvider(settings, version,
					resources.webClient(settings), resources.objectMapper(), resources.clock()));
		}

		/**
		 * Add a provider of the OpenAI Chat Completions API or a server compatible with
		 * it, with the default timeouts.
		 * @param id the provider id that models name
		 * @param baseUrl the API's root URL, such as {@code https://api.openai.com/v1}
		 * @param apiKey the API key, or {@code null} for a server that needs none
		 * @return this builder
		 */
		public Builder openAi(String id, String baseUrl, @Nullable String apiKey) {
			return openAi(ProviderSettings.of(id, baseUrl, apiKey));
		}

		/**
		 * Add a provider of the OpenAI Chat Completions API or a server compatible with
		 * it.
		 * @param settings its id, base URL, key, headers and timeouts
		 * @return this builder
		 */
		public Builder openAi(ProviderSettings settings) {
			return provider(settings.id(), (resources) -> new OpenAiProvider(settings, resources.webClient(settings),
					resources.objectMapper(), resources.clock()));
		}

		/**
		 * Add a provider built by the caller, which then owns its HTTP client.
		 * @param provider the provider
		 * @return this builder
		 */
		public Builder provider(LlmProvider provider) {
			return provider(provider.id(), (resources) -> provider);
		}

		private Builder provider(String id, Function<Resources, LlmProvider> provider) {
			Assert.isTrue(!this.providers.containsKey(id), () -> "Provider '" + id + "' is added twice");
			this.providers.put(id, provider);
			return this;
		}

		/**
		 * Add a model.
		 * @param id the model id that chains and requests name
		 * @param provider the id of the provider that serves it
		 * @param name the name the provider knows it by
		 * @param maxOutputTokens the largest {@code max_tokens} sent
		 * @return this builder
		 */
		public Builder model(String id, String provider, String name, int maxOutputTokens) {
			return model(new LlmModel(id, provider, name, maxOutputTokens, null));
		}

		/**
		 * Add a model.
		 * @param model the model
		 * @return this builder
		 */
		public Builder model(LlmModel model) {
			Assert.isTrue(!this.models.containsKey(model.id()), () -> "Model '" + model.id() + "' is added twice");
			this.models.put(model.id(), model);
			return this;
		}

		/**
		 * Price the tokens of a model, so that its answers carry their cost; without
		 * prices, its calls cost {@link dev.llmresilience.LlmCost#UNKNOWN}. A deployment
		 * with prices of its own ({@link LlmDeployment#prices()}) is priced by them.
		 * @param modelId the model id
		 * @param prices what its tokens cost
		 * @return this builder
		 */
		public Builder prices(String modelId, LlmPrices prices) {
			this.prices.put(modelId, prices);
			return this;
		}

		/**
		 * Tell a listener what every attempt is billed, such as to count spend.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder spendListener(SpendListener listener) {
			Assert.notNull(listener, "listener must not be null");
			this.spendListeners.add(listener);
			return this;
		}

		/**
		 * Keep a spend budget: the calls it covers reserve their estimate before they are
		 * made, and settle with what they cost; its action decides what happens to a call
		 * that would pass it. Its currency is that of the prices.
		 * @param budget the budget, such as
		 * {@code new SpendBudget("daily", Scope.EVERYTHING,
		 * BigDecimal.valueOf(50), "USD", Period.DAY, ZoneOffset.UTC, Action.REFUSE)}
		 * @return this builder
		 */
		public Builder budget(SpendBudget budget) {
			Assert.isTrue(this.budgets.stream().noneMatch((added) -> added.name().equals(budget.name())),
					() -> "Budget '" + budget.name() + "' is added twice");
			this.budgets.add(budget);
			return this;
		}

		/**
		 * Add a chain. The chain named {@code default}, or the only chain, serves
		 * requests that name neither a chain nor a model, unless
		 * {@link #defaultChain(String)} names another.
		 * @param name the chain's name
		 * @param modelIds the ids of its models, the preferred first
		 * @return this builder
		 */
		public Builder chain(String name, String... modelIds) {
			this.chains.put(name, List.of(modelIds));
			return this;
		}

		/**
		 * Name the chain that serves requests naming neither a chain nor a model.
		 * @param name the chain's name
		 * @return this builder
		 */
		public Builder defaultChain(String name) {
			this.defaultChain = name;
			return this;
		}

		/**
		 * Set the retries of every model without settings of its own.
		 * @param retry the settings
		 * @return this builder
		 */
		public Builder retry(RetrySettings retry) {
			this.retry = retry;
			return this;
		}

		/**
		 * Set the retries of one model.
		 * @param modelId the model id
		 * @param retry the settings
		 * @return this builder
		 */
		public Builder retry(String modelId, RetrySettings retry) {
			this.modelRetries.put(modelId, retry);
			return this;
		}

		/**
		 * Set the circuit breaker of every model without settings of its own.
		 * @param circuitBreaker the settings
		 * @return this builder
		 */
		public Builder circuitBreaker(CircuitBreakerSettings circuitBreaker) {
			this.circuitBreaker = circuitBreaker;
			return this;
		}

		/**
		 * Set the circuit breaker of one model.
		 * @param modelId the model id
		 * @param circuitBreaker the settings
		 * @return this builder
		 */
		public Builder circuitBreaker(String modelId, CircuitBreakerSettings circuitBreaker) {
			this.modelBreakers.put(modelId, circuitBreaker);
			return this;
		}

		/**
		 * Pace the calls to a provider.
		 * @param providerId the provider id
		 * @param requestsPerMinute requests per minute, or 0 for no limit
		 * @param tokensPerMinute input and output tokens per minute, or 0 for no limit
		 * @return this builder
		 */
		public Builder providerRateLimit(String providerId, long requestsPerMinute, long tokensPerMinute) {
			this.providerBudgets.put(providerId, new long[] { requestsPerMinute, tokensPerMinute });
			return this;
		}

		/**
		 * Pace the calls to a model, on top of its provider's pace.
		 * @param modelId the model id
		 * @param requestsPerMinute requests per minute, or 0 for no limit
		 * @param tokensPerMinute input and output tokens per minute, or 0 for no limit
		 * @return this builder
		 */
		public Builder modelRateLimit(String modelId, long requestsPerMinute, long tokensPerMinute) {
			this.modelBudgets.put(modelId, new long[] { requestsPerMinute, tokensPerMinute });
			return this;
		}

		/**
		 * Serve a model by a deployment, in addition to those added before: the model is
		 * then served by its deployments only, not by its own provider.
		 * @param modelId the model id
		 * @param deployment the deployment
		 * @return this builder
		 */
		public Builder deployment(String modelId, LlmDeployment deployment) {
			this.deployments.computeIfAbsent(modelId, (id) -> new ArrayList<>()).add(deployment);
			return this;
		}

		/**
		 * Pace the calls of one deployment of a model, on top of the model's and its
		 * provider's budgets.
		 * @param modelId the model id
		 * @param deployment the deployment's name
		 * @param requestsPerMinute the requests per minute, 0 for no limit
		 * @param tokensPerMinute the tokens per minute, 0 for no limit
		 * @return this builder
		 */
		public Builder deploymentRateLimit(String modelId, String deployment, long requestsPerMinute,
				long tokensPerMinute) {
			this.modelBudgets.put(modelId + "/" + deployment, new long[] { requestsPerMinute, tokensPerMinute });
			return this;
		}

		/**
		 * Set how the attempts of a model pick among its deployments.
		 * @param modelId the model id
		 * @param strategy the strategy; {@link RoutingStrategy#WEIGHTED_RANDOM} by
		 * default
		 * @return this builder
		 */
		public Builder routing(String modelId, RoutingStrategy strategy) {
			this.routing.put(modelId, strategy);
			return this;
		}

		/**
		 * Hedge the attempts of a model served by several deployments.
		 * @param modelId the model id
		 * @param settings when and how much to hedge
		 * @return this builder
		 */
		public Builder hedging(String modelId, HedgingSettings settings) {
			this.hedging.put(modelId, settings);
			return this;
		}

		/**
		 * Let every hold learnt from a provider hold all its models, for a provider whose
		 * limits count all of them together.
		 * @param providerId the provider id
		 * @return this builder
		 */
		public Builder providerWideHolds(String providerId) {
			this.providerWideHolds.add(providerId);
			return this;
		}

		/**
		 * Set the overall time limit of requests that set none.
		 * @param timeout the limit, or {@code null} for none
		 * @return this builder
		 */
		public Builder timeout(@Nullable Duration timeout) {
			this.timeout = timeout;
			return this;
		}

		/**
		 * Set the request queue's limits.
		 * @param capacity requests that may wait
		 * @param maxConcurrent requests served at once; without this call, as many as a
		 * provider's pool holds ({@link #maxConnections(int)}, 500 by default)
		 * @return this builder
		 */
		public Builder queue(int capacity, int maxConcurrent) {
			this.queueEnabled = true;
			this.queueCapacity = capacity;
			this.maxConcurrent = maxConcurrent;
			return this;
		}

		/**
		 * Serve every request at once, without a queue.
		 * @return this builder
		 */
		public Builder withoutQueue() {
			this.queueEnabled = false;
			return this;
		}

		/**
		 * Set the time running requests may still take when {@link LlmResilience#close()}
		 * is called.
		 * @param shutdownGrace the grace period
		 * @return this builder
		 */
		public Builder shutdownGrace(Duration shutdownGrace) {
			this.shutdownGrace = shutdownGrace;
			return this;
		}

		/**
		 * Set the most connections open to each provider at once.
		 * @param maxConnections the limit of each provider's pool
		 * @return this builder
		 */
		public Builder maxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
			return this;
		}

		/**
		 * Observe requests and attempts ({@code llm.request}, {@code llm.attempt}).
		 * @param observationRegistry the registry
		 * @return this builder
		 */
		public Builder observationRegistry(ObservationRegistry observationRegistry) {
			this.observationRegistry = observationRegistry;
			return this;
		}

		/**
		 * Set the clock of breaker waits, rate-limit holds and the periods of spend
		 * budgets.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Set the mapper that writes requests and reads answers.
		 * @param objectMapper the mapper
		 * @return this builder
		 */
		public Builder objectMapper(ObjectMapper objectMapper) {
			this.objectMapper = objectMapper;
			return this;
		}

		/**
		 * Keep the models' breakers and retries in these registries, whose instances
		 * named after a model set its numbers.
		 * @param circuitBreakerRegistry the breakers' registry
		 * @param retryRegistry the retries' registry
		 * @return this builder
		 */
		public Builder registries(CircuitBreakerRegistry circuitBreakerRegistry, RetryRegistry retryRegistry) {
			this.circuitBreakerRegistry = circuitBreakerRegistry;
			this.retryRegistry = retryRegistry;
			return this;
		}

		/**
		 * Assemble the providers, models and chains.
		 * @return the assembled library, to be closed when done
		 * @throws IllegalArgumentException if a model names an unknown provider, a chain
		 * an unknown model, or the default chain does not exist
		 */
		public LlmResilience build() {
			ProviderConnectionPools pools = new ProviderConnectionPools(List.of());
			try {
				Resources resources = new Resources(pools, this.maxConnections, this.objectMapper, this.clock);
				Map<String, LlmProvider> providers = new LinkedHashMap<>();
				this.providers.forEach((id, provider) -> providers.put(id, provider.apply(resources)));
				Map<String, LlmModel> models = new LinkedHashMap<>(this.models);
				this.prices.forEach((id, modelPrices) -> {
					Assert.isTrue(models.containsKey(id), () -> "Prices are set for unknown model '" + id + "'");
					models.computeIfPresent(id, (key, model) -> model.withPrices(modelPrices));
				});
				ModelCatalog catalog = new ModelCatalog(providers, models, this.chains,
						ModelCatalog.defaultChain(this.defaultChain, this.chains.keySet()), this.deployments);
				ProviderPacer pacer = new ProviderPacer(budgets(this.providerBudgets), budgets(this.modelBudgets),
						this.clock, this.retry.maxServerWait(), (scope, until) -> {
						}, this.providerWideHolds);
				Map<String, ModelExecutor> executors = new LinkedHashMap<>();
				models.forEach((id, model) -> executors.put(id, executor(model, catalog, pacer)));
				FallbackChain chain = new FallbackChain(catalog, executors,
						new LlmErrorClassifier(this.circuitBreaker.recordRateLimits()),
						new CostAccounting(this.spendListeners, this.budgets, this.clock));
				RequestQueue queue = this.queueEnabled
						? new RequestQueue(this.queueCapacity, Map.of(),
								(this.maxConcurrent != null) ? this.maxConcurrent : this.maxConnections, this.aging)
						: null;
				return new LlmResilience(new ResilientPipeline(chain, queue, this.timeout, this.observationRegistry),
						pools, this.shutdownGrace);
			}
			catch (RuntimeException ex) {
				pools.close();
				throw ex;
			}
		}

		private ModelExecutor executor(LlmModel model, ModelCatalog catalog, ProviderPacer pacer) {
			return ModelResilience.executor(model, catalog,
					this.routing.getOrDefault(model.id(), RoutingStrategy.WEIGHTED_RANDOM),
					this.hedging.get(model.id()),
					new ModelResilience.Registries(this.circuitBreakerRegistry, this.retryRegistry),
					this.modelBreakers.getOrDefault(model.id(), this.circuitBreaker),
					this.modelRetries.getOrDefault(model.id(), this.retry), this.clock, pacer,
					this.observationRegistry);
		}

		private static Map<String, RateBudget> budgets(Map<String, long[]> limits) {
			Map<String, RateBudget> budgets = new LinkedHashMap<>();
			limits.forEach((id, limit) -> {
				if (limit[0] > 0 || limit[1] > 0) {
					budgets.put(id, new LocalRateBudget(limit[0], limit[1]));
				}
			});
			return budgets;
		}

	}

	/**
	 * What the providers added by settings are built with: a pool of their own each.
	 */
	private record Resources(ProviderConnectionPools pools, int maxConnections, ObjectMapper objectMapper,
			Clock clock) {

		WebClient.Builder webClient(ProviderSettings settings) {
			return WebClient.builder()
				.clientConnector(
						ProviderConnectors.connector(settings, this.pools.create(settings, this.maxConnections), null))
				.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(MAX_RESPONSE_SIZE));
		}

	}

}
