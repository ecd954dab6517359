package dev.llmresilience.autoconfigure;

import java.time.Duration;

import dev.llmresilience.actuate.LlmHealthIndicator;
import dev.llmresilience.overview.LlmOverview;
import dev.llmresilience.resilience.FallbackChain;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration;
import org.springframework.boot.actuate.health.AbstractReactiveHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.ReactiveHealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.ClientHttpConnectorAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration;
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
		.withConfiguration(
				AutoConfigurations.of(JacksonAutoConfiguration.class, ClientHttpConnectorAutoConfiguration.class,
						WebClientAutoConfiguration.class, LlmResilienceAutoConfiguration.class,
						LlmHealthContributorAutoConfiguration.class, EndpointAutoConfiguration.class,
						HealthContributorAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
		.withPropertyValues("llm.resilience.providers.anthropic.type=anthropic",
				"llm.resilience.providers.anthropic.api-key=test-key",
				"llm.resilience.providers.anthropic.base-url=http://localhost:1",
				"llm.resilience.models.sonnet.provider=anthropic", "llm.resilience.models.haiku.provider=anthropic",
				"llm.resilience.chains.default[0]=sonnet", "llm.resilience.chains.default[1]=haiku");

	@Test
	void createsReactiveHealthIndicatorNamedLlm() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(LlmHealthIndicator.class).hasBean("llmHealthIndicator");
			assertThat(context.getBean(LlmHealthIndicator.class)).isInstanceOf(ReactiveHealthIndicator.class);
			assertThat(health(context.getBean(LlmHealthIndicator.class)).getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void backsOffToUserBeanNamedLlmHealthIndicator() {
		this.contextRunner.withUserConfiguration(UserHealthIndicatorConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(LlmHealthIndicator.class);
			assertThat(context.getBean("llmHealthIndicator")).isInstanceOf(HealthIndicator.class);
		});
	}

	@Test
	void backsOffToUserBeanNamedLlmHealthContributor() {
		this.contextRunner.withUserConfiguration(UserHealthContributorConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(LlmHealthIndicator.class);
			assertThat(context.getBean("llmHealthContributor")).isInstanceOf(HealthIndicator.class);
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
		this.contextRunner.withClassLoader(new FilteredClassLoader(AbstractReactiveHealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(LlmHealthIndicator.class)
				.hasSingleBean(LlmOverview.class));
	}

	@Test
	void absentWithoutProviders() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LlmResilienceAutoConfiguration.class,
					LlmHealthContributorAutoConfiguration.class, HealthContributorAutoConfiguration.class))
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
			assertThat(health(context.getBean(LlmHealthIndicator.class)).getStatus()).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void chainWithoutAnyAvailableModelIsDegradedWhenNotAllowedToFail() {
		this.contextRunner.withPropertyValues("llm.resilience.health.allow-to-fail=false").run((context) -> {
			forceOpen(context.getBean(FallbackChain.class), "sonnet", "haiku");
			assertThat(health(context.getBean(LlmHealthIndicator.class)).getStatus())
				.isEqualTo(LlmHealthIndicator.DEGRADED);
		});
	}

	private static void forceOpen(FallbackChain chain, String... models) {
		for (String model : models) {
			chain.getExecutor(model).getCircuitBreaker().transitionToForcedOpenState();
		}
	}

	private static Health health(LlmHealthIndicator indicator) {
		return indicator.health().block(Duration.ofSeconds(5));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserHealthIndicatorConfiguration {

		@Bean
		HealthIndicator llmHealthIndicator() {
			return () -> Health.up().build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserHealthContributorConfiguration {

		@Bean
		HealthIndicator llmHealthContributor() {
			return () -> Health.up().build();
		}

	}

}
