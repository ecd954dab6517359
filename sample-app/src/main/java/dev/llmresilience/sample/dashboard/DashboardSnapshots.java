package dev.llmresilience.sample.dashboard;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.llmresilience.budget.SpendBudget;
import dev.llmresilience.overview.LlmOverview;
import dev.llmresilience.queue.QueueSnapshot;
import dev.llmresilience.sample.dashboard.DashboardSnapshot.CostView;
import dev.llmresilience.sample.dashboard.DashboardSnapshot.History;
import dev.llmresilience.sample.dashboard.DashboardSnapshot.ModelView;
import dev.llmresilience.sample.dashboard.DashboardSnapshot.QueueView;

import org.springframework.lang.Nullable;

/**
 * Takes {@link DashboardSnapshot}s: the library's {@link LlmOverview} (breakers, chains,
 * queue, holds, spend budgets, the same as {@code /actuator/llm}) together with the
 * traffic and the spend the app recorded itself.
 */
class DashboardSnapshots {

	/**
	 * Seconds over which a model's rates and percentiles are computed: long enough to
	 * hold a few calls at low load, short enough to follow a breaker opening.
	 */
	static final int MODEL_WINDOW_SECONDS = 10;

	private final LlmOverview overview;

	private final TrafficHistory history;

	private final BreakerTimeline breakers;

	private final ModelSpend spend;

	@Nullable
	private final LoadGenerator load;

	private final Clock clock;

	DashboardSnapshots(LlmOverview overview, TrafficHistory history, BreakerTimeline breakers, ModelSpend spend,
			@Nullable LoadGenerator load, Clock clock) {
		this.overview = overview;
		this.history = history;
		this.breakers = breakers;
		this.spend = spend;
		this.load = load;
		this.clock = clock;
	}

	DashboardSnapshot take() {
		Instant now = this.clock.instant();
		long second = now.getEpochSecond();
		Map<String, LlmOverview.ModelState> states = this.overview.models();
		List<ModelView> models = new ArrayList<>();
		states.forEach((id, state) -> models
			.add(new ModelView(id, state, this.history.model(id, second, MODEL_WINDOW_SECONDS))));
		QueueSnapshot queue = this.overview.queue();
		Map<String, Long> holds = new LinkedHashMap<>();
		this.overview.rateLimitHolds().forEach((provider, hold) -> holds.put(provider, hold.toMillis()));
		TrafficHistory.Series requests = this.history.series(second);
		History history = new History(requests,
				this.breakers.since(states.keySet(), Instant.ofEpochSecond(requests.from())));
		return new DashboardSnapshot(now.toEpochMilli(), this.overview.chains(), models,
				(queue != null) ? QueueView.of(queue) : null, holds, history,
				(this.load != null) ? this.load.status() : null, cost(states.keySet()));
	}

	private CostView cost(Set<String> models) {
		Map<String, ModelSpend.Bill> bills = new LinkedHashMap<>();
		models.forEach((id) -> bills.put(id, this.spend.bill(id)));
		Map<String, SpendBudget.Status> budgets = this.overview.budgets();
		String currency = this.spend.currency();
		if (currency == null && !budgets.isEmpty()) {
			currency = budgets.values().iterator().next().currency();
		}
		return new CostView(currency, bills, budgets);
	}

}
