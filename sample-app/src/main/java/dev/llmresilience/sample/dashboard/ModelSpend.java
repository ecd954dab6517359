package dev.llmresilience.sample.dashboard;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.llmresilience.LlmCost;
import dev.llmresilience.budget.SpendListener;

import org.springframework.lang.Nullable;

/**
 * What each model was billed since the app started, as the library tells of every attempt
 * billed: the dashboard's spend per model. Quick and lock-free, since it is told on the
 * attempts' threads.
 */
class ModelSpend implements SpendListener {

	private static final int PICO_SCALE = 12;

	private final Map<String, Tally> models = new ConcurrentHashMap<>();

	@Nullable
	private volatile String currency;

	@Override
	public void spent(Spend spend) {
		LlmCost cost = spend.cost();
		Tally tally = this.models.computeIfAbsent(spend.model().id(), (id) -> new Tally());
		if (cost.isKnown()) {
			tally.picoUnits.add(cost.picoUnits());
			tally.calls.increment();
			if (this.currency == null) {
				this.currency = cost.currency();
			}
		}
		else {
			tally.unknownCalls.increment();
		}
	}

	/**
	 * Return what a model was billed.
	 * @param model the model id
	 * @return its bill, nothing for a model never billed
	 */
	Bill bill(String model) {
		Tally tally = this.models.get(model);
		return (tally != null) ? tally.bill() : Bill.NOTHING;
	}

	/**
	 * Return the currency of the costs told so far.
	 * @return the currency, or {@code null} before the first known cost
	 */
	@Nullable
	String currency() {
		return this.currency;
	}

	/**
	 * What one model was billed.
	 *
	 * @param amount the sum of its known costs, in the prices' currency
	 * @param calls the attempts billed a known cost, estimates of broken streams included
	 * @param unknownCalls the attempts of unknown cost, the model having no prices
	 */
	record Bill(BigDecimal amount, long calls, long unknownCalls) {

		static final Bill NOTHING = new Bill(BigDecimal.ZERO, 0, 0);

	}

	/**
	 * The running sums of one model.
	 */
	private static final class Tally {

		private final LongAdder picoUnits = new LongAdder();

		private final LongAdder calls = new LongAdder();

		private final LongAdder unknownCalls = new LongAdder();

		Bill bill() {
			return new Bill(BigDecimal.valueOf(this.picoUnits.sum(), PICO_SCALE), this.calls.sum(),
					this.unknownCalls.sum());
		}

	}

}
