package dev.llmresilience.autoconfigure;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.llmresilience.autoconfigure.LlmResilienceProperties.Budget;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.CircuitBreaker;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Cluster;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Cost;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Deployment;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Hedging;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.LongContext;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Model;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Prices;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Provider;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.ProviderType;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Queue;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.RedisLoss;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Retry;
import dev.llmresilience.budget.SpendBudget;

import org.springframework.lang.Nullable;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * Every check of the {@code llm.resilience.*} values, in one place. The first invalid
 * value fails with an {@link InvalidLlmPropertyException} that names the property and the
 * fix, and never quotes the value of a secret; {@link InvalidLlmPropertyFailureAnalyzer}
 * adds where the value was set.
 */
class LlmPropertiesValidator {

	private static final String PREFIX = "llm.resilience.";

	private static final String TAG_NAME = "[a-z][a-z0-9_]*";

	private static final String OTHER = "other";

	private static final String NONE = "none";

	/**
	 * Check the values as bound, before a model's retry and circuit breaker take the
	 * global value of the keys it does not set.
	 * @param properties the bound properties
	 * @throws InvalidLlmPropertyException if a value is invalid
	 */
	void validate(LlmResilienceProperties properties) {
		properties.getProviders().forEach(this::provider);
		properties.getModels().forEach((id, model) -> model(id, model, properties.getProviders()));
		properties.getChains().forEach((name, ids) -> chain(name, ids, properties.getModels()));
		defaultChain(properties.getDefaultChain(), properties.getChains());
		positive(PREFIX + "timeout", properties.getTimeout());
		retry(PREFIX + "retry.", properties.getRetry());
		circuitBreaker(PREFIX + "circuit-breaker.", properties.getCircuitBreaker());
		properties.getModels().forEach((id, model) -> {
			retry(modelPrefix(id) + "retry.", model.getRetry());
			circuitBreaker(modelPrefix(id) + "circuit-breaker.", model.getCircuitBreaker());
		});
		if (properties.getQueue().isEnabled()) {
			queue(properties.getQueue());
		}
		if (properties.getCluster().isEnabled()) {
			cluster(properties.getCluster());
		}
		cost(properties.getCost());
		properties.getCost().getBudgets().forEach((name, budget) -> budget(name, budget, properties));
	}

