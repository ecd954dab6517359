package dev.llmresilience.autoconfigure;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmModel;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Provider;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.ProviderType;
import dev.llmresilience.provider.LlmProvider;
import dev.llmresilience.provider.ProviderHttpClient;
import dev.llmresilience.provider.ProviderSettings;
import dev.llmresilience.provider.anthropic.AnthropicProvider;
import dev.llmresilience.provider.openai.OpenAiProvider;
import dev.llmresilience.resilience.ModelCatalog;

import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.lang.Nullable;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Checks {@link LlmResilienceProperties} and builds the {@link ModelCatalog} they describe: one
 * {@link LlmProvider} per provider, each with a WebClient of its own. Every invalid value fails
 * with an {@link InvalidLlmPropertyException} that names the property.
 */
class ModelCatalogFactory {

	private static final String PREFIX = "llm.resilience.";

	private final WebClient.Builder webClientBuilder;

	private final ReactorResourceFactory resourceFactory;

	private final ObjectMapper objectMapper;

	private final List<LlmWebClientCustomizer> customizers;

	private final Clock clock;

	private final ProviderConnectionPools pools;

	ModelCatalogFactory(WebClient.Builder webClientBuilder, @Nullable ReactorResourceFactory resourceFactory,
			ObjectMapper objectMapper, List<LlmWebClientCustomizer> customizers, Clock clock,
			ProviderConnectionPools pools) {
		this.webClientBuilder = webClientBuilder;
		this.resourceFactory = resourceFactory;
		this.pools = pools;
		this.objectMapper = objectMapper;
		this.customizers = customizers;
		this.clock = clock;
	}

	ModelCatalog create(LlmResilienceProperties properties) {
		Map<String, LlmProvider> providers = new LinkedHashMap<>();
		properties.getProviders().forEach((id, provider) -> providers.put(id, provider(id, provider)));
		Map<String, LlmModel> models = new LinkedHashMap<>();
		properties.getModels().forEach((id, model) -> models.put(id, model(id, model, providers)));
		properties.getChains().forEach((name, ids) -> checkChain(name, ids, models));
		return new ModelCatalog(providers, models, properties.getChains(), defaultChain(properties));
	}

