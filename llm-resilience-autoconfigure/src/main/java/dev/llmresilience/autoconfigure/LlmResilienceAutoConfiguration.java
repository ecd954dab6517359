package dev.llmresilience.autoconfigure;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.ModelCatalog;
import dev.llmresilience.resilience.FallbackChain;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.ClientHttpConnectorAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configuration for {@link LlmTemplate}: one provider client per
 * {@code llm.resilience.providers} entry, built on Spring Boot's {@link WebClient.Builder}, and a
 * circuit breaker and a retry per model in resilience4j's registries (the application's, when
 * resilience4j's Spring Boot support provides them).
 *
 * @author llm-resilience
 */
@AutoConfiguration(after = { JacksonAutoConfiguration.class, ClientHttpConnectorAutoConfiguration.class,
		WebClientAutoConfiguration.class },
		afterName = { "io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration",
				"io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration" })
@ConditionalOnClass({ WebClient.class, HttpClient.class })
@ConditionalOnBooleanProperty(name = "llm.resilience.enabled", matchIfMissing = true)
@Conditional(OnLlmProvidersCondition.class)
@EnableConfigurationProperties(LlmResilienceProperties.class)
public class LlmResilienceAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ModelCatalog llmModelCatalog(LlmResilienceProperties properties, ObjectProvider<WebClient.Builder> webClientBuilder,
			ObjectProvider<ReactorResourceFactory> resourceFactory, ObjectProvider<ObjectMapper> objectMapper,
			ObjectProvider<LlmWebClientCustomizer> customizers, ObjectProvider<Clock> clock) {
		return new ModelCatalogFactory(webClientBuilder.getIfAvailable(WebClient::builder),
				resourceFactory.getIfAvailable(), objectMapper.getIfAvailable(ObjectMapper::new),
				customizers.orderedStream().toList(), clock.getIfAvailable(Clock::systemUTC))
			.create(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	FallbackChain llmFallbackChain(ModelCatalog llmModelCatalog, LlmResilienceProperties properties,
			Environment environment, ObjectProvider<CircuitBreakerRegistry> circuitBreakerRegistry,
			ObjectProvider<RetryRegistry> retryRegistry, ObjectProvider<Clock> clock) {
		return new FallbackChainFactory(Binder.get(environment),
				circuitBreakerRegistry.getIfAvailable(CircuitBreakerRegistry::ofDefaults),
				retryRegistry.getIfAvailable(RetryRegistry::ofDefaults), clock.getIfAvailable(Clock::systemUTC))
			.create(llmModelCatalog, properties);
	}

	@Bean
	@ConditionalOnMissingBean
	LlmTemplate llmTemplate(FallbackChain llmFallbackChain, LlmResilienceProperties properties) {
		return new LlmTemplate(llmFallbackChain, properties.getTimeout());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SanitizingFunction.class)
	static class ApiKeySanitizingConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "llmApiKeySanitizingFunction")
		SanitizingFunction llmApiKeySanitizingFunction() {
			return new ApiKeySanitizingFunction();
		}

	}

}
