package dev.llmresilience.autoconfigure;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.llmresilience.LlmCapability;
import dev.llmresilience.LlmPriority;
import dev.llmresilience.budget.SpendBudget;
import dev.llmresilience.routing.RoutingStrategy;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for llm-resilience.
 *
 * @author llm-resilience
 */
@ConfigurationProperties("llm.resilience")
public class LlmResilienceProperties implements InitializingBean {

	/**
	 * Whether to auto-configure LlmTemplate when providers are configured.
	 */
	private boolean enabled = true;

	/**
	 * Provider connections by id. Models refer to a provider by this id.
	 */
	private Map<String, Provider> providers = new LinkedHashMap<>();

	/**
	 * Models by id. Chains and requests refer to a model by this id.
	 */
	private Map<String, Model> models = new LinkedHashMap<>();

	/**
	 * Chains by name: each an ordered list of model ids, tried first to last.
	 */
	private Map<String, List<String>> chains = new LinkedHashMap<>();

	/**
	 * Name of the chain that serves requests naming no chain or model. When not set, the
	 * chain named 'default', or else the only chain, if there is exactly one.
	 */
	private String defaultChain;

	/**
	 * Overall time limit of a request that sets none, covering its attempts and backoffs.
	 * No limit when not set; each attempt is still bounded by its provider's timeouts.
	 */
	private Duration timeout;

	/**
	 * Retries of one model within a request, for every model.
	 */
	private final Retry retry = new Retry();

	/**
	 * Circuit breaker of each model.
	 */
	private final CircuitBreaker circuitBreaker = new CircuitBreaker();

	/**
	 * Admission of requests: priority queue and concurrency limit.
	 */
	private final Queue queue = new Queue();

	/**
	 * The llm health indicator.
	 */
	private final Health health = new Health();

	/**
	 * Rate budgets and holds shared by the replicas of the application through Redis.
	 */
	private final Cluster cluster = new Cluster();

	/**
	 * What calls cost: the currency of every price, the caller tags that spend is counted
	 * by, and the spend budgets.
	 */
	private final Cost cost = new Cost();

