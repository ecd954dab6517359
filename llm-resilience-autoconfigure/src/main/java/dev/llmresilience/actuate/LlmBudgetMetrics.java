package dev.llmresilience.actuate;

import java.time.Clock;

import dev.llmresilience.budget.CostAccounting;
import dev.llmresilience.budget.SpendBudget;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Gauges of every spend budget, tagged {@code llm.budget}: {@code llm.cost.budget.spent},
 * the spend of its current period as last known here, and {@code llm.cost.budget.limit},
 * both in the prices' currency.
 */
public class LlmBudgetMetrics implements MeterBinder {

	private final CostAccounting accounting;

	private final Clock clock;

	/**
	 * Create a new instance.
	 * @param accounting the accounting that keeps the budgets
	 * @param clock the clock that tells the budgets' current periods
	 */
	public LlmBudgetMetrics(CostAccounting accounting, Clock clock) {
		this.accounting = accounting;
		this.clock = clock;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (SpendBudget budget : this.accounting.budgets()) {
			Gauge
				.builder("llm.cost.budget.spent", budget,
						(measured) -> measured.status(this.clock.millis()).spent().doubleValue())
				.description("What the requests a spend budget covers spent in its current period")
				.tag("llm.budget", budget.name())
				.register(registry);
			Gauge.builder("llm.cost.budget.limit", budget, (measured) -> measured.limit().doubleValue())
				.description("The most the requests a spend budget covers may spend in a period")
				.tag("llm.budget", budget.name())
				.register(registry);
		}
	}

}
