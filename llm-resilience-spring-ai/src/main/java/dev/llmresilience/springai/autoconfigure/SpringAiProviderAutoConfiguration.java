package dev.llmresilience.springai.autoconfigure;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.autoconfigure.LlmProviderFactory;
import dev.llmresilience.autoconfigure.LlmResilienceAutoConfiguration;
import io.micrometer.observation.ObservationPredicate;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code spring-ai} provider type: a
 * {@link SpringAiChatModelProviderFactory} that the catalog asks for each provider of
 * that type, so that a Spring AI chat model bean can be a link of a fallback chain, and
 * an {@link ObservationPredicate} that leaves the observation of those calls to the
 * pipeline, and, for Spring AI's retry template, a listener that leaves their retries to
 * the pipeline too.
 *
 * @author llm-resilience
 */
@AutoConfiguration(before = LlmResilienceAutoConfiguration.class)
@ConditionalOnClass({ ChatModel.class, LlmProviderFactory.class })
@ConditionalOnBooleanProperty(name = "llm.resilience.enabled", matchIfMissing = true)
public class SpringAiProviderAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SpringAiChatModelProviderFactory llmSpringAiProviderFactory(ListableBeanFactory beanFactory,
			ObjectProvider<ObjectMapper> objectMapper, ObjectProvider<Clock> clock) {
		return new SpringAiChatModelProviderFactory(beanFactory, objectMapper.getIfAvailable(ObjectMapper::new),
				clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	@ConditionalOnMissingBean(name = "llmSpringAiAttemptObservationPredicate")
	ObservationPredicate llmSpringAiAttemptObservationPredicate() {
		return new AttemptChatModelObservationPredicate();
	}

	/**
	 * Spring AI's retry of a call made for an attempt ends at the call's first failure.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = AttemptRetryVeto.RETRY_TEMPLATE)
	static class AttemptRetryVetoConfiguration {

		@Bean
		static BeanPostProcessor llmSpringAiAttemptRetryVeto() {
			return AttemptRetryVeto.registered();
		}

	}

}
