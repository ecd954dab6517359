package dev.llmresilience.sample.dashboard;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.llmresilience.LlmPriority;
import dev.llmresilience.budget.SpendBudget;
import dev.llmresilience.overview.LlmOverview;
import dev.llmresilience.queue.QueueSnapshot;
import dev.llmresilience.sample.dashboard.BreakerTimeline.StateChange;
import dev.llmresilience.sample.dashboard.TrafficHistory.ModelWindow;
import dev.llmresilience.sample.dashboard.TrafficHistory.Series;

import org.springframework.lang.Nullable;

/**
 * Everything the dashboard page shows at one moment. Durations are milliseconds, so the
 * page needs no parsing.
 *
 * @param at when, in epoch milliseconds
 * @param chains each chain with the model serving it now, as {@code /actuator/llm} shows
 * them
 * @param models each model's breaker and traffic
 * @param queue the request queue, or {@code null} when it is disabled
 * @param rateLimitHolds the providers held for their rate limits, and for how many
 * milliseconds
 * @param history the last minutes, second by second
 * @param load the load generator's run, or {@code null} without the simulator
 * @param cost what each model was billed, and the spend budgets
 */
record DashboardSnapshot(long at, Map<String, LlmOverview.ChainState> chains, List<ModelView> models,
		@Nullable QueueView queue, Map<String, Long> rateLimitHolds, History history, @Nullable LoadStatus load,
		CostView cost) {

	/**
	 * One model.
	 *
	 * @param id the model id
	 * @param breaker the breaker's state and window, and the model's last error
	 * @param traffic the calls of the last seconds
	 */
	record ModelView(String id, LlmOverview.ModelState breaker, ModelWindow traffic) {

	}

	/**
	 * The request queue.
	 *
	 * @param capacity the most requests that may wait
	 * @param maxConcurrent the most requests served at once
	 * @param inFlight the requests being served
	 * @param depth the waiting requests by priority
	 * @param admitted the requests admitted so far
	 * @param refused the requests refused so far
	 * @param averageWait the average wait of an admitted request, in milliseconds
	 * @param maxWait the longest wait, in milliseconds
	 */
	record QueueView(int capacity, int maxConcurrent, int inFlight, Map<LlmPriority, Integer> depth, long admitted,
			long refused, long averageWait, long maxWait) {

		static QueueView of(QueueSnapshot snapshot) {
			// In priority order, for the page to show as it comes.
			Map<LlmPriority, Integer> depth = new EnumMap<>(LlmPriority.class);
			depth.putAll(snapshot.depth());
			return new QueueView(snapshot.capacity(), snapshot.maxConcurrent(), snapshot.inFlight(), depth,
					snapshot.admitted(), snapshot.refused(), snapshot.averageWait().toMillis(),
					snapshot.maxWait().toMillis());
		}

	}

	/**
	 * What calls cost.
	 *
	 * @param currency the prices' currency, or {@code null} before any cost is known and
	 * without budgets
	 * @param models what each model was billed since the app started, in the order of
	 * {@code models}
	 * @param budgets the spend budgets by name, as {@code /actuator/llm} shows them: each
	 * one's limit, spend in its current period and reset
	 */
	record CostView(@Nullable String currency, Map<String, ModelSpend.Bill> models,
			Map<String, SpendBudget.Status> budgets) {

	}

	/**
	 * The last minutes.
	 *
	 * @param requests requests per second by outcome
	 * @param breakers each model's breaker states over the same time
	 */
	record History(Series requests, Map<String, List<StateChange>> breakers) {

	}

}
