package dev.llmresilience.budget;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.llmresilience.LlmRequest;

import org.springframework.lang.Nullable;

/**
 * Accounts for what requests cost: keeps the {@link SpendBudget spend budgets}, which the
 * calls they cover reserve from and settle with, and tells the {@link SpendListener
 * listeners} what each attempt was billed.
 */
public final class CostAccounting {

	/** Accounting without budgets that tells nobody. */
	public static final CostAccounting NONE = new CostAccounting(List.of());

	private final List<SpendListener> listeners;

	private final List<SpendBudget> budgets;

	private final Clock clock;

	private final RequestSpend unguarded;

	/**
	 * Create accounting without budgets.
	 * @param listeners told of every attempt billed, in order
	 */
	public CostAccounting(List<SpendListener> listeners) {
		this(listeners, List.of(), Clock.systemUTC());
	}

	/**
	 * Create a new instance.
	 * @param listeners told of every attempt billed, in order
	 * @param budgets the spend budgets, with distinct names
	 * @param clock the clock that tells which period a call falls in
	 */
	public CostAccounting(List<SpendListener> listeners, List<SpendBudget> budgets, Clock clock) {
		this.listeners = List.copyOf(listeners);
		List<SpendBudget> ordered = new ArrayList<>(budgets);
		// a budget that skips a model is checked first, since a model skipped is not
		// called and no other budget need let it go; then those that refuse, so that a
		// request refused takes nothing from the budgets that warn
		ordered.sort(Comparator.comparingInt(CostAccounting::order));
		this.budgets = List.copyOf(ordered);
		this.clock = clock;
		this.unguarded = new RequestSpend(null, Map.of(), this.listeners, List.of(), clock);
	}

	private static int order(SpendBudget budget) {
		return switch (budget.action()) {
			case SKIP -> 0;
			case REFUSE -> 1;
			case WARN -> 2;
		};
	}

	/**
	 * Return the account of one request.
	 * @param chain the name of the chain that serves it, or {@code null} for a request
	 * that names a single model
	 * @param request the request, for its tags
	 * @return the account
	 */
	public RequestSpend forRequest(@Nullable String chain, LlmRequest request) {
		List<SpendBudget> covering = RequestSpend.covering(this.budgets, chain, request.tags());
		if (this.listeners.isEmpty() && covering.isEmpty()) {
			return this.unguarded;
		}
		return new RequestSpend(chain, request.tags(), this.listeners, covering, this.clock);
	}

	/**
	 * Return the spend budgets.
	 * @return the budgets, those that skip first, then those that refuse, then those that
	 * warn
	 */
	public List<SpendBudget> budgets() {
		return this.budgets;
	}

	/**
	 * Return the state of every budget now.
	 * @return the states by budget name
	 */
	public Map<String, SpendBudget.Status> budgetStatus() {
		long now = this.clock.millis();
		Map<String, SpendBudget.Status> status = new LinkedHashMap<>();
		this.budgets.forEach((budget) -> status.put(budget.name(), budget.status(now)));
		return status;
	}

}
