package dev.llmresilience.autoconfigure;

import dev.llmresilience.actuate.LlmHealthIndicator;
import dev.llmresilience.overview.LlmOverview;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@link LlmHealthIndicator},
 * {@code management.health.llm.enabled}.
 *
 * @author llm-resilience
 */
@AutoConfiguration(after = LlmResilienceAutoConfiguration.class)
@ConditionalOnClass(AbstractReactiveHealthIndicator.class)
@ConditionalOnBean(LlmOverview.class)
@ConditionalOnEnabledHealthIndicator("llm")
public class LlmHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "llmHealthIndicator", "llmHealthContributor" })
	LlmHealthIndicator llmHealthIndicator(LlmOverview llmOverview, LlmResilienceProperties properties) {
		return new LlmHealthIndicator(llmOverview, properties.getHealth().isAllowToFail());
	}

}
