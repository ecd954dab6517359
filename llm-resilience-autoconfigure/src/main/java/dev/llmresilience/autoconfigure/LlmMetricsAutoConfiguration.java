package dev.llmresilience.autoconfigure;

import java.time.Clock;

import dev.llmresilience.actuate.LlmBudgetMetrics;
import dev.llmresilience.actuate.LlmCostMetrics;
import dev.llmresilience.actuate.LlmMetricsObservationHandler;
import dev.llmresilience.actuate.LlmQueueMetrics;
import dev.llmresilience.budget.CostAccounting;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.queue.RequestQueue;
import dev.llmresilience.resilience.ModelCatalog;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the meters of llm-resilience: the GenAI client metrics, retries,
 * fallbacks and time to first token recorded from the request and attempt observations,
 * what calls cost, told by the cost accounting, and the spend budget, queue and
 * rate-limit gauges.
 *
 * @author llm-resilience
 */
@AutoConfiguration(after = LlmResilienceAutoConfiguration.class,
		afterName = { SpringBootAutoConfigurationNames.METRICS,
				SpringBootAutoConfigurationNames.COMPOSITE_METER_REGISTRY })
@ConditionalOnClass(value = MeterRegistry.class, name = SpringBootAutoConfigurationNames.METRICS)
@ConditionalOnBean({ MeterRegistry.class, ProviderPacer.class, CostAccounting.class })
public class LlmMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LlmMetricsObservationHandler llmMetricsObservationHandler(MeterRegistry meterRegistry) {
		return new LlmMetricsObservationHandler(meterRegistry);
	}

	@Bean
	@ConditionalOnMissingBean
	LlmCostMetrics llmCostMetrics(MeterRegistry meterRegistry, LlmResilienceProperties properties) {
		return new LlmCostMetrics(meterRegistry, properties.getCost().getTags());
	}

	@Bean
	@ConditionalOnMissingBean
	LlmBudgetMetrics llmBudgetMetrics(CostAccounting llmCostAccounting, ObjectProvider<Clock> clock) {
		return new LlmBudgetMetrics(llmCostAccounting, clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	@ConditionalOnMissingBean
	LlmQueueMetrics llmQueueMetrics(ObjectProvider<RequestQueue> llmRequestQueue, ProviderPacer llmProviderPacer,
			ModelCatalog llmModelCatalog) {
		return new LlmQueueMetrics(llmRequestQueue.getIfAvailable(), llmProviderPacer,
				llmModelCatalog.getModels().values().stream().map((model) -> model.provider()).distinct().toList());
	}

}