	private void provider(String id, Provider provider) {
		String prefix = PREFIX + "providers." + id + ".";
		if (provider.getType() == null) {
			throw new InvalidLlmPropertyException(prefix + "type", "no provider type is set",
					"Set it to 'anthropic' or 'openai', or to 'spring-ai' for a Spring AI ChatModel bean.");
		}
		if (provider.getType() == ProviderType.SPRING_AI) {
			springAiProvider(prefix, provider);
		}
		else if (provider.getChatModel() != null) {
			throw new InvalidLlmPropertyException(
					prefix + "chat-model", "only a 'spring-ai' provider calls a ChatModel bean, and this one is '"
							+ name(provider.getType()) + "'",
					"Remove it, or set " + prefix + "type=spring-ai and remove the HTTP settings.");
		}
		URI baseUrl = provider.getBaseUrl();
		if (baseUrl != null && (!("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme()))
				|| !StringUtils.hasText(baseUrl.getHost()))) {
			throw new InvalidLlmPropertyException(prefix + "base-url",
					"'" + baseUrl + "' is not an absolute http or https URL with a host",
					"Set it to the API's root URL, such as https://api.anthropic.com or http://localhost:11434/v1.");
		}
		boolean hasApiKey = StringUtils.hasText(provider.getApiKey());
		if (provider.getType() == ProviderType.ANTHROPIC && !hasApiKey) {
			throw new InvalidLlmPropertyException(prefix + "api-key", "the Anthropic API needs an API key",
					"Set it, for example to ${ANTHROPIC_API_KEY}.");
		}
		if (hasApiKey && baseUrl != null && "http".equals(baseUrl.getScheme()) && !isLoopback(baseUrl.getHost())
				&& !provider.isAllowInsecureTransport()) {
			throw new InvalidLlmPropertyException(prefix + "base-url",
					"the API key would be sent over plain http to " + baseUrl.getHost(),
					"Use an https URL, or set " + prefix + "allow-insecure-transport=true if the network is trusted.");
		}
		if (provider.getType() == ProviderType.ANTHROPIC && !StringUtils.hasText(provider.getAnthropicVersion())) {
			throw new InvalidLlmPropertyException(prefix + "anthropic-version", "the version is empty",
					"Remove it to use 2023-06-01, or set the version the API documents.");
		}
		positive(prefix + "connect-timeout", provider.getConnectTimeout());
		positive(prefix + "first-byte-timeout", provider.getFirstByteTimeout());
		positive(prefix + "stream-idle-timeout", provider.getStreamIdleTimeout());
		DataSize maxResponseSize = provider.getMaxResponseSize();
		if (maxResponseSize == null || maxResponseSize.toBytes() <= 0
				|| maxResponseSize.toBytes() > Integer.MAX_VALUE) {
			throw new InvalidLlmPropertyException(prefix + "max-response-size", "the size must be from 1B to 2GB",
					"Set a size such as 1MB.");
		}
		atLeast(prefix + "max-connections", provider.getMaxConnections(), 1);
		atLeast(prefix + "requests-per-minute", provider.getRequestsPerMinute(), 0);
		atLeast(prefix + "tokens-per-minute", provider.getTokensPerMinute(), 0);
		if (provider.getHoldScope() == null) {
			throw new InvalidLlmPropertyException(prefix + "hold-scope", "no scope is set",
					"Remove it to hold the model a limit was seen for, or set 'provider' to hold all its models.");
		}
	}

	/**
	 * Check a provider served by a Spring AI ChatModel bean: the bean must be named, and
	 * the HTTP settings that only the bean's own configuration can apply are refused
	 * rather than ignored. Whether the bean exists is checked when the catalog is built.
	 */
	private void springAiProvider(String prefix, Provider provider) {
		if (!StringUtils.hasText(provider.getChatModel())) {
			throw new InvalidLlmPropertyException(prefix + "chat-model", "no ChatModel bean is named",
					"Set it to the name of the Spring AI ChatModel bean to call, such as openAiChatModel.");
		}
		String fix = "Remove it; a 'spring-ai' provider connects as its ChatModel bean is configured"
				+ " (for example spring.ai.openai.base-url and spring.ai.openai.api-key).";
		if (provider.getBaseUrl() != null) {
			throw new InvalidLlmPropertyException(prefix + "base-url", "a 'spring-ai' provider has no URL of its own",
					fix);
		}
		if (StringUtils.hasText(provider.getApiKey())) {
			throw new InvalidLlmPropertyException(prefix + "api-key",
					"a 'spring-ai' provider has no API key of its own", fix);
		}
		if (!provider.getHeaders().isEmpty()) {
			throw new InvalidLlmPropertyException(prefix + "headers",
					"a 'spring-ai' provider sends no headers of its own", fix);
		}
	}

	private static boolean isLoopback(String host) {
		String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
		if (name.equalsIgnoreCase("localhost")) {
			return true;
		}
		// Only IP literals are checked, so that no name is looked up at start-up.
		if (!name.matches("[0-9.]+") && !name.contains(":")) {
			return false;
		}
		try {
			return InetAddress.getByName(name).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	private void model(String id, Model model, Map<String, Provider> providers) {
		String prefix = modelPrefix(id);
		// with deployments, they serve the model and its own provider may be left out
		if (model.getDeployments().isEmpty() || model.getProvider() != null) {
			provider(prefix + "provider", model.getProvider(), providers);
		}
		if (model.getMaxOutputTokens() <= 0) {
			throw new InvalidLlmPropertyException(prefix + "max-output-tokens", "the limit must be positive",
					"Set the model's output token limit, such as 8192.");
		}
		if (model.getContextWindow() != null && model.getContextWindow() <= 0) {
			throw new InvalidLlmPropertyException(prefix + "context-window", "the window must be positive",
					"Set the model's context window in tokens, such as 200000, or remove it.");
		}
		atLeast(prefix + "requests-per-minute", model.getRequestsPerMinute(), 0);
		atLeast(prefix + "tokens-per-minute", model.getTokensPerMinute(), 0);
		deployments(prefix, model.getDeployments(), providers);
		if (model.getRouting() == null) {
			throw new InvalidLlmPropertyException(prefix + "routing", "no routing strategy is set",
					"Remove it for weighted-random, or set least-in-flight, lowest-latency or"
							+ " most-remaining-budget.");
		}
		if (model.getHedging().isEnabled()) {
			hedging(prefix + "hedging.", model.getHedging(), model.getDeployments().size());
		}
		prices(prefix + "prices.", model.getPrices());
		model.getDeployments().forEach((name, deployment) -> {
			if (deployment.getPrices().isSet()) {
				// a deployment's keys are checked with the model's values of those it
				// leaves unset, as they will be used
				Prices merged = new Prices();
				merged.inheritUnset(deployment.getPrices());
				merged.inheritUnset(model.getPrices());
				prices(prefix + "deployments." + name + ".prices.", merged);
			}
		});
	}

	private void prices(String prefix, Prices prices) {
		if (!prices.isSet()) {
			return;
		}
		price(prefix + "input", prices.getInput(), true);
		price(prefix + "output", prices.getOutput(), true);
		price(prefix + "cache-write", prices.getCacheWrite(), false);
		price(prefix + "cache-read", prices.getCacheRead(), false);
		LongContext longContext = prices.getLongContext();
		if (longContext.isSet()) {
			String tier = prefix + "long-context.";
			if (longContext.getAboveInputTokens() == null || longContext.getAboveInputTokens() <= 0) {
				throw new InvalidLlmPropertyException(tier + "above-input-tokens",
						(longContext.getAboveInputTokens() == null) ? "no threshold is set"
								: "the threshold must be positive",
						"Set the input tokens above which the provider charges the higher prices, such as 200000.");
			}
			price(tier + "input", longContext.getInput(), true);
			price(tier + "output", longContext.getOutput(), true);
			price(tier + "cache-write", longContext.getCacheWrite(), false);
			price(tier + "cache-read", longContext.getCacheRead(), false);
		}
	}

	private static void price(String property, @Nullable BigDecimal price, boolean required) {
		if (price == null && required) {
			throw new InvalidLlmPropertyException(property, "no price is set, while other prices of the model are",
					"Set the price per million tokens from the provider's pricing page, 0 for a free model, or"
							+ " remove the model's prices to leave its cost unknown.");
		}
		if (price != null && price.signum() < 0) {
			throw new InvalidLlmPropertyException(property, "the price " + price + " is negative",
					"Set the price per million tokens, 0 or more.");
		}
	}

	private void budget(String name, Budget budget, LlmResilienceProperties properties) {
		String prefix = PREFIX + "cost.budgets." + name + ".";
		if (budget.getLimit() == null) {
			throw new InvalidLlmPropertyException(prefix + "limit", "no limit is set",
					"Set the most the requests it covers may spend in a period, such as 50.");
		}
		if (budget.getLimit().signum() <= 0 || budget.getLimit().compareTo(SpendBudget.MAX_LIMIT) > 0) {
			throw new InvalidLlmPropertyException(prefix + "limit",
					"the limit " + budget.getLimit().toPlainString() + " is not above 0 and at most "
							+ SpendBudget.MAX_LIMIT,
					"Set the most the requests it covers may spend in a period, such as 50.");
		}
		required(prefix + "period", budget.getPeriod(), "Set 'hour', 'day' or 'month', or remove it for a month.");
		required(prefix + "time-zone", budget.getTimeZone(),
				"Set a time zone such as Europe/Paris, or remove it for UTC.");
		required(prefix + "action", budget.getAction(),
				"Set 'refuse', 'skip' or 'warn', or remove it to refuse the requests that would pass the limit.");
		required(prefix + "redis-loss", budget.getRedisLoss(),
				"Set 'local-share' or 'refuse', or remove it to keep spending from a local share.");
		if (budget.getAction() == SpendBudget.Action.WARN && budget.getRedisLoss() == RedisLoss.REFUSE) {
			throw new InvalidLlmPropertyException(prefix + "redis-loss",
					"a budget that only warns never refuses, Redis or not",
					"Remove it, or set the budget's action to 'refuse' or 'skip'.");
		}
		Map<String, Model> models = properties.getModels();
		if (budget.getChain() != null && !properties.getChains().containsKey(budget.getChain())) {
			throw new InvalidLlmPropertyException(prefix + "chain",
					"no chain '" + budget.getChain() + "' is configured",
					"Use one of " + properties.getChains().keySet() + ", or remove it to cover every chain.");
		}
		if (budget.getModel() != null && !models.containsKey(budget.getModel())) {
			throw new InvalidLlmPropertyException(prefix + "model",
					"no model '" + budget.getModel() + "' is configured",
					"Use one of " + models.keySet() + ", or remove it to cover every model.");
		}
		budget.getTags().forEach((tag, value) -> {
			List<String> declared = properties.getCost().getTags().get(tag);
			if (declared == null || !declared.contains(value)) {
				throw new InvalidLlmPropertyException(prefix + "tags." + tag,
						"the tag " + tag + "=" + value + " is not declared",
						"Declare it under " + PREFIX + "cost.tags." + tag + ", so that its spend is counted too.");
			}
		});
		// a budget cannot guard spend it cannot know
		for (String id : coveredModels(budget, properties)) {
			Model model = models.get(id);
			boolean priced = model.getPrices().isSet() || (!model.getDeployments().isEmpty() && model.getDeployments()
				.values()
				.stream()
				.allMatch((deployment) -> deployment.getPrices().isSet()));
			if (!priced) {
				throw new InvalidLlmPropertyException(modelPrefix(id) + "prices.input",
						"the model has no prices, while budget '" + name + "' covers it",
						"Set the model's prices per million tokens (0 for a free model), or narrow the budget's chain"
								+ " or model.");
			}
		}
	}

	private static Iterable<String> coveredModels(Budget budget, LlmResilienceProperties properties) {
		if (budget.getModel() != null) {
			return List.of(budget.getModel());
		}
		if (budget.getChain() != null) {
			return properties.getChains().get(budget.getChain());
		}
		return properties.getModels().keySet();
	}

	private static void required(String property, @Nullable Object value, String action) {
		if (value == null) {
			throw new InvalidLlmPropertyException(property, "no value is set", action);
		}
	}

	private void cost(Cost cost) {
		if (cost.getCurrency() == null || !cost.getCurrency().matches("[A-Z]{3}")) {
			throw new InvalidLlmPropertyException(PREFIX + "cost.currency",
					"'" + cost.getCurrency() + "' is not a currency code",
					"Set the ISO 4217 code of the prices' currency, such as USD or EUR.");
		}
		cost.getTags().forEach((name, values) -> {
			String property = PREFIX + "cost.tags." + name;
			if (!name.matches(TAG_NAME)) {
				throw new InvalidLlmPropertyException(property, "'" + name + "' is not a tag name",
						"Name the tag with lower case letters, digits and underscores, such as tenant or feature.");
			}
			if (values == null || values.isEmpty()) {
				throw new InvalidLlmPropertyException(property, "no value is listed",
						"List the values to count spend by, such as [acme, globex]; the others count as 'other'.");
			}
			for (int i = 0; i < values.size(); i++) {
				String value = values.get(i);
				if (value == null || value.isBlank() || OTHER.equals(value) || NONE.equals(value)) {
					throw new InvalidLlmPropertyException(property + "[" + i + "]",
							(value == null || value.isBlank()) ? "the value is empty"
									: "'" + value + "' stands for the values not listed or missing",
							"List the values requests carry, such as acme; undeclared ones count as 'other' and"
									+ " a missing one as 'none'.");
				}
			}
		});
	}

	private void provider(String property, @Nullable String provider, Map<String, Provider> providers) {
		if (!providers.containsKey(provider)) {
			throw new InvalidLlmPropertyException(property,
					(provider != null) ? "no provider '" + provider + "' is configured" : "no provider is set",
					"Set it to one of " + providers.keySet() + ", or configure the provider under " + PREFIX
							+ "providers.");
		}
	}

	private void deployments(String modelPrefix, Map<String, Deployment> deployments, Map<String, Provider> providers) {
		ProviderType type = null;
		String first = null;
		for (Map.Entry<String, Deployment> entry : deployments.entrySet()) {
			String prefix = modelPrefix + "deployments." + entry.getKey() + ".";
			Deployment deployment = entry.getValue();
			provider(prefix + "provider", deployment.getProvider(), providers);
			ProviderType deploymentType = providers.get(deployment.getProvider()).getType();
			if (type != null && deploymentType != type) {
				throw new InvalidLlmPropertyException(prefix + "provider",
						"provider '" + deployment.getProvider() + "' speaks " + name(deploymentType)
								+ " while deployment '" + first + "' speaks " + name(type),
						"Serve one model by providers of one type; make a model of each type and chain them.");
			}
			type = deploymentType;
			first = (first != null) ? first : entry.getKey();
			if (deployment.getName() != null && deployment.getName().isBlank()) {
				throw new InvalidLlmPropertyException(prefix + "name", "the name is empty",
						"Remove it to use the model's name, or set the name this deployment knows the model by.");
			}
			atLeast(prefix + "weight", deployment.getWeight(), 0);
			atLeast(prefix + "requests-per-minute", deployment.getRequestsPerMinute(), 0);
			atLeast(prefix + "tokens-per-minute", deployment.getTokensPerMinute(), 0);
		}
	}

	private static String name(ProviderType type) {
		return type.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	private void hedging(String prefix, Hedging hedging, int deployments) {
		if (deployments < 2) {
			throw new InvalidLlmPropertyException(prefix + "enabled",
					"hedging needs two deployments or more, and the model has " + deployments,
					"Configure a second deployment under the model's deployments, or remove the setting.");
		}
		if (hedging.getDelay() == null) {
			throw new InvalidLlmPropertyException(prefix + "delay", "no delay is set", "Set a duration such as 2s.");
		}
		positive(prefix + "delay", hedging.getDelay());
		if (!(hedging.getPercentile() >= 0 && hedging.getPercentile() < 100)) {
			throw new InvalidLlmPropertyException(prefix + "percentile",
					"the value " + hedging.getPercentile() + " is not from 0 up to (not including) 100",
					"Set a percentile such as 95, or 0 for the fixed delay.");
		}
		atLeast(prefix + "max-hedges", hedging.getMaxHedges(), 1);
		if (!(hedging.getMaxShare() > 0 && hedging.getMaxShare() <= 1)) {
			throw new InvalidLlmPropertyException(prefix + "max-share",
					"the value " + hedging.getMaxShare() + " is not greater than 0 and at most 1",
					"Set a share such as 0.1, at most a tenth of the attempts hedged.");
		}
	}

	private static String modelPrefix(String id) {
		return PREFIX + "models." + id + ".";
	}

	private void chain(String name, @Nullable List<String> ids, Map<String, Model> models) {
		String property = PREFIX + "chains." + name;
		if (ids == null || ids.isEmpty()) {
			throw new InvalidLlmPropertyException(property, "the chain is empty",
					"List at least one model id, the preferred model first, or remove the chain.");
		}
		for (int i = 0; i < ids.size(); i++) {
			if (!models.containsKey(ids.get(i))) {
				throw new InvalidLlmPropertyException(property + "[" + i + "]",
						"no model '" + ids.get(i) + "' is configured",
						"Use one of " + models.keySet() + ", or configure the model under " + PREFIX + "models.");
			}
		}
	}

	private void defaultChain(@Nullable String name, Map<String, List<String>> chains) {
		if (name != null && !chains.containsKey(name)) {
			throw new InvalidLlmPropertyException(PREFIX + "default-chain", "no chain '" + name + "' is configured",
					"Use one of " + chains.keySet() + ", or configure the chain under " + PREFIX + "chains.");
		}
	}

	/**
	 * Check retry settings; those of a model leave unset (null) the keys that take the
	 * global value.
	 */
	private void retry(String prefix, Retry retry) {
		atLeast(prefix + "max-attempts", retry.getMaxAttempts(), 1);
		positive(prefix + "initial-backoff", retry.getInitialBackoff());
		between(prefix + "multiplier", retry.getMultiplier(), 1, 100);
		positive(prefix + "max-backoff", retry.getMaxBackoff());
		// resilience4j wants a factor below 1: a wait may shrink towards zero, never
		// reach it
		between(prefix + "jitter", retry.getJitter(), 0, 0.99);
		positive(prefix + "max-server-wait", retry.getMaxServerWait());
	}

	/**
	 * Check circuit breaker settings; those of a model leave unset (null) the keys that
	 * take the global value.
	 */
	private void circuitBreaker(String prefix, CircuitBreaker breaker) {
		atLeast(prefix + "sliding-window-size", breaker.getSlidingWindowSize(), 1);
		atLeast(prefix + "minimum-number-of-calls", breaker.getMinimumNumberOfCalls(), 1);
		between(prefix + "failure-rate-threshold", breaker.getFailureRateThreshold(), 1, 100);
		between(prefix + "slow-call-rate-threshold", breaker.getSlowCallRateThreshold(), 1, 100);
		positive(prefix + "slow-call-duration-threshold", breaker.getSlowCallDurationThreshold());
		positive(prefix + "wait-in-open", breaker.getWaitInOpen());
		atLeast(prefix + "permitted-calls-in-half-open", breaker.getPermittedCallsInHalfOpen(), 1);
	}

	private void queue(Queue queue) {
		String prefix = PREFIX + "queue.";
		atLeast(prefix + "capacity", queue.getCapacity(), 0);
		atLeast(prefix + "max-concurrent", queue.getMaxConcurrent(), 1);
		queue.getPriorityCapacity()
			.forEach((priority, capacity) -> atLeast(
					prefix + "priority-capacity." + priority.name().toLowerCase(Locale.ROOT), capacity, 0));
		if (queue.getAging() == null || queue.getAging().isNegative()) {
			throw new InvalidLlmPropertyException(prefix + "aging", "the interval must not be negative",
					"Set a duration such as 10s, or 0 for strict priority.");
		}
		positive(prefix + "shutdown-grace", queue.getShutdownGrace());
	}

	private void cluster(Cluster cluster) {
		String prefix = PREFIX + "cluster.";
		if (cluster.getKeyPrefix() == null || cluster.getKeyPrefix().isBlank()) {
			throw new InvalidLlmPropertyException(prefix + "key-prefix", "the prefix is empty",
					"Set a prefix such as llm-resilience.");
		}
		positive(prefix + "timeout", cluster.getTimeout());
		positive(prefix + "probe-interval", cluster.getProbeInterval());
		if (!(cluster.getLocalShare() > 0 && cluster.getLocalShare() <= 1)) {
			throw new InvalidLlmPropertyException(prefix + "local-share",
					"the value " + cluster.getLocalShare() + " is not greater than 0 and at most 1",
					"Set a share such as 0.25 for four replicas, or 1 to keep whole budgets.");
		}
	}

	/**
	 * Check that a duration, if set, is positive. Binding never leaves a key with a
	 * default unset, so null only stands for a key that a model takes from the global
	 * settings, or for the optional overall timeout.
	 */
	private static void positive(String property, @Nullable Duration duration) {
		if (duration != null && (duration.isNegative() || duration.isZero())) {
			throw new InvalidLlmPropertyException(property, "the duration must be positive",
					"Set a positive duration, such as 30s.");
		}
	}

	private static void atLeast(String property, @Nullable Number value, long minimum) {
		if (value != null && value.longValue() < minimum) {
			throw new InvalidLlmPropertyException(property, "the value " + value + " is below " + minimum,
					"Set a whole number of " + minimum + " or more.");
		}
	}

	private static void between(String property, @Nullable Number value, double minimum, double maximum) {
		if (value != null && !(value.doubleValue() >= minimum && value.doubleValue() <= maximum)) {
			throw new InvalidLlmPropertyException(property,
					"the value " + value.doubleValue() + " is outside " + minimum + " to " + maximum,
					"Set a number from " + minimum + " to " + maximum + ".");
		}
	}

}
