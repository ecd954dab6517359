package dev.llmresilience.budget;

import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Mono;

/**
 * A {@link SpendLedger} of this JVM alone, which keeps the spend of the current period: a
 * later period starts from nothing, and an earlier one, a settlement that comes after its
 * period ended, changes nothing.
 */
public final class LocalSpendLedger implements SpendLedger {

	private volatile Tally tally = new Tally(Long.MIN_VALUE);

	@Override
	public Mono<Long> tryAdd(long period, long amount, long limit) {
		return Mono.just(tryAddNow(period, amount, limit));
	}

	/**
	 * Add an amount to a period's spend, unless the spend would then be above a limit.
	 * @param period the period's start, in epoch milliseconds
	 * @param amount the amount, in nano-units
	 * @param limit the most the period may spend
	 * @return the period's spend with the amount, or {@link #WOULD_PASS}
	 */
	public long tryAddNow(long period, long amount, long limit) {
		AtomicLong spent = tallyOf(period);
		while (true) {
			long current = spent.get();
			long next = sum(current, amount);
			if (next > limit) {
				return WOULD_PASS;
			}
			if (spent.compareAndSet(current, next)) {
				return next;
			}
		}
	}

	@Override
	public void adjust(long period, long amount, long generation) {
		adjust(period, amount);
	}

	/**
	 * Correct a period's spend, never below nothing.
	 * @param period the period's start, in epoch milliseconds
	 * @param amount the correction, in nano-units; negative to give back
	 */
	public void adjust(long period, long amount) {
		if (amount != 0 && period >= this.tally.period) {
			tallyOf(period).accumulateAndGet(amount, (current, change) -> Math.max(0, sum(current, change)));
		}
	}

	@Override
	public long spent(long period) {
		Tally tally = this.tally;
		return (tally.period == period) ? tally.spent.get() : 0;
	}

	private AtomicLong tallyOf(long period) {
		Tally tally = this.tally;
		if (tally.period == period) {
			return tally.spent;
		}
		synchronized (this) {
			if (this.tally.period < period) {
				this.tally = new Tally(period);
			}
			// a period already over adds to a tally that nothing reads
			return (this.tally.period == period) ? this.tally.spent : new AtomicLong();
		}
	}

	private static long sum(long current, long amount) {
		long sum = current + amount;
		// overflow: an absurd amount saturates rather than wrapping around
		if (((current ^ sum) & (amount ^ sum)) < 0) {
			return (amount > 0) ? Long.MAX_VALUE : Long.MIN_VALUE;
		}
		return sum;
	}

	/**
	 * The spend of one period.
	 */
	private static final class Tally {

		private final long period;

		private final AtomicLong spent = new AtomicLong();

		Tally(long period) {
			this.period = period;
		}

	}

}
