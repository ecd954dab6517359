package dev.llmresilience.sample.dashboard;

import dev.llmresilience.LlmTemplate;
import dev.llmresilience.overview.LlmOverview;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link DashboardConfiguration}.
 */
class DashboardConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withUserConfiguration(DashboardConfiguration.class)
		.withBean(LlmOverview.class, () -> mock(LlmOverview.class))
		.withBean(LlmTemplate.class, () -> mock(LlmTemplate.class))
		.withBean(CircuitBreakerRegistry.class, CircuitBreakerRegistry::ofDefaults);

	@Test
	void servesTheDashboardWithALoadGeneratorByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasBean("dashboardRoutes")
				.hasSingleBean(LlmTrafficObserver.class)
				.hasSingleBean(LoadGenerator.class);
			assertThat(context.getBean(DashboardSnapshots.class).take().load()).isEqualTo(LoadStatus.IDLE);
		});
	}

	@Test
	void hasNoLoadGeneratorWithoutTheSimulator() {
		// Against a real API, every generated request would be paid for.
		this.contextRunner.withPropertyValues("simulator.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(DashboardSnapshots.class).doesNotHaveBean(LoadGenerator.class);
			assertThat(context.getBean(DashboardSnapshots.class).take().load()).isNull();
		});
	}

}
