package dev.llmresilience.autoconfigure;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmDeployment;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmPrices;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Deployment;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.LongContext;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Prices;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Provider;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.ProviderType;
import dev.llmresilience.provider.LlmProvider;
import dev.llmresilience.provider.ProviderConnectionPools;
import dev.llmresilience.provider.ProviderConnectors;
import dev.llmresilience.provider.ProviderSettings;
import dev.llmresilience.provider.anthropic.AnthropicProvider;
import dev.llmresilience.provider.openai.OpenAiProvider;
import dev.llmresilience.resilience.ModelCatalog;

import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.lang.Nullable;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Builds the {@link ModelCatalog} that {@link LlmResilienceProperties} describe, once
 * {@link LlmPropertiesValidator} has checked them: one {@link LlmProvider} per provider,
 * each with a WebClient of its own.
 */
class ModelCatalogFactory {

	private final WebClient.Builder webClientBuilder;

	private final ReactorResourceFactory resourceFactory;

	private final ObjectMapper objectMapper;

	private final List<LlmWebClientCustomizer> customizers;

	private final Clock clock;

	private final ProviderConnectionPools pools;

	private final List<LlmProviderFactory> providerFactories;

	ModelCatalogFactory(WebClient.Builder webClientBuilder, @Nullable ReactorResourceFactory resourceFactory,
			ObjectMapper objectMapper, List<LlmWebClientCustomizer> customizers, Clock clock,
			ProviderConnectionPools pools, List<LlmProviderFactory> providerFactories) {
		this.webClientBuilder = webClientBuilder;
		this.providerFactories = providerFactories;
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
		Map<String, List<LlmDeployment>> deployments = new LinkedHashMap<>();
		String currency = properties.getCost().getCurrency();
		properties.getModels().forEach((id, configured) -> {
			LlmModel model = model(id, configured, currency);
			models.put(id, model);
			if (!configured.getDeployments().isEmpty()) {
				deployments.put(id, deployments(model, configured.getDeployments(), currency));
			}
		});
		return new ModelCatalog(providers, models, properties.getChains(),
				ModelCatalog.defaultChain(properties.getDefaultChain(), properties.getChains().keySet()), deployments);
	}

	private LlmProvider provider(String id, Provider properties) {
		ProviderType type = properties.getType();
		if (type == ProviderType.SPRING_AI) {
			return supplied(id, properties);
		}
		boolean hasApiKey = StringUtils.hasText(properties.getApiKey());
		ProviderSettings settings = new ProviderSettings(id, baseUrl(type, properties.getBaseUrl()),
				hasApiKey ? properties.getApiKey() : null, properties.getHeaders(), properties.getConnectTimeout(),
				properties.getFirstByteTimeout(), properties.getStreamIdleTimeout());
		int maxResponseSize = (int) properties.getMaxResponseSize().toBytes();
		WebClient.Builder builder = this.webClientBuilder.clone()
			.clientConnector(ProviderConnectors.connector(settings,
					this.pools.create(settings, properties.getMaxConnections()), this.resourceFactory))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(maxResponseSize));
		this.customizers.forEach((customizer) -> customizer.customize(id, builder));
		return switch (type) {
			case ANTHROPIC -> new AnthropicProvider(settings, properties.getAnthropicVersion(), builder,
					this.objectMapper, this.clock);
			case OPENAI -> new OpenAiProvider(settings, builder, this.objectMapper, this.clock);
			case SPRING_AI -> throw new IllegalStateException("made by its factory");
		};
	}

	/**
	 * Return the provider that another module's factory makes for a type this module does
	 * not build, with no connection of ours: the factory's provider connects as it
	 * pleases.
	 */
	private LlmProvider supplied(String id, Provider properties) {
		return this.providerFactories.stream()
			.filter((factory) -> factory.type() == properties.getType())
			.findFirst()
			.orElseThrow(() -> new InvalidLlmPropertyException("llm.resilience.providers." + id + ".type",
					"no module on the class path makes 'spring-ai' providers",
					"Add the dependency dev.llmresilience:llm-resilience-spring-ai, or use a provider of type"
							+ " 'anthropic' or 'openai'."))
			.create(id, properties);
	}

	private static URI baseUrl(ProviderType type, @Nullable URI baseUrl) {
		if (baseUrl == null) {
			return URI
				.create((type == ProviderType.ANTHROPIC) ? "https://api.anthropic.com" : "https://api.openai.com/v1");
		}
		String url = baseUrl.toString();
		return url.endsWith("/") ? URI.create(url.substring(0, url.length() - 1)) : baseUrl;
	}

	private static LlmModel model(String id, LlmResilienceProperties.Model properties, String currency) {
		String name = StringUtils.hasText(properties.getName()) ? properties.getName() : id;
		String provider = (properties.getProvider() != null) ? properties.getProvider()
				: properties.getDeployments().values().iterator().next().getProvider();
		return new LlmModel(id, provider, name, properties.getMaxOutputTokens(), properties.getContextWindow(),
				properties.getExtraBody(), properties.getCapabilities(), prices(properties.getPrices(), currency));
	}

	private static List<LlmDeployment> deployments(LlmModel model, Map<String, Deployment> properties,
			String currency) {
		List<LlmDeployment> deployments = new ArrayList<>();
		properties.forEach((name,
				deployment) -> deployments.add(new LlmDeployment(name, deployment.getProvider(),
						(deployment.getName() != null) ? deployment.getName() : model.name(), deployment.getWeight(),
						prices(deployment.getPrices(), currency))));
		return deployments;
	}

	/**
	 * Return the prices as configured, checked by {@link LlmPropertiesValidator}.
	 * @return the prices, or {@code null} if none are set
	 */
	@Nullable
	static LlmPrices prices(Prices prices, String currency) {
		if (!prices.isSet()) {
			return null;
		}
		LlmPrices.Rates rates = new LlmPrices.Rates(prices.getInput(), prices.getOutput(), prices.getCacheWrite(),
				prices.getCacheRead());
		LongContext longContext = prices.getLongContext();
		if (!longContext.isSet()) {
			return new LlmPrices(currency, rates);
		}
		return new LlmPrices(currency, rates, longContext.getAboveInputTokens(),
				new LlmPrices.Rates(longContext.getInput(), longContext.getOutput(), longContext.getCacheWrite(),
						longContext.getCacheRead()));
	}

}
