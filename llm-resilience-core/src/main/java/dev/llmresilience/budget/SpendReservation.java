package dev.llmresilience.budget;

import java.time.Clock;

import dev.llmresilience.LlmCost;

/**
 * What one call reserved of the budgets that cover it: its estimate, in each budget's
 * period of the time it was made. Settled once, with what the call cost, or given back.
 */
public final class SpendReservation {

	private static final SpendBudget[] NO_BUDGETS = {};

	private static final long PICO_UNITS_PER_NANO_UNIT = 1000;

	private final long estimate;

	private final Clock clock;

	private SpendBudget[] budgets = NO_BUDGETS;

	private long[] periods = new long[0];

	private long[] generations = new long[0];

	private int count;

	private boolean settled;

	SpendReservation(long estimate, Clock clock) {
		this.estimate = estimate;
		this.clock = clock;
	}

	/**
	 * Note that a budget took the estimate in a period.
	 * @param budget the budget
	 * @param period the period's start
	 * @param generation the generation of the budget's ledger read before it took
	 */
	synchronized void taken(SpendBudget budget, long period, long generation) {
		if (this.count == this.budgets.length) {
			int size = Math.max(2, this.count * 2);
			SpendBudget[] budgets = new SpendBudget[size];
			System.arraycopy(this.budgets, 0, budgets, 0, this.count);
			long[] periods = new long[size];
			System.arraycopy(this.periods, 0, periods, 0, this.count);
			long[] generations = new long[size];
			System.arraycopy(this.generations, 0, generations, 0, this.count);
			this.budgets = budgets;
			this.periods = periods;
			this.generations = generations;
		}
		this.budgets[this.count] = budget;
		this.periods[this.count] = period;
		this.generations[this.count] = generation;
		this.count++;
	}

	/**
	 * Settle the reservation with what the call cost: an unknown cost keeps the estimate.
	 * @param cost what the call cost
	 */
	void settle(LlmCost cost) {
		long nanos = cost.isKnown() ? nanoUnits(cost.picoUnits()) : this.estimate;
		settle(nanos);
	}

	/**
	 * Give the reservation back, for a call that was not made or not billed.
	 */
	void release() {
		settle(0);
	}

	private synchronized void settle(long nanos) {
		if (this.settled) {
			return;
		}
		this.settled = true;
		long now = this.clock.millis();
		for (int i = 0; i < this.count; i++) {
			this.budgets[i].settle(this.periods[i], this.generations[i], this.estimate, nanos, now);
		}
	}

	/**
	 * Return an amount in pico-units as nano-units, rounded up.
	 * @param picoUnits the amount in pico-units
	 * @return the amount in nano-units
	 */
	static long nanoUnits(long picoUnits) {
		return picoUnits / PICO_UNITS_PER_NANO_UNIT + ((picoUnits % PICO_UNITS_PER_NANO_UNIT != 0) ? 1 : 0);
	}

}