	/**
	 * Check the bound values, then give each model's retry and circuit breaker the global
	 * value of every key the model does not set, each deployment's prices the model's
	 * value of every key the deployment does not set, and the queue its concurrency if
	 * none is set, so that they show the values in effect.
	 * @throws InvalidLlmPropertyException if a value is invalid
	 */
	@Override
	public void afterPropertiesSet() {
		new LlmPropertiesValidator().validate(this);
		this.models.values().forEach((model) -> {
			model.getRetry().inheritUnset(this.retry);
			model.getCircuitBreaker().inheritUnset(this.circuitBreaker);
			model.getDeployments()
				.values()
				.forEach((deployment) -> deployment.getPrices().inheritUnset(model.getPrices()));
		});
		if (this.queue.getMaxConcurrent() == null) {
			// as many as the smallest pool serves without a wait for a connection; a
			// Spring AI model's connections are its own
			this.queue.setMaxConcurrent(this.providers.values()
				.stream()
				.filter((provider) -> provider.getType() != ProviderType.SPRING_AI)
				.mapToInt(Provider::getMaxConnections)
				.min()
				.orElse(Provider.DEFAULT_MAX_CONNECTIONS));
		}
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Map<String, Provider> getProviders() {
		return this.providers;
	}

	public void setProviders(Map<String, Provider> providers) {
		this.providers = providers;
	}

	public Map<String, Model> getModels() {
		return this.models;
	}

	public void setModels(Map<String, Model> models) {
		this.models = models;
	}

	public Map<String, List<String>> getChains() {
		return this.chains;
	}

	public void setChains(Map<String, List<String>> chains) {
		this.chains = chains;
	}

	public String getDefaultChain() {
		return this.defaultChain;
	}

	public void setDefaultChain(String defaultChain) {
		this.defaultChain = defaultChain;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public CircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	public Queue getQueue() {
		return this.queue;
	}

	public Health getHealth() {
		return this.health;
	}

	public Cluster getCluster() {
		return this.cluster;
	}

	public Cost getCost() {
		return this.cost;
	}

	/**
	 * The wire formats a provider may speak.
	 */
	public enum ProviderType {

		/**
		 * The Anthropic Messages API.
		 */
		ANTHROPIC,

		/**
		 * The OpenAI Chat Completions API and servers compatible with it (Ollama, vLLM,
		 * LM Studio, gateways).
		 */
		OPENAI,

		/**
		 * A Spring AI ChatModel bean, named by 'chat-model', called through Spring AI.
		 * Needs llm-resilience-spring-ai on the class path.
		 */
		SPRING_AI

	}

	/**
	 * Connection settings of one provider.
	 */
	public static class Provider {

		static final int DEFAULT_MAX_CONNECTIONS = 500;

		/**
		 * Wire format of the provider: 'anthropic', 'openai', or 'spring-ai' for a Spring
		 * AI ChatModel bean.
		 */
		private ProviderType type;

		/**
		 * Name of the Spring AI ChatModel bean that serves a 'spring-ai' provider. Its
		 * connection settings are the bean's own, so base-url, api-key and headers are
		 * refused for such a provider.
		 */
		private String chatModel;

		/**
		 * Root URL of the API. Defaults to https://api.anthropic.com for 'anthropic' and
		 * https://api.openai.com/v1 for 'openai'.
		 */
		private URI baseUrl;

		/**
		 * API key. Required for 'anthropic'; optional for 'openai', whose local servers
		 * often need none. Never logged or shown by actuator endpoints.
		 */
		private String apiKey;

		/**
		 * Value of the anthropic-version header, for 'anthropic' providers.
		 */
		private String anthropicVersion = "2023-06-01";

		/**
		 * Extra headers sent with every request, such as anthropic-beta or
		 * OpenAI-Organization.
		 */
		private Map<String, String> headers = new LinkedHashMap<>();

		/**
		 * Time limit for opening a connection.
		 */
		private Duration connectTimeout = Duration.ofSeconds(10);

		/**
		 * Time limit for the response to begin: the whole answer for non-streaming calls;
		 * for streams, the response headers and then, again, the first event.
		 */
		private Duration firstByteTimeout = Duration.ofSeconds(120);

		/**
		 * Time limit between two parts of a stream. Providers send keep-alive events, so
		 * a longer silence means a stalled stream.
		 */
		private Duration streamIdleTimeout = Duration.ofSeconds(30);

		/**
		 * Whether to allow sending the API key over plain http to a host other than
		 * loopback.
		 */
		private boolean allowInsecureTransport = false;

		/**
		 * Largest response body, or stream event, read into memory; a larger one fails
		 * the call with an invalid-response error instead of exhausting memory.
		 */
		private DataSize maxResponseSize = DataSize.ofMegabytes(1);

		/**
		 * Most connections open to this provider at once, in a pool of its own. A call
		 * that finds none free within the connect timeout is not made, and the chain
		 * moves on.
		 */
		private int maxConnections = DEFAULT_MAX_CONNECTIONS;

		/**
		 * Requests per minute sent to this provider, paced smoothly. 0 for no limit of
		 * our own; the provider's rate-limit headers and 429s still hold calls back.
		 */
		private long requestsPerMinute = 0;

		/**
		 * Input and output tokens per minute sent to this provider, estimated before a
		 * call and corrected by its usage after. 0 for no limit of our own.
		 */
		private long tokensPerMinute = 0;

		/**
		 * What a rate limit learnt from this provider holds back: 'model', the model (or
		 * deployment) it was seen for, as Anthropic and OpenAI count their limits; or
		 * 'provider', every model of this provider, for a server whose limits count all
		 * its models together. A quota error holds the whole provider in either case.
		 */
		private HoldScope holdScope = HoldScope.MODEL;

		public ProviderType getType() {
			return this.type;
		}

		public int getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
		}

		public void setType(ProviderType type) {
			this.type = type;
		}

		public String getChatModel() {
			return this.chatModel;
		}

		public void setChatModel(String chatModel) {
			this.chatModel = chatModel;
		}

		public URI getBaseUrl() {
			return this.baseUrl;
		}

		public void setBaseUrl(URI baseUrl) {
			this.baseUrl = baseUrl;
		}

		public String getApiKey() {
			return this.apiKey;
		}

		public void setApiKey(String apiKey) {
			this.apiKey = apiKey;
		}

		public String getAnthropicVersion() {
			return this.anthropicVersion;
		}

		public void setAnthropicVersion(String anthropicVersion) {
			this.anthropicVersion = anthropicVersion;
		}

		public Map<String, String> getHeaders() {
			return this.headers;
		}

		public void setHeaders(Map<String, String> headers) {
			this.headers = headers;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getFirstByteTimeout() {
			return this.firstByteTimeout;
		}

		public void setFirstByteTimeout(Duration firstByteTimeout) {
			this.firstByteTimeout = firstByteTimeout;
		}

		public Duration getStreamIdleTimeout() {
			return this.streamIdleTimeout;
		}

		public void setStreamIdleTimeout(Duration streamIdleTimeout) {
			this.streamIdleTimeout = streamIdleTimeout;
		}

		public boolean isAllowInsecureTransport() {
			return this.allowInsecureTransport;
		}

		public void setAllowInsecureTransport(boolean allowInsecureTransport) {
			this.allowInsecureTransport = allowInsecureTransport;
		}

		public DataSize getMaxResponseSize() {
			return this.maxResponseSize;
		}

		public void setMaxResponseSize(DataSize maxResponseSize) {
			this.maxResponseSize = maxResponseSize;
		}

		public long getRequestsPerMinute() {
			return this.requestsPerMinute;
		}

		public void setRequestsPerMinute(long requestsPerMinute) {
			this.requestsPerMinute = requestsPerMinute;
		}

		public long getTokensPerMinute() {
			return this.tokensPerMinute;
		}

		public void setTokensPerMinute(long tokensPerMinute) {
			this.tokensPerMinute = tokensPerMinute;
		}

		public HoldScope getHoldScope() {
			return this.holdScope;
		}

		public void setHoldScope(HoldScope holdScope) {
			this.holdScope = holdScope;
		}

	}

	/**
	 * What a rate limit learnt from a provider holds back.
	 */
	public enum HoldScope {

		/**
		 * The model, or the deployment of a model, that the limit was seen for.
		 */
		MODEL,

		/**
		 * Every model of the provider.
		 */
		PROVIDER

	}

	/**
	 * One model of a provider.
	 */
	public static class Model {

		/**
		 * Id of the provider that serves the model. With deployments, defaults to the
		 * first deployment's provider, and only the deployments serve the model.
		 */
		private String provider;

		/**
		 * Name the provider knows the model by, such as claude-haiku-4-5. Defaults to the
		 * model's id.
		 */
		private String name;

		/**
		 * Largest output token limit sent to the model; requests asking for more are
		 * clamped, requests asking for none get this limit.
		 */
		private int maxOutputTokens = 4096;

		/**
		 * Number of tokens the model accepts as input and output together. Unknown when
		 * not set.
		 */
		private Integer contextWindow;

		/**
		 * What the model takes beyond text: tools, vision, pdf, structured-output,
		 * reasoning. A request that needs one the model lacks skips it. Unknown when not
		 * set: the model gets every request and its provider decides. An empty list means
		 * text only.
		 */
		private Set<LlmCapability> capabilities;

		/**
		 * Fields merged into the wire JSON of every request to this model, over the
		 * request's own, such as temperature or reasoning_effort. Values keep their YAML
		 * types.
		 */
		private Map<String, Object> extraBody = new LinkedHashMap<>();

		/**
		 * Requests per minute sent to this model, on top of its provider's limit. 0 for
		 * no limit of its own.
		 */
		private long requestsPerMinute = 0;

		/**
		 * Tokens per minute sent to this model, on top of its provider's limit. 0 for no
		 * limit of its own.
		 */
		private long tokensPerMinute = 0;

		/**
		 * Retries of this model: any key of llm.resilience.retry, set here for this model
		 * only; keys not set take the global value.
		 */
		private final Retry retry = Retry.unset();

		/**
		 * Circuit breaker of this model: any key of llm.resilience.circuit-breaker, set
		 * here for this model only; keys not set take the global value.
		 */
		private final CircuitBreaker circuitBreaker = CircuitBreaker.unset();

		/**
		 * Endpoints that serve this model, by name: other API keys or organisations,
		 * regions, replicas. Each has its own provider, circuit breaker, rate budgets and
		 * holds. None when not set: the model's provider serves it.
		 */
		private Map<String, Deployment> deployments = new LinkedHashMap<>();

		/**
		 * How an attempt picks among the model's healthy deployments: weighted-random,
		 * least-in-flight, lowest-latency or most-remaining-budget.
		 */
		private RoutingStrategy routing = RoutingStrategy.WEIGHTED_RANDOM;

		/**
		 * Hedged attempts across the model's deployments.
		 */
		private final Hedging hedging = new Hedging();

		/**
		 * What the model's tokens cost, per million, in llm.resilience.cost.currency.
		 * Unknown when not set: its calls then cost 'unknown', never zero.
		 */
		private final Prices prices = new Prices();

		public String getProvider() {
			return this.provider;
		}

		public void setProvider(String provider) {
			this.provider = provider;
		}

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public int getMaxOutputTokens() {
			return this.maxOutputTokens;
		}

		public void setMaxOutputTokens(int maxOutputTokens) {
			this.maxOutputTokens = maxOutputTokens;
		}

		public Integer getContextWindow() {
			return this.contextWindow;
		}

		public void setContextWindow(Integer contextWindow) {
			this.contextWindow = contextWindow;
		}

		public Set<LlmCapability> getCapabilities() {
			return this.capabilities;
		}

		public void setCapabilities(Set<LlmCapability> capabilities) {
			this.capabilities = capabilities;
		}

		public Map<String, Object> getExtraBody() {
			return this.extraBody;
		}

		public void setExtraBody(Map<String, Object> extraBody) {
			this.extraBody = extraBody;
		}

		public long getRequestsPerMinute() {
			return this.requestsPerMinute;
		}

		public void setRequestsPerMinute(long requestsPerMinute) {
			this.requestsPerMinute = requestsPerMinute;
		}

		public long getTokensPerMinute() {
			return this.tokensPerMinute;
		}

		public void setTokensPerMinute(long tokensPerMinute) {
			this.tokensPerMinute = tokensPerMinute;
		}

		public Retry getRetry() {
			return this.retry;
		}

		public CircuitBreaker getCircuitBreaker() {
			return this.circuitBreaker;
		}

		public Map<String, Deployment> getDeployments() {
			return this.deployments;
		}

		public void setDeployments(Map<String, Deployment> deployments) {
			this.deployments = deployments;
		}

		public RoutingStrategy getRouting() {
			return this.routing;
		}

		public void setRouting(RoutingStrategy routing) {
			this.routing = routing;
		}

		public Hedging getHedging() {
			return this.hedging;
		}

		public Prices getPrices() {
			return this.prices;
		}

	}

	/**
	 * One endpoint that serves a model.
	 */
	public static class Deployment {

		/**
		 * Id of the provider that serves this deployment: its base URL, key, headers and
		 * connection pool. All deployments of a model speak one wire format.
		 */
		private String provider;

		/**
		 * Name this deployment knows the model by, such as an Azure deployment name.
		 * Defaults to the model's name.
		 */
		private String name;

		/**
		 * Share of the traffic under weighted-random routing, relative to the model's
		 * other deployments. 0 serves only when no other deployment can.
		 */
		private int weight = 1;

		/**
		 * Requests per minute sent to this deployment, on top of its model's and its
		 * provider's limits. 0 for no limit of its own.
		 */
		private long requestsPerMinute = 0;

		/**
		 * Tokens per minute sent to this deployment, on top of its model's and its
		 * provider's limits. 0 for no limit of its own.
		 */
		private long tokensPerMinute = 0;

		/**
		 * What the model's tokens cost on this deployment, per million. Keys not set take
		 * the model's value.
		 */
		private final Prices prices = new Prices();

		public String getProvider() {
			return this.provider;
		}

		public void setProvider(String provider) {
			this.provider = provider;
		}

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public int getWeight() {
			return this.weight;
		}

		public void setWeight(int weight) {
			this.weight = weight;
		}

		public long getRequestsPerMinute() {
			return this.requestsPerMinute;
		}

		public void setRequestsPerMinute(long requestsPerMinute) {
			this.requestsPerMinute = requestsPerMinute;
		}

		public long getTokensPerMinute() {
			return this.tokensPerMinute;
		}

		public void setTokensPerMinute(long tokensPerMinute) {
			this.tokensPerMinute = tokensPerMinute;
		}

		public Prices getPrices() {
			return this.prices;
		}

	}

	/**
	 * Hedged attempts of one model: an attempt that brought no content after a delay is
	 * sent once more, to another deployment, and the first to bring content wins.
	 */
	public static class Hedging {

		/**
		 * Whether to hedge the model's attempts. Needs two deployments or more.
		 */
		private boolean enabled = false;

		/**
		 * Wait for the first content before a hedge is sent; with a percentile, the wait
		 * until enough latencies were seen for it.
		 */
		private Duration delay = Duration.ofSeconds(2);

		/**
		 * Percentile of the model's observed times to first content to wait instead of
		 * the fixed delay, such as 95. 0 for the fixed delay.
		 */
		private double percentile = 0;

		/**
		 * Most hedges sent for one request.
		 */
		private int maxHedges = 1;

		/**
		 * Largest share of the model's attempts that may be hedged, so that an incident
		 * cannot double the load.
		 */
		private double maxShare = 0.1;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getDelay() {
			return this.delay;
		}

		public void setDelay(Duration delay) {
			this.delay = delay;
		}

		public double getPercentile() {
			return this.percentile;
		}

		public void setPercentile(double percentile) {
			this.percentile = percentile;
		}

		public int getMaxHedges() {
			return this.maxHedges;
		}

		public void setMaxHedges(int maxHedges) {
			this.maxHedges = maxHedges;
		}

		public double getMaxShare() {
			return this.maxShare;
		}

		public void setMaxShare(double maxShare) {
			this.maxShare = maxShare;
		}

	}

	/**
	 * Retries of one model within a request.
	 */
	public static class Retry {

		/**
		 * Calls of one model per request, the first included. 1 disables retries.
		 */
		private Integer maxAttempts = 3;

		/**
		 * Wait before the second call, before jitter.
		 */
		private Duration initialBackoff = Duration.ofMillis(500);

		/**
		 * Factor by which the wait grows from one call to the next.
		 */
		private Double multiplier = 2.0;

		/**
		 * Longest wait the backoff formula gives, after jitter.
		 */
		private Duration maxBackoff = Duration.ofSeconds(8);

		/**
		 * Share by which each wait is randomly shortened or lengthened, from 0 (none) up
		 * to, but not including, 1.
		 */
		private Double jitter = 0.5;

		/**
		 * Longest wait a server may ask for with retry-after-ms or retry-after. A longer
		 * one ends the retries of that model at once, and the request falls back.
		 */
		private Duration maxServerWait = Duration.ofSeconds(60);

		/**
		 * Return settings with no value set, for a model whose keys fall back to the
		 * global ones.
		 * @return the settings
		 */
		static Retry unset() {
			Retry retry = new Retry();
			retry.maxAttempts = null;
			retry.initialBackoff = null;
			retry.multiplier = null;
			retry.maxBackoff = null;
			retry.jitter = null;
			retry.maxServerWait = null;
			return retry;
		}

		/**
		 * Take the value of every key not set here from other settings.
		 * @param global the settings to take values from
		 */
		void inheritUnset(Retry global) {
			this.maxAttempts = (this.maxAttempts != null) ? this.maxAttempts : global.maxAttempts;
			this.initialBackoff = (this.initialBackoff != null) ? this.initialBackoff : global.initialBackoff;
			this.multiplier = (this.multiplier != null) ? this.multiplier : global.multiplier;
			this.maxBackoff = (this.maxBackoff != null) ? this.maxBackoff : global.maxBackoff;
			this.jitter = (this.jitter != null) ? this.jitter : global.jitter;
			this.maxServerWait = (this.maxServerWait != null) ? this.maxServerWait : global.maxServerWait;
		}

		public Integer getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(Integer maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(Double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public Double getJitter() {
			return this.jitter;
		}

		public void setJitter(Double jitter) {
			this.jitter = jitter;
		}

		public Duration getMaxServerWait() {
			return this.maxServerWait;
		}

		public void setMaxServerWait(Duration maxServerWait) {
			this.maxServerWait = maxServerWait;
		}

	}

	/**
	 * Circuit breaker of one model.
	 */
	public static class CircuitBreaker {

		/**
		 * Kind of window the failure rate is computed over: 'time-based' (the last
		 * sliding-window-size seconds) or 'count-based' (the last sliding-window-size
		 * calls).
		 */
		private SlidingWindowType slidingWindowType = SlidingWindowType.TIME_BASED;

		/**
		 * Size of the window: seconds when time-based, calls when count-based.
		 */
		private Integer slidingWindowSize = 60;

		/**
		 * Calls the window must hold before a failure rate is computed.
		 */
		private Integer minimumNumberOfCalls = 10;

		/**
		 * Percentage of failed calls at which the breaker opens.
		 */
		private Float failureRateThreshold = 50f;

		/**
		 * Percentage of slow calls at which the breaker opens.
		 */
		private Float slowCallRateThreshold = 100f;

		/**
		 * Duration above which a call is slow: the whole answer for calls, the time to
		 * the first text for streams.
		 */
		private Duration slowCallDurationThreshold = Duration.ofSeconds(60);

		/**
		 * Time an open breaker refuses calls before it lets probe calls through.
		 */
		private Duration waitInOpen = Duration.ofSeconds(30);

		/**
		 * Probe calls let through while half-open; their outcome closes or reopens the
		 * breaker.
		 */
		private Integer permittedCallsInHalfOpen = 3;

		/**
		 * Whether an open breaker turns half-open by itself once the wait is over, rather
		 * than at the next call, so that health does not show OPEN after traffic stopped.
		 */
		private Boolean automaticTransitionToHalfOpen = true;

		/**
		 * Whether a rate-limit error (429) counts as a failure of the model.
		 */
		private Boolean recordRateLimits = true;

		/**
		 * Return settings with no value set, for a model whose keys fall back to the
		 * global ones.
		 * @return the settings
		 */
		static CircuitBreaker unset() {
			CircuitBreaker breaker = new CircuitBreaker();
			breaker.slidingWindowType = null;
			breaker.slidingWindowSize = null;
			breaker.minimumNumberOfCalls = null;
			breaker.failureRateThreshold = null;
			breaker.slowCallRateThreshold = null;
			breaker.slowCallDurationThreshold = null;
			breaker.waitInOpen = null;
			breaker.permittedCallsInHalfOpen = null;
			breaker.automaticTransitionToHalfOpen = null;
			breaker.recordRateLimits = null;
			return breaker;
		}

		/**
		 * Take the value of every key not set here from other settings.
		 * @param global the settings to take values from
		 */
		void inheritUnset(CircuitBreaker global) {
			this.slidingWindowType = (this.slidingWindowType != null) ? this.slidingWindowType
					: global.slidingWindowType;
			this.slidingWindowSize = (this.slidingWindowSize != null) ? this.slidingWindowSize
					: global.slidingWindowSize;
			this.minimumNumberOfCalls = (this.minimumNumberOfCalls != null) ? this.minimumNumberOfCalls
					: global.minimumNumberOfCalls;
			this.failureRateThreshold = (this.failureRateThreshold != null) ? this.failureRateThreshold
					: global.failureRateThreshold;
			this.slowCallRateThreshold = (this.slowCallRateThreshold != null) ? this.slowCallRateThreshold
					: global.slowCallRateThreshold;
			this.slowCallDurationThreshold = (this.slowCallDurationThreshold != null) ? this.slowCallDurationThreshold
					: global.slowCallDurationThreshold;
			this.waitInOpen = (this.waitInOpen != null) ? this.waitInOpen : global.waitInOpen;
			this.permittedCallsInHalfOpen = (this.permittedCallsInHalfOpen != null) ? this.permittedCallsInHalfOpen
					: global.permittedCallsInHalfOpen;
			this.automaticTransitionToHalfOpen = (this.automaticTransitionToHalfOpen != null)
					? this.automaticTransitionToHalfOpen : global.automaticTransitionToHalfOpen;
			this.recordRateLimits = (this.recordRateLimits != null) ? this.recordRateLimits : global.recordRateLimits;
		}

		public SlidingWindowType getSlidingWindowType() {
			return this.slidingWindowType;
		}

		public void setSlidingWindowType(SlidingWindowType slidingWindowType) {
			this.slidingWindowType = slidingWindowType;
		}

		public Integer getSlidingWindowSize() {
			return this.slidingWindowSize;
		}

		public void setSlidingWindowSize(Integer slidingWindowSize) {
			this.slidingWindowSize = slidingWindowSize;
		}

		public Integer getMinimumNumberOfCalls() {
			return this.minimumNumberOfCalls;
		}

		public void setMinimumNumberOfCalls(Integer minimumNumberOfCalls) {
			this.minimumNumberOfCalls = minimumNumberOfCalls;
		}

		public Float getFailureRateThreshold() {
			return this.failureRateThreshold;
		}

		public void setFailureRateThreshold(Float failureRateThreshold) {
			this.failureRateThreshold = failureRateThreshold;
		}

		public Float getSlowCallRateThreshold() {
			return this.slowCallRateThreshold;
		}

		public void setSlowCallRateThreshold(Float slowCallRateThreshold) {
			this.slowCallRateThreshold = slowCallRateThreshold;
		}

		public Duration getSlowCallDurationThreshold() {
			return this.slowCallDurationThreshold;
		}

		public void setSlowCallDurationThreshold(Duration slowCallDurationThreshold) {
			this.slowCallDurationThreshold = slowCallDurationThreshold;
		}

		public Duration getWaitInOpen() {
			return this.waitInOpen;
		}

		public void setWaitInOpen(Duration waitInOpen) {
			this.waitInOpen = waitInOpen;
		}

		public Integer getPermittedCallsInHalfOpen() {
			return this.permittedCallsInHalfOpen;
		}

		public void setPermittedCallsInHalfOpen(Integer permittedCallsInHalfOpen) {
			this.permittedCallsInHalfOpen = permittedCallsInHalfOpen;
		}

		public Boolean getAutomaticTransitionToHalfOpen() {
			return this.automaticTransitionToHalfOpen;
		}

		public void setAutomaticTransitionToHalfOpen(Boolean automaticTransitionToHalfOpen) {
			this.automaticTransitionToHalfOpen = automaticTransitionToHalfOpen;
		}

		public Boolean getRecordRateLimits() {
			return this.recordRateLimits;
		}

		public void setRecordRateLimits(Boolean recordRateLimits) {
			this.recordRateLimits = recordRateLimits;
		}

	}

	/**
	 * Admission of requests.
	 */
	public static class Queue {

		/**
		 * Whether requests wait in a priority queue under a concurrency limit. When
		 * false, every request is served at once.
		 */
		private boolean enabled = true;

		/**
		 * Requests that may wait; one more is refused at once.
		 */
		private int capacity = 1000;

		/**
		 * Requests of a priority (critical, high, normal, low) that may wait, for the
		 * priorities that need a share of their own.
		 */
		private Map<LlmPriority, Integer> priorityCapacity = new EnumMap<>(LlmPriority.class);

		/**
		 * Requests served at once. A request holds its place through its retries,
		 * backoffs and fallbacks. Defaults to the smallest max-connections of the
		 * providers (500 unless set), so that no call waits for a connection and the rate
		 * budgets, not the queue, limit the traffic.
		 */
		private Integer maxConcurrent;

		/**
		 * Aging interval: a waiting request goes before requests of a priority one level
		 * higher that arrived this much later, two levels higher twice as much, and so
		 * on, so that low priority is never starved. 0 for strict priority.
		 */
		private Duration aging = Duration.ofSeconds(10);

		/**
		 * Time running requests may still take when the application shuts down, before
		 * they are ended with an error. Waiting requests are ended at once. Keep it below
		 * spring.lifecycle.timeout-per-shutdown-phase (30s by default).
		 */
		private Duration shutdownGrace = Duration.ofSeconds(25);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getCapacity() {
			return this.capacity;
		}

		public void setCapacity(int capacity) {
			this.capacity = capacity;
		}

		public Map<LlmPriority, Integer> getPriorityCapacity() {
			return this.priorityCapacity;
		}

		public void setPriorityCapacity(Map<LlmPriority, Integer> priorityCapacity) {
			this.priorityCapacity = priorityCapacity;
		}

		public Integer getMaxConcurrent() {
			return this.maxConcurrent;
		}

		public void setMaxConcurrent(Integer maxConcurrent) {
			this.maxConcurrent = maxConcurrent;
		}

		public Duration getAging() {
			return this.aging;
		}

		public void setAging(Duration aging) {
			this.aging = aging;
		}

		public Duration getShutdownGrace() {
			return this.shutdownGrace;
		}

		public void setShutdownGrace(Duration shutdownGrace) {
			this.shutdownGrace = shutdownGrace;
		}

	}

	/**
	 * The llm health indicator.
	 */
	public static class Health {

		/**
		 * Whether a chain without any model whose breaker lets calls through makes the
		 * status DOWN. When false it is reported as DEGRADED.
		 */
		private boolean allowToFail = true;

		public boolean isAllowToFail() {
			return this.allowToFail;
		}

		public void setAllowToFail(boolean allowToFail) {
			this.allowToFail = allowToFail;
		}

	}

	/**
	 * Prices per million tokens, with an optional long-context tier.
	 */
	public static class Prices {

		/**
		 * Price of a million input tokens neither written to nor read from the prompt
		 * cache.
		 */
		private BigDecimal input;

		/**
		 * Price of a million output tokens, reasoning tokens included.
		 */
		private BigDecimal output;

		/**
		 * Price of a million input tokens written to the prompt cache. The input price
		 * when not set.
		 */
		private BigDecimal cacheWrite;

		/**
		 * Price of a million input tokens read from the prompt cache. The input price
		 * when not set.
		 */
		private BigDecimal cacheRead;

		/**
		 * Higher prices of a whole call whose input is above a number of tokens.
		 */
		private final LongContext longContext = new LongContext();

		/**
		 * Return whether any price is set.
		 * @return {@code true} if a key is set
		 */
		boolean isSet() {
			return this.input != null || this.output != null || this.cacheWrite != null || this.cacheRead != null
					|| this.longContext.isSet();
		}

		/**
		 * Take the value of every key not set here from other prices.
		 * @param other the prices to take values from
		 */
		void inheritUnset(Prices other) {
			this.input = (this.input != null) ? this.input : other.input;
			this.output = (this.output != null) ? this.output : other.output;
			this.cacheWrite = (this.cacheWrite != null) ? this.cacheWrite : other.cacheWrite;
			this.cacheRead = (this.cacheRead != null) ? this.cacheRead : other.cacheRead;
			this.longContext.inheritUnset(other.longContext);
		}

		public BigDecimal getInput() {
			return this.input;
		}

		public void setInput(BigDecimal input) {
			this.input = input;
		}

		public BigDecimal getOutput() {
			return this.output;
		}

		public void setOutput(BigDecimal output) {
			this.output = output;
		}

		public BigDecimal getCacheWrite() {
			return this.cacheWrite;
		}

		public void setCacheWrite(BigDecimal cacheWrite) {
			this.cacheWrite = cacheWrite;
		}

		public BigDecimal getCacheRead() {
			return this.cacheRead;
		}

		public void setCacheRead(BigDecimal cacheRead) {
			this.cacheRead = cacheRead;
		}

		public LongContext getLongContext() {
			return this.longContext;
		}

	}

	/**
	 * The prices of a call whose input is above a number of tokens, for the whole call.
	 */
	public static class LongContext {

		/**
		 * Input tokens, cached ones included, above which a call is priced at this tier
		 * as a whole.
		 */
		private Long aboveInputTokens;

		/**
		 * Price of a million uncached input tokens of such a call.
		 */
		private BigDecimal input;

		/**
		 * Price of a million output tokens of such a call.
		 */
		private BigDecimal output;

		/**
		 * Price of a million input tokens of such a call written to the prompt cache. The
		 * tier's input price when not set.
		 */
		private BigDecimal cacheWrite;

		/**
		 * Price of a million input tokens of such a call read from the prompt cache. The
		 * tier's input price when not set.
		 */
		private BigDecimal cacheRead;

		boolean isSet() {
			return this.aboveInputTokens != null || this.input != null || this.output != null || this.cacheWrite != null
					|| this.cacheRead != null;
		}

		void inheritUnset(LongContext other) {
			this.aboveInputTokens = (this.aboveInputTokens != null) ? this.aboveInputTokens : other.aboveInputTokens;
			this.input = (this.input != null) ? this.input : other.input;
			this.output = (this.output != null) ? this.output : other.output;
			this.cacheWrite = (this.cacheWrite != null) ? this.cacheWrite : other.cacheWrite;
			this.cacheRead = (this.cacheRead != null) ? this.cacheRead : other.cacheRead;
		}

		public Long getAboveInputTokens() {
			return this.aboveInputTokens;
		}

		public void setAboveInputTokens(Long aboveInputTokens) {
			this.aboveInputTokens = aboveInputTokens;
		}

		public BigDecimal getInput() {
			return this.input;
		}

		public void setInput(BigDecimal input) {
			this.input = input;
		}

		public BigDecimal getOutput() {
			return this.output;
		}

		public void setOutput(BigDecimal output) {
			this.output = output;
		}

		public BigDecimal getCacheWrite() {
			return this.cacheWrite;
		}

		public void setCacheWrite(BigDecimal cacheWrite) {
			this.cacheWrite = cacheWrite;
		}

		public BigDecimal getCacheRead() {
			return this.cacheRead;
		}

		public void setCacheRead(BigDecimal cacheRead) {
			this.cacheRead = cacheRead;
		}

	}

	/**
	 * What calls cost.
	 */
	public static class Cost {

		/**
		 * Currency of every price, an ISO 4217 code such as USD or EUR. Costs are
		 * reported in it; nothing is converted.
		 */
		private String currency = "USD";

		/**
		 * Caller tags that the cost metric counts spend by, each with its values, such as
		 * tenant: [acme, globex]. A request's value that is not listed is counted as
		 * 'other', a tag the request lacks as 'none', so that the metric's cardinality
		 * stays bounded. Names are lower case words: letters, digits and underscores.
		 */
		private Map<String, List<String>> tags = new LinkedHashMap<>();

		/**
		 * Spend budgets by name: what the requests each covers may spend in an hour, a
		 * day or a month, and what to do with a call that would pass it.
		 */
		private Map<String, Budget> budgets = new LinkedHashMap<>();

		public String getCurrency() {
			return this.currency;
		}

		public void setCurrency(String currency) {
			this.currency = currency;
		}

		public Map<String, List<String>> getTags() {
			return this.tags;
		}

		public void setTags(Map<String, List<String>> tags) {
			this.tags = tags;
		}

		public Map<String, Budget> getBudgets() {
			return this.budgets;
		}

		public void setBudgets(Map<String, Budget> budgets) {
			this.budgets = budgets;
		}

	}

	/**
	 * A limit on what the requests it covers may spend in a calendar period.
	 */
	public static class Budget {

		/**
		 * Most the requests covered may spend in a period, in
		 * llm.resilience.cost.currency.
		 */
		private BigDecimal limit;

		/**
		 * Period the spend is counted over, from its start in the time zone: 'hour',
		 * 'day' or 'month'.
		 */
		private SpendBudget.Period period = SpendBudget.Period.MONTH;

		/**
		 * Time zone of the periods' start, such as Europe/Paris.
		 */
		private ZoneId timeZone = ZoneOffset.UTC;

		/**
		 * Chain whose requests the budget covers. Any when not set.
		 */
		private String chain;

		/**
		 * Model whose calls the budget covers. Any when not set.
		 */
		private String model;

		/**
		 * Caller tags a request must carry for the budget to cover it, such as tenant:
		 * acme. Each must be declared, with its value, under llm.resilience.cost.tags.
		 */
		private Map<String, String> tags = new LinkedHashMap<>();

		/**
		 * What to do with a call that would pass the limit: 'refuse' the request with an
		 * LlmBudgetExceededException, 'skip' the model so that a cheaper one of the chain
		 * answers, or only 'warn', with a log line once a period and a metric.
		 */
		private SpendBudget.Action action = SpendBudget.Action.REFUSE;

		/**
		 * What the budget does while Redis is unreachable, with llm.resilience.cluster
		 * enabled: 'local-share', each replica keeps spending up to
		 * llm.resilience.cluster.local-share of the limit, counting its own spend of the
		 * period; or 'refuse', every call the budget covers is refused (or its model
		 * skipped) until Redis is back. A budget that only warns never refuses.
		 */
		private RedisLoss redisLoss = RedisLoss.LOCAL_SHARE;

		public BigDecimal getLimit() {
			return this.limit;
		}

		public void setLimit(BigDecimal limit) {
			this.limit = limit;
		}

		public SpendBudget.Period getPeriod() {
			return this.period;
		}

		public void setPeriod(SpendBudget.Period period) {
			this.period = period;
		}

		public ZoneId getTimeZone() {
			return this.timeZone;
		}

		public void setTimeZone(ZoneId timeZone) {
			this.timeZone = timeZone;
		}

		public String getChain() {
			return this.chain;
		}

		public void setChain(String chain) {
			this.chain = chain;
		}

		public String getModel() {
			return this.model;
		}

		public void setModel(String model) {
			this.model = model;
		}

		public Map<String, String> getTags() {
			return this.tags;
		}

		public void setTags(Map<String, String> tags) {
			this.tags = tags;
		}

		public SpendBudget.Action getAction() {
			return this.action;
		}

		public void setAction(SpendBudget.Action action) {
			this.action = action;
		}

		public RedisLoss getRedisLoss() {
			return this.redisLoss;
		}

		public void setRedisLoss(RedisLoss redisLoss) {
			this.redisLoss = redisLoss;
		}

	}

	/**
	 * What a shared spend budget does while Redis is unreachable.
	 */
	public enum RedisLoss {

		/**
		 * Each replica keeps spending up to its local share of the limit.
		 */
		LOCAL_SHARE,

		/**
		 * Every call the budget covers is refused, or its model skipped, until Redis is
		 * back.
		 */
		REFUSE

	}

	/**
	 * Rate budgets and rate-limit holds shared through Redis.
	 */
	public static class Cluster {

		/**
		 * Whether to share the requests-per-minute and tokens-per-minute budgets and the
		 * providers' rate-limit holds with the other replicas through Redis. Needs Spring
		 * Data Redis with Lettuce.
		 */
		private boolean enabled = false;

		/**
		 * Prefix of the Redis keys and of the channel used. Applications sharing one
		 * Redis keep their budgets apart by their prefixes.
		 */
		private String keyPrefix = "llm-resilience";

		/**
		 * Longest a Redis operation may take before this replica falls back to local
		 * budgets.
		 */
		private Duration timeout = Duration.ofMillis(100);

		/**
		 * How often Redis is checked, to notice an outage without traffic and to return
		 * to shared budgets once it answers again.
		 */
		private Duration probeInterval = Duration.ofSeconds(5);

		/**
		 * Share of each configured budget that one replica uses while Redis is
		 * unreachable, greater than 0 and at most 1. With 1, each replica keeps the whole
		 * budget for itself.
		 */
		private double localShare = 1.0;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getProbeInterval() {
			return this.probeInterval;
		}

		public void setProbeInterval(Duration probeInterval) {
			this.probeInterval = probeInterval;
		}

		public double getLocalShare() {
			return this.localShare;
		}

		public void setLocalShare(double localShare) {
			this.localShare = localShare;
		}

	}

	/**
	 * The kinds of window a circuit breaker computes its failure rate over.
	 */
	public enum SlidingWindowType {

		/**
		 * The calls of the last sliding-window-size seconds.
		 */
		TIME_BASED,

		/**
		 * The last sliding-window-size calls.
		 */
		COUNT_BASED

	}

}
