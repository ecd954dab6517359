package dev.llmresilience.autoconfigure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import dev.llmresilience.autoconfigure.LlmResilienceProperties.Budget;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.RedisLoss;
import dev.llmresilience.budget.CostAccounting;
import dev.llmresilience.budget.LocalSpendLedger;
import dev.llmresilience.budget.SpendBudget;
import dev.llmresilience.budget.SpendLedger;
import dev.llmresilience.budget.SpendListener;
import dev.llmresilience.cluster.RateLimitSharing;

import org.springframework.lang.Nullable;

/**
 * Builds the {@link CostAccounting} from the spend budgets configured under
 * {@code llm.resilience.cost.budgets}, once {@link LlmPropertiesValidator} has checked
 * them, with the application's spend listeners; their spend is shared with the other
 * replicas through Redis when rate limits are.
 */
final class CostAccountingFactory {

	private CostAccountingFactory() {
	}

	/**
	 * Create the accounting.
	 * @param properties the properties
	 * @param listeners told of every attempt billed
	 * @param clock the clock that tells which period a call falls in
	 * @param sharing shares the budgets' spend with the other replicas, or {@code null}
	 * to keep it in this JVM
	 * @return the accounting
	 */
	static CostAccounting create(LlmResilienceProperties properties, List<SpendListener> listeners, Clock clock,
			@Nullable RateLimitSharing sharing) {
		String currency = properties.getCost().getCurrency();
		List<SpendBudget> budgets = new ArrayList<>();
		properties.getCost().getBudgets().forEach((name, budget) -> {
			SpendLedger ledger = (sharing != null)
					? sharing.spendLedger(name, budget.getRedisLoss() == RedisLoss.REFUSE) : new LocalSpendLedger();
			budgets.add(new SpendBudget(name, scope(budget), budget.getLimit(), currency, budget.getPeriod(),
					budget.getTimeZone(), budget.getAction(), ledger));
		});
		return new CostAccounting(listeners, budgets, clock);
	}

	private static SpendBudget.Scope scope(Budget budget) {
		return new SpendBudget.Scope(budget.getChain(), budget.getModel(), budget.getTags());
	}

}
