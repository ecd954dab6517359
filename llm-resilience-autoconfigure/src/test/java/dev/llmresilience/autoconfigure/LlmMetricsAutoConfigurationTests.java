package dev.llmresilience.autoconfigure;

import java.math.BigDecimal;
import java.util.Map;

import dev.llmresilience.LlmCost;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmPriority;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.SpringBootTestSupport;
import dev.llmresilience.actuate.LlmBudgetMetrics;
import dev.llmresilience.actuate.LlmCostMetrics;
import dev.llmresilience.actuate.LlmMetricsObservationHandler;
import dev.llmresilience.actuate.LlmQueueMetrics;
import dev.llmresilience.budget.CostAccounting;
import dev.llmresilience.observation.LlmAttemptContext;
import dev.llmresilience.observation.LlmObservationConventions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmMetricsAutoConfiguration}.
 */
class LlmMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(SpringBootTestSupport.webClient())
		.withConfiguration(SpringBootTestSupport.metrics())
		.withConfiguration(SpringBootTestSupport.observation())
		.withConfiguration(
				AutoConfigurations.of(LlmResilienceAutoConfiguration.class, LlmMetricsAutoConfiguration.class))
		.withPropertyValues("llm.resilience.providers.anthropic.type=anthropic",
				"llm.resilience.providers.anthropic.api-key=test-key",
				"llm.resilience.providers.anthropic.base-url=http://localhost:1",
				"llm.resilience.providers.local.type=openai",
				"llm.resilience.providers.local.base-url=http://localhost:2/v1",
				"llm.resilience.models.sonnet.provider=anthropic",
				"llm.resilience.models.sonnet.name=claude-sonnet-4-5", "llm.resilience.models.llama.provider=local");

	@Test
	void createsObservationHandlerAndQueueMetrics() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(LlmMetricsObservationHandler.class)
			.hasSingleBean(LlmQueueMetrics.class));
	}

	@Test
	void observationHandlerRecordsIntoTheApplicationsMeterRegistry() {
		this.contextRunner.run((context) -> {
			LlmAttemptContext attempt = new LlmAttemptContext(
					new LlmModel("sonnet", "anthropic", "claude-sonnet-4-5", 4096, null), "anthropic", 1, false);
			Observation
				.createNotStarted(LlmObservationConventions.attempt(), () -> attempt,
						context.getBean(ObservationRegistry.class))
				.start()
				.stop();
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("gen_ai.client.operation.duration")
				.tag("gen_ai.request.model", "claude-sonnet-4-5")
				.timer()
				.count()).isEqualTo(1);
			assertThat(meters.get("llm.attempt").tag("llm.model", "sonnet").timer().count()).isEqualTo(1);
		});
	}

	@Test
	void createsCostMetricsWhichTheCostAccountingTellsOfEverySpend() {
		this.contextRunner.withPropertyValues("llm.resilience.cost.tags.tenant=acme,globex").run((context) -> {
			assertThat(context).hasSingleBean(LlmCostMetrics.class);
			LlmModel sonnet = new LlmModel("sonnet", "anthropic", "claude-sonnet-4-5", 4096, null);
			context.getBean(CostAccounting.class)
				.forRequest("main", LlmRequest.builder().user("Hi").tag("tenant", "acme").build())
				.billed(sonnet, "anthropic", null, null, LlmCost.of(new BigDecimal("0.25"), "USD"));
			assertThat(context.getBean(MeterRegistry.class)
				.get("llm.cost")
				.tag("llm.model", "sonnet")
				.tag("llm.chain", "main")
				.tag("llm.tag.tenant", "acme")
				.counter()
				.count()).isEqualTo(0.25);
		});
	}

	@Test
	void bindsAGaugeOfTheSpendAndOfTheLimitOfEveryBudget() {
		this.contextRunner
			.withPropertyValues("llm.resilience.models.sonnet.prices.input=3",
					"llm.resilience.models.sonnet.prices.output=15", "llm.resilience.models.llama.prices.input=0",
					"llm.resilience.models.llama.prices.output=0", "llm.resilience.cost.budgets.monthly.limit=1000")
			.run((context) -> {
				assertThat(context).hasSingleBean(LlmBudgetMetrics.class);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("llm.cost.budget.limit").tag("llm.budget", "monthly").gauge().value())
					.isEqualTo(1000);
				assertThat(meters.get("llm.cost.budget.spent").tag("llm.budget", "monthly").gauge().value()).isZero();
			});
	}

	@Test
	void backsOffToUserCostMetrics() {
		this.contextRunner.withUserConfiguration(UserCostMetricsConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(LlmCostMetrics.class).hasBean("customLlmCostMetrics"));
	}

	@Test
	void bindsQueueAndProviderHoldMeters() {
		this.contextRunner.run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("llm.queue.depth").gauges()).hasSize(LlmPriority.values().length);
			assertThat(meters.get("llm.queue.in_flight").gauge().value()).isZero();
			assertThat(meters.get("llm.queue.wait").functionTimer().count()).isZero();
			assertThat(meters.get("llm.queue.refused").functionCounter().count()).isZero();
			assertThat(meters.get("llm.provider.hold").gauges())
				.extracting((gauge) -> gauge.getId().getTag("llm.provider"))
				.containsExactlyInAnyOrder("anthropic", "local");
		});
	}

	@Test
	void withoutQueueBindsOnlyProviderHoldMeters() {
		this.contextRunner.withPropertyValues("llm.resilience.queue.enabled=false").run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.find("llm.queue.depth").meters()).isEmpty();
			assertThat(meters.find("llm.provider.hold").gauges()).hasSize(2);
		});
	}

	@Test
	void metersAreDisabledByManagementMetricsEnableLlm() {
		this.contextRunner.withPropertyValues("management.metrics.enable.llm=false")
			.run((context) -> assertThat(context.getBean(MeterRegistry.class).find("llm.queue.depth").meters())
				.isEmpty());
	}

	@Test
	void backsOffToUserObservationHandler() {
		this.contextRunner.withUserConfiguration(UserMetricsConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(LlmMetricsObservationHandler.class)
				.hasBean("customLlmMetricsObservationHandler")
				.hasSingleBean(LlmQueueMetrics.class));
	}

	@Test
	void absentWithoutMeterRegistry() {
		new ApplicationContextRunner().withConfiguration(SpringBootTestSupport.webClient())
			.withConfiguration(
					AutoConfigurations.of(LlmResilienceAutoConfiguration.class, LlmMetricsAutoConfiguration.class))
			.withPropertyValues("llm.resilience.providers.anthropic.type=anthropic",
					"llm.resilience.providers.anthropic.api-key=test-key",
					"llm.resilience.providers.anthropic.base-url=http://localhost:1",
					"llm.resilience.models.sonnet.provider=anthropic")
			.run((context) -> assertThat(context).doesNotHaveBean(LlmMetricsObservationHandler.class)
				.doesNotHaveBean(LlmQueueMetrics.class)
				.doesNotHaveBean(LlmCostMetrics.class)
				.doesNotHaveBean(LlmBudgetMetrics.class));
	}

	@Test
	void absentWithoutMicrometer() {
		// without Boot's metrics auto-configurations, which Spring Boot 4 runs even then
		new ApplicationContextRunner().withConfiguration(SpringBootTestSupport.webClient())
			.withConfiguration(
					AutoConfigurations.of(LlmResilienceAutoConfiguration.class, LlmMetricsAutoConfiguration.class))
			.withPropertyValues("llm.resilience.providers.anthropic.type=anthropic",
					"llm.resilience.providers.anthropic.api-key=test-key",
					"llm.resilience.models.sonnet.provider=anthropic")
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(LlmMetricsObservationHandler.class)
				.doesNotHaveBean(LlmQueueMetrics.class));
	}

	@Test
	void absentWithoutProviders() {
		new ApplicationContextRunner().withConfiguration(SpringBootTestSupport.metrics())
			.withConfiguration(
					AutoConfigurations.of(LlmResilienceAutoConfiguration.class, LlmMetricsAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(MeterRegistry.class)
				.doesNotHaveBean(LlmMetricsObservationHandler.class)
				.doesNotHaveBean(LlmQueueMetrics.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCostMetricsConfiguration {

		@Bean
		LlmCostMetrics customLlmCostMetrics() {
			return new LlmCostMetrics(new SimpleMeterRegistry(), Map.of());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserMetricsConfiguration {

		@Bean
		LlmMetricsObservationHandler customLlmMetricsObservationHandler() {
			return new LlmMetricsObservationHandler(new SimpleMeterRegistry());
		}

	}

}
