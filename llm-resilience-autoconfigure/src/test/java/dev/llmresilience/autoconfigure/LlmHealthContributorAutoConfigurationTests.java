package dev.llmresilience.autoconfigure;

import java.time.Duration;

import dev.llmresilience.SpringBootTestSupport;
import dev.llmresilience.actuate.LlmHealthIndicator;
import dev.llmresilience.overview.LlmOverview;
import dev.llmresilience.resilience.FallbackChain;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmHealthContributorAutoConfiguration}.
 */
class LlmHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(SpringBootTestSupport.webClient())
		.withConfiguration(SpringBootTestSupport.health())
		.withConfiguration(AutoConfigurations.of(LlmResilienceAutoConfiguration.class,
				LlmHealthContributorAutoConfiguration.class, EndpointAutoConfiguration.class))
		.withPropertyValues("llm.resilience.providers.anthropic.type=anthropic",
				"llm.resilience.providers.anthropic.api-key=test-key",
				"llm.resilience.providers.anthropic.base-url=http://localhost:1",
				"llm.resilience.models.sonnet.provider=anthropic", "llm.resilience.models.haiku.provider=anthropic",
				"llm.resilience.chains.default[0]=sonnet", "llm.resilience.chains.default[1]=haiku");

	@Test
	void createsReactiveHealthIndicatorNamedLlm() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(LlmHealthIndicator.class).hasBean("llmHealthIndicator");
			assertThat(context.getBean(LlmHealthIndicator.class))
				.isInstanceOf(SpringBootTestSupport.REACTIVE_HEALTH_INDICATOR);
			assertThat(status(context.getBean(LlmHealthIndicator.class))).isEqualTo("UP");
		});
	}

	@Test
	void backsOffToUserBeanNamedLlmHealthIndicator() {
		this.contextRunner.withUserConfiguration(UserHealthIndicatorConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(LlmHealthIndicator.class);
			assertThat(context.getBean("llmHealthIndicator")).isInstanceOf(SpringBootTestSupport.HEALTH_INDICATOR);
		});
	}

	@Test
	void backsOffToUserBeanNamedLlmHealthContributor() {
		this.contextRunner.withUserConfiguration(UserHealthContributorConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(LlmHealthIndicator.class);
			assertThat(context.getBean("llmHealthContributor")).isInstanceOf(SpringBootTestSupport.HEALTH_INDICATOR);
		});
	}

	@Test
	void disabledByManagementHealthLlmEnabled() {
		this.contextRunner.withPropertyValues("management.health.llm.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LlmHealthIndicator.class)
				.hasSingleBean(LlmOverview.class));
	}

	@Test
	void disabledWithTheOtherDefaultHealthIndicators() {
		this.contextRunner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LlmHealthIndicator.class));
	}

	@Test
	void absentWithoutActuator() {
		this.contextRunner
			.withClassLoader(new FilteredClassLoader(SpringBootTestSupport.ABSTRACT_REACTIVE_HEALTH_INDICATOR))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(LlmHealthIndicator.class)
				.hasSingleBean(LlmOverview.class));
	}

	@Test
	void absentWithoutProviders() {
		new ApplicationContextRunner().withConfiguration(SpringBootTestSupport.healthContributors())
			.withConfiguration(AutoConfigurations.of(LlmResilienceAutoConfiguration.class,
					LlmHealthContributorAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(LlmOverview.class)
				.doesNotHaveBean(LlmHealthIndicator.class));
	}

	@Test
	void absentWhenLlmResilienceIsDisabled() {
		this.contextRunner.withPropertyValues("llm.resilience.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LlmHealthIndicator.class));
	}

	@Test
	void chainWithoutAnyAvailableModelIsDownByDefault() {
		this.contextRunner.run((context) -> {
			forceOpen(context.getBean(FallbackChain.class), "sonnet", "haiku");
			assertThat(status(context.getBean(LlmHealthIndicator.class))).isEqualTo("DOWN");
		});
	}

	@Test
	void chainWithoutAnyAvailableModelIsDegradedWhenNotAllowedToFail() {
		this.contextRunner.withPropertyValues("llm.resilience.health.allow-to-fail=false").run((context) -> {
			forceOpen(context.getBean(FallbackChain.class), "sonnet", "haiku");
			assertThat(status(context.getBean(LlmHealthIndicator.class))).isEqualTo("DEGRADED");
		});
	}

	private static void forceOpen(FallbackChain chain, String... models) {
		for (String model : models) {
			chain.getExecutor(model).getCircuitBreaker().transitionToForcedOpenState();
		}
	}

	private static String status(LlmHealthIndicator indicator) {
		return indicator.health().block(Duration.ofSeconds(5)).getStatus().getCode();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserHealthIndicatorConfiguration {

		@Bean
		Object llmHealthIndicator() {
			return SpringBootTestSupport.upHealthIndicator();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserHealthContributorConfiguration {

		@Bean
		Object llmHealthContributor() {
			return SpringBootTestSupport.upHealthIndicator();
		}

	}

}
