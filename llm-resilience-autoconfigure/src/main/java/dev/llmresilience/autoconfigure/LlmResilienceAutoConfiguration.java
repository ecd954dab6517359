package dev.llmresilience.autoconfigure;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.ModelCatalog;
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
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configuration for {@link LlmTemplate}: one provider client
 * per {@code llm.resilience.providers} entry, built on Spring Boot's {@link WebClient.Builder}.
 *
 * @author llm-resilience
 */
@AutoConfiguration(after = { JacksonAutoConfiguration.class, ClientHttpConnectorAutoConfiguration.class,
		WebClientAutoConfiguration.class })
@ConditionalOnClass({ WebClient.class, HttpClient.class })
@ConditionalOnBooleanProperty(name = "llm.resilience.enabled", matchIfMissing = true)
@Conditional(OnLlmProvidersCondition.class)
@EnableConfigurationProperties(LlmResilienceProperties.class)
public class LlmResilienceAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ModelCatalog llmModelCatalog(LlmResilienceProperties properties, ObjectProvider<WebClient.Builder> webClientBuilder,
			ObjectProvider<ReactorResourceFactory> resourceFactory, ObjectProvider<ObjectMapper> objectMapper,
			ObjectProvider<LlmWebClientCustomizer> customizers) {
		return new ModelCatalogFactory(webClientBuilder.getIfAvailable(WebClient::builder),
				resourceFactory.getIfAvailable(), objectMapper.getIfAvailable(ObjectMapper::new),
				customizers.orderedStream().toList(), Clock.systemUTC())
			.create(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	LlmTemplate llmTemplate(ModelCatalog llmModelCatalog) {
		return new LlmTemplate(llmModelCatalog);
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
