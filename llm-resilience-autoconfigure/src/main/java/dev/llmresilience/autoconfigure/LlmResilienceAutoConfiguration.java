package dev.llmresilience.autoconfigure;

import java.time.Clock;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmPipeline;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.budget.CostAccounting;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.budget.SpendListener;
import dev.llmresilience.cluster.RateLimitSharing;
import dev.llmresilience.overview.LlmOverview;
import dev.llmresilience.pipeline.ResilientPipeline;
import dev.llmresilience.provider.ProviderConnectionPools;
import dev.llmresilience.queue.RequestQueue;
import dev.llmresilience.resilience.FallbackChain;
import dev.llmresilience.resilience.ModelCatalog;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.observation.ObservationRegistry;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configuration for {@link LlmTemplate}: one provider client per
 * {@code llm.resilience.providers} entry, built on Spring Boot's
 * {@link WebClient.Builder}, and a circuit breaker and a retry per model in
 * resilience4j's registries (the application's, when resilience4j's Spring Boot support
 * provides them).
 *
 * @author llm-resilience
 */
@AutoConfiguration(
		afterName = { SpringBootAutoConfigurationNames.JACKSON, SpringBootAutoConfigurationNames.HTTP_CONNECTOR,
				SpringBootAutoConfigurationNames.WEB_CLIENT, SpringBootAutoConfigurationNames.CIRCUIT_BREAKER,
				SpringBootAutoConfigurationNames.RETRY, SpringBootAutoConfigurationNames.OBSERVATION })
@ConditionalOnClass({ WebClient.class, HttpClient.class })
@ConditionalOnBooleanProperty(name = "llm.resilience.enabled", matchIfMissing = true)
@Conditional(OnLlmProvidersCondition.class)
@EnableConfigurationProperties(LlmResilienceProperties.class)
public class LlmResilienceAutoConfiguration {

	@Bean
	ProviderConnectionPools llmProviderConnectionPools(ObjectProvider<LlmConnectionPoolCustomizer> customizers) {
		return new ProviderConnectionPools(customizers
			.orderedStream().<BiConsumer<String, ConnectionProvider
					.Builder>>map((customizer) -> customizer::customize)
			.toList());
	}

	@Bean
	@ConditionalOnMissingBean
	ModelCatalog llmModelCatalog(LlmResilienceProperties properties, ObjectProvider<WebClient.Builder> webClientBuilder,
			ObjectProvider<ReactorResourceFactory> resourceFactory, ObjectProvider<ObjectMapper> objectMapper,
			ObjectProvider<LlmWebClientCustomizer> customizers, ObjectProvider<Clock> clock,
			ProviderConnectionPools llmProviderConnectionPools, ObjectProvider<LlmProviderFactory> providerFactories) {
		return new ModelCatalogFactory(webClientBuilder.getIfAvailable(WebClient::builder),
				resourceFactory.getIfAvailable(), objectMapper.getIfAvailable(ObjectMapper::new),
				customizers.orderedStream().toList(), clock.getIfAvailable(Clock::systemUTC),
				llmProviderConnectionPools, providerFactories.orderedStream().toList())
			.create(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	ProviderPacer llmProviderPacer(LlmResilienceProperties properties, ObjectProvider<Clock> clock,
			ObjectProvider<RateLimitSharing> llmRateLimitSharing) {
		return ProviderPacerFactory.create(properties, clock.getIfAvailable(Clock::systemUTC),
				llmRateLimitSharing.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	CostAccounting llmCostAccounting(LlmResilienceProperties properties, ObjectProvider<SpendListener> spendListeners,
			ObjectProvider<Clock> clock, ObjectProvider<RateLimitSharing> llmRateLimitSharing) {
		return CostAccountingFactory.create(properties, spendListeners.orderedStream().toList(),
				clock.getIfAvailable(Clock::systemUTC), llmRateLimitSharing.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	FallbackChain llmFallbackChain(ModelCatalog llmModelCatalog, LlmResilienceProperties properties,
			ObjectProvider<CircuitBreakerRegistry> circuitBreakerRegistry, ObjectProvider<RetryRegistry> retryRegistry,
			ObjectProvider<Clock> clock, ProviderPacer llmProviderPacer,
			ObjectProvider<ObservationRegistry> observationRegistry, CostAccounting llmCostAccounting) {
		return new FallbackChainFactory(circuitBreakerRegistry.getIfAvailable(CircuitBreakerRegistry::ofDefaults),
				retryRegistry.getIfAvailable(RetryRegistry::ofDefaults), clock.getIfAvailable(Clock::systemUTC),
				llmProviderPacer, observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP), llmCostAccounting)
			.create(llmModelCatalog, properties);
	}

	@Bean
	@ConditionalOnMissingBean(LlmPipeline.class)
	ResilientPipeline llmPipeline(FallbackChain llmFallbackChain, ObjectProvider<RequestQueue> llmRequestQueue,
			LlmResilienceProperties properties, ObjectProvider<ObservationRegistry> observationRegistry) {
		return new ResilientPipeline(llmFallbackChain, llmRequestQueue.getIfAvailable(), properties.getTimeout(),
				observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

	@Bean
	@ConditionalOnMissingBean
	LlmTemplate llmTemplate(LlmPipeline llmPipeline) {
		return new LlmTemplate(llmPipeline);
	}

	@Bean
	@ConditionalOnMissingBean
	LlmOverview llmOverview(FallbackChain llmFallbackChain, ObjectProvider<RequestQueue> llmRequestQueue,
			ObjectProvider<ProviderPacer> llmProviderPacer, ObjectProvider<RateLimitSharing> llmRateLimitSharing,
			LlmResilienceProperties properties) {
		return new LlmOverview(llmFallbackChain, llmRequestQueue.getIfAvailable(), llmProviderPacer.getIfAvailable(),
				llmRateLimitSharing.getIfAvailable(), properties.getTimeout());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "llm.resilience.queue.enabled", matchIfMissing = true)
	static class RequestQueueConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RequestQueue llmRequestQueue(LlmResilienceProperties properties) {
			LlmResilienceProperties.Queue queue = properties.getQueue();
			return new RequestQueue(queue.getCapacity(), queue.getPriorityCapacity(), queue.getMaxConcurrent(),
					queue.getAging());
		}

		@Bean
		@ConditionalOnMissingBean
		RequestQueueLifecycle llmRequestQueueLifecycle(RequestQueue llmRequestQueue,
				LlmResilienceProperties properties) {
			return new RequestQueueLifecycle(llmRequestQueue, properties.getQueue().getShutdownGrace());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SanitizingFunction.class)
	static class ApiKeySanitizingConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "llmApiKeySanitizingFunction")
		SanitizingFunction llmApiKeySanitizingFunction(LlmResilienceProperties properties) {
			return new ApiKeySanitizingFunction(properties);
		}

	}

}
