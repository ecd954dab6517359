package dev.llmresilience.autoconfigure;

import dev.llmresilience.actuate.LlmEndpoint;
import dev.llmresilience.overview.LlmOverview;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@link LlmEndpoint}, {@code /actuator/llm}.
 *
 * @author llm-resilience
 */
@AutoConfiguration(after = LlmResilienceAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnBean(LlmOverview.class)
@ConditionalOnAvailableEndpoint(LlmEndpoint.class)
public class LlmEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LlmEndpoint llmEndpoint(LlmOverview llmOverview) {
		return new LlmEndpoint(llmOverview);
	}

}
