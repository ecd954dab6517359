package dev.llmresilience.budget;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.llmresilience.LlmCost;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmPrices;
import dev.llmresilience.LlmRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.lang.Nullable;

/**
 * The account of one request: the spend budgets that cover it, which each of its calls
 * reserves from, and the listeners its attempts are billed to.
 */
public final class RequestSpend {

	private static final Log logger = LogFactory.getLog(RequestSpend.class);

	@Nullable
	private final String chain;

	private final Map<String, String> tags;

	private final List<SpendListener> listeners;

	/**
	 * The budgets that cover the request, those that refuse first, then skip, then warn.
	 */
	private final List<SpendBudget> budgets;

	private final Clock clock;

	RequestSpend(@Nullable String chain, Map<String, String> tags, List<SpendListener> listeners,
			List<SpendBudget> budgets, Clock clock) {
		this.chain = chain;
		this.tags = tags;
		this.listeners = listeners;
		this.budgets = budgets;
		this.clock = clock;
	}

	/**
	 * Return whether a budget covers the calls of a model for this request, so that they
	 * must reserve before they are made.
	 * @param model the model
	 * @return {@code true} if a call must reserve
	 */
	public boolean isGuarded(LlmModel model) {
		for (SpendBudget budget : this.budgets) {
			if (budget.scope().coversModel(model.id())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Reserve a call's estimate from every budget that covers it: its estimated input
	 * tokens and the most output tokens it may make, at its prices. A budget the call
	 * would pass refuses it or skips the model, unless it only warns; what the other
	 * budgets took is then given back.
	 * @param model the model as the call's deployment serves it, with its prices
	 * @param request the request
	 * @return the reservation, or an
	 * {@link dev.llmresilience.error.LlmBudgetExceededException}
	 */
	public Mono<SpendReservation> reserve(LlmModel model, LlmRequest request) {
		return Mono.defer(() -> {
			LlmPrices prices = model.prices();
			long estimate = (prices != null)
					? SpendReservation.nanoUnits(
							prices.estimatePicoUnits(request.estimatedInputTokens(), model.outputTokensFor(request)))
					: -1;
			SpendReservation reservation = new SpendReservation(Math.max(0, estimate), this.clock);
			Mono<SpendReservation> reserved = Mono.just(reservation);
			for (SpendBudget budget : this.budgets) {
				if (budget.scope().coversModel(model.id())) {
					reserved = reserved.flatMap((taken) -> take(budget, taken, estimate, model));
				}
			}
			return reserved;
		});
	}

	private Mono<SpendReservation> take(SpendBudget budget, SpendReservation reservation, long estimate,
			LlmModel model) {
		SpendBudget.Window window = budget.window(this.clock.millis());
		if (estimate < 0) {
			// without prices, what the call may cost is unknown: it may pass the budget
			return passed(budget, reservation, window, model, true, false);
		}
		boolean warns = budget.action() == SpendBudget.Action.WARN;
		SpendLedger ledger = budget.ledger();
		// read first: a shared ledger that moves while it takes is then settled on the
		// cautious side
		long generation = ledger.generation();
		return ledger.tryAdd(window.start(), estimate, warns ? Long.MAX_VALUE : budget.limitNanos())
			.flatMap((spent) -> {
				if (spent < 0) {
					return passed(budget, reservation, window, model, false, spent == SpendLedger.UNAVAILABLE);
				}
				reservation.taken(budget, window.start(), generation);
				if (warns && spent > budget.limitNanos()) {
					return passed(budget, reservation, window, model, false, false);
				}
				return Mono.just(reservation);
			});
	}

	private Mono<SpendReservation> passed(SpendBudget budget, SpendReservation reservation, SpendBudget.Window window,
			LlmModel model, boolean unknownCost, boolean unavailable) {
		budget.logPassed(window, model, unknownCost);
		for (SpendListener listener : this.listeners) {
			listener.passed(budget, model);
		}
		if (budget.action() == SpendBudget.Action.WARN) {
			return Mono.just(reservation);
		}
		reservation.release();
		return Mono.error(budget.exceeded(window, model, unknownCost, unavailable));
	}

	/**
	 * Bill an attempt: settle its reservation, if it made one, with what it cost, and
	 * tell the listeners, unless it cost nothing.
	 * @param model the model as the attempt's deployment serves it
	 * @param providerType the wire format of its provider
	 * @param deployment the deployment's name, or {@code null} for a model configured
	 * without deployments
	 * @param reservation what the attempt reserved, or {@code null}
	 * @param cost what the attempt cost
	 */
	public void billed(LlmModel model, String providerType, @Nullable String deployment,
			@Nullable SpendReservation reservation, LlmCost cost) {
		if (reservation != null) {
			reservation.settle(cost);
		}
		if (this.listeners.isEmpty() || cost == LlmCost.NONE) {
			return;
		}
		SpendListener.Spend spend = new SpendListener.Spend(model, providerType, deployment, this.chain, this.tags,
				cost);
		for (SpendListener listener : this.listeners) {
			try {
				listener.spent(spend);
			}
			catch (RuntimeException ex) {
				// a listener that fails must not fail the call it is told of
				logger.warn(
						"Spend listener " + listener.getClass().getName() + " failed with " + ex.getClass().getName());
			}
		}
	}

	/**
	 * Return the budgets of a list that cover a request.
	 */
	static List<SpendBudget> covering(List<SpendBudget> budgets, @Nullable String chain, Map<String, String> tags) {
		List<SpendBudget> covering = null;
		for (SpendBudget budget : budgets) {
			if (budget.scope().coversRequest(chain, tags)) {
				if (covering == null) {
					covering = new ArrayList<>(budgets.size());
				}
				covering.add(budget);
			}
		}
		return (covering != null) ? covering : List.of();
	}

}
