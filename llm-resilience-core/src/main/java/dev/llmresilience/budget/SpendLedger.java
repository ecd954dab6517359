package dev.llmresilience.budget;

import reactor.core.publisher.Mono;

/**
 * Where a {@link SpendBudget} keeps what has been spent in each of its periods: in this
 * JVM ({@link LocalSpendLedger}), or shared with the other replicas. Amounts are in
 * nano-units (10<sup>-9</sup>) of the budget's currency; a period is named by its start,
 * in epoch milliseconds.
 */
public interface SpendLedger {

	/** What {@link #tryAdd} answers when the amount would pass the limit. */
	long WOULD_PASS = -1;

	/**
	 * What {@link #tryAdd} answers when the spend cannot be known, and the ledger refuses
	 * rather than guess, such as a shared ledger while its store is unreachable.
	 */
	long UNAVAILABLE = -2;

	/**
	 * Add an amount to a period's spend, unless the spend would then be above a limit.
	 * @param period the period's start, in epoch milliseconds
	 * @param amount the amount, in nano-units, not negative
	 * @param limit the most the period may spend; {@link Long#MAX_VALUE} to add whatever
	 * the spend
	 * @return the period's spend with the amount, or {@link #WOULD_PASS} or
	 * {@link #UNAVAILABLE}, nothing added
	 */
	Mono<Long> tryAdd(long period, long amount, long limit);

	/**
	 * Correct a period's spend, without waiting: by what a call really cost less what it
	 * reserved, or give a reservation back.
	 * @param period the period's start, in epoch milliseconds
	 * @param amount the correction, in nano-units; negative to give back
	 * @param generation the ledger's {@link #generation()} read before the amount
	 * corrected was taken: a shared ledger that has moved between its store and this
	 * replica's own spend since then keeps the correction to this replica, so that a
	 * store never gives back what it did not take
	 */
	void adjust(long period, long amount, long generation);

	/**
	 * Return a period's spend as last known here.
	 * @param period the period's start, in epoch milliseconds
	 * @return the spend, in nano-units
	 */
	long spent(long period);

	/**
	 * Return a number that changes whenever a shared ledger moves between its store and
	 * this replica's own spend (Redis lost or found again). Read before {@link #tryAdd},
	 * it tells {@link #adjust} where the amount was taken.
	 * @return the generation, always the same for a ledger that never moves
	 */
	default long generation() {
		return 0;
	}

	/**
	 * Return whether the spend is shared with other replicas now.
	 * @return {@code true} if shared, {@code false} if this replica's own
	 */
	default boolean isShared() {
		return false;
	}

}