	private LlmProvider provider(String id, Provider properties) {
		String property = PREFIX + "providers." + id + ".";
		ProviderType type = properties.getType();
		if (type == null) {
			throw new InvalidLlmPropertyException(property + "type", "no provider type is set",
					"Set it to 'anthropic' or 'openai'.");
		}
		URI baseUrl = baseUrl(property, type, properties);
		boolean hasApiKey = StringUtils.hasText(properties.getApiKey());
		if (type == ProviderType.ANTHROPIC && !hasApiKey) {
			throw new InvalidLlmPropertyException(property + "api-key", "the Anthropic API needs an API key",
					"Set it, for example to ${ANTHROPIC_API_KEY}.");
		}
		if (hasApiKey && "http".equals(baseUrl.getScheme()) && !isLoopback(baseUrl.getHost())
				&& !properties.isAllowInsecureTransport()) {
			throw new InvalidLlmPropertyException(property + "base-url",
					"the API key would be sent over plain http to " + baseUrl.getHost(), "Use an https URL, or set "
							+ property + "allow-insecure-transport=true if the network is trusted.");
		}
		ProviderSettings settings = new ProviderSettings(id, baseUrl, hasApiKey ? properties.getApiKey() : null,
				properties.getHeaders(), PropertyChecks.positive(property + "connect-timeout", properties.getConnectTimeout()),
				PropertyChecks.positive(property + "first-byte-timeout", properties.getFirstByteTimeout()),
				PropertyChecks.positive(property + "stream-idle-timeout", properties.getStreamIdleTimeout()));
		DataSize maxResponseSize = properties.getMaxResponseSize();
		if (maxResponseSize == null || maxResponseSize.toBytes() <= 0 || maxResponseSize.toBytes() > Integer.MAX_VALUE) {
			throw new InvalidLlmPropertyException(property + "max-response-size", "the size must be from 1B to 2GB",
					"Set a size such as 1MB.");
		}
		int maxConnections = (int) PropertyChecks.atLeast(property + "max-connections", properties.getMaxConnections(),
				1);
		WebClient.Builder builder = this.webClientBuilder.clone()
			.clientConnector(ProviderHttpClient.connector(settings, this.pools.create(settings, maxConnections),
					this.resourceFactory))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize((int) maxResponseSize.toBytes()));
		this.customizers.forEach((customizer) -> customizer.customize(id, builder));
		return switch (type) {
			case ANTHROPIC -> {
				if (!StringUtils.hasText(properties.getAnthropicVersion())) {
					throw new InvalidLlmPropertyException(property + "anthropic-version", "the version is empty",
							"Remove it to use 2023-06-01, or set the version the API documents.");
				}
				yield new AnthropicProvider(settings, properties.getAnthropicVersion(), builder, this.objectMapper,
						this.clock);
			}
			case OPENAI -> new OpenAiProvider(settings, builder, this.objectMapper, this.clock);
		};
	}

	private static URI baseUrl(String property, ProviderType type, Provider properties) {
		URI baseUrl = properties.getBaseUrl();
		if (baseUrl == null) {
			return URI.create((type == ProviderType.ANTHROPIC) ? "https://api.anthropic.com" : "https://api.openai.com/v1");
		}
		String scheme = baseUrl.getScheme();
		if (!("http".equals(scheme) || "https".equals(scheme)) || !StringUtils.hasText(baseUrl.getHost())) {
			throw new InvalidLlmPropertyException(property + "base-url",
					"'" + baseUrl + "' is not an absolute http or https URL with a host",
					"Set it to the API's root URL, such as https://api.anthropic.com or http://localhost:11434/v1.");
		}
		String url = baseUrl.toString();
		return url.endsWith("/") ? URI.create(url.substring(0, url.length() - 1)) : baseUrl;
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

	private static LlmModel model(String id, LlmResilienceProperties.Model properties,
			Map<String, LlmProvider> providers) {
		String property = PREFIX + "models." + id + ".";
		if (!providers.containsKey(properties.getProvider())) {
			throw new InvalidLlmPropertyException(property + "provider",
					(properties.getProvider() != null) ? "no provider '" + properties.getProvider() + "' is configured"
							: "no provider is set",
					"Set it to one of " + providers.keySet() + ", or configure the provider under " + PREFIX
							+ "providers.");
		}
		if (properties.getMaxOutputTokens() <= 0) {
			throw new InvalidLlmPropertyException(property + "max-output-tokens", "the limit must be positive",
					"Set the model's output token limit, such as 8192.");
		}
		if (properties.getContextWindow() != null && properties.getContextWindow() <= 0) {
			throw new InvalidLlmPropertyException(property + "context-window", "the window must be positive",
					"Set the model's context window in tokens, such as 200000, or remove it.");
		}
		String name = StringUtils.hasText(properties.getName()) ? properties.getName() : id;
		return new LlmModel(id, properties.getProvider(), name, properties.getMaxOutputTokens(),
				properties.getContextWindow(), properties.getExtraBody());
	}

	private static void checkChain(String name, List<String> ids, Map<String, LlmModel> models) {
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

	private static String defaultChain(LlmResilienceProperties properties) {
		Map<String, List<String>> chains = properties.getChains();
		String name = properties.getDefaultChain();
		if (name != null) {
			if (!chains.containsKey(name)) {
				throw new InvalidLlmPropertyException(PREFIX + "default-chain", "no chain '" + name + "' is configured",
						"Use one of " + chains.keySet() + ", or configure the chain under " + PREFIX + "chains.");
			}
			return name;
		}
		if (chains.containsKey("default")) {
			return "default";
		}
		return (chains.size() == 1) ? chains.keySet().iterator().next() : null;
	}

}
