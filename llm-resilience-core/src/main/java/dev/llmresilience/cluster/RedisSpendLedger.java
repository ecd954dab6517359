package dev.llmresilience.cluster;

import java.time.Duration;

import dev.llmresilience.budget.LocalSpendLedger;
import dev.llmresilience.budget.SpendLedger;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link SpendLedger} kept in Redis and shared by the replicas that configure a budget
 * of the same name: one counter per period, taken from with {@code INCRBY} and given back
 * with a negative one, so that no script of ours is needed. An amount that takes the
 * spend past the limit is given back at once, and the call refused: replicas that take at
 * once may refuse each other, but never pass the limit together.
 * <p>
 * This replica's own spend in the period is kept in a local ledger too. While Redis is
 * unreachable, the budget either keeps spending from it up to the configured share of the
 * limit, or refuses every call until Redis is back ({@link SpendLedger#UNAVAILABLE}); a
 * budget that only warns ({@code limit} of {@link Long#MAX_VALUE}) never refuses.
 * <p>
 * A correction goes to Redis only when the amount it corrects was taken there and Redis
 * has been reachable since: a reservation taken in Redis before it failed stays taken
 * there, on the cautious side, and one taken locally never lowers the shared spend.
 */
final class RedisSpendLedger implements SpendLedger {

	/**
	 * How long a period's counter is kept once made: longer than the longest period, a
	 * month, so that a counter outlives its period and then goes.
	 */
	private static final Duration KEPT = Duration.ofDays(35);

	private final RedisRateLimitSharing sharing;

	private final String key;

	private final boolean refuseWhileUnreachable;

	private final double localShare;

	private final LocalSpendLedger own = new LocalSpendLedger();

	/**
	 * The period and spend that Redis answered last: while calls are made at once, it may
	 * hold their reservations, and for a moment those it refused.
	 */
	private volatile Seen seen = new Seen(Long.MIN_VALUE, 0);

	RedisSpendLedger(RedisRateLimitSharing sharing, String key, boolean refuseWhileUnreachable, double localShare) {
		this.sharing = sharing;
		this.key = key;
		this.refuseWhileUnreachable = refuseWhileUnreachable;
		this.localShare = localShare;
	}

	@Override
	public Mono<Long> tryAdd(long period, long amount, long limit) {
		if (!this.sharing.isShared()) {
			return unshared(period, amount, limit);
		}
		String counter = counter(period);
		return this.sharing.increment(counter, amount).map((spent) -> {
			counted(period, counter, amount, spent);
			if (spent > limit) {
				this.sharing.incrementInBackground(counter, -amount,
						(value) -> counted(period, counter, -amount, value));
				return WOULD_PASS;
			}
			this.own.adjust(period, amount);
			return spent;
		}).onErrorResume((error) -> {
			this.sharing.unreachable(error);
			return unshared(period, amount, limit);
		})
			// the answer arrives on Lettuce's event loop, which serves every Redis call:
			// the call goes on elsewhere
			.publishOn(Schedulers.parallel());
	}

	private Mono<Long> unshared(long period, long amount, long limit) {
		if (limit == Long.MAX_VALUE) {
			return Mono.just(this.own.tryAddNow(period, amount, limit));
		}
		if (this.refuseWhileUnreachable) {
			return Mono.just(UNAVAILABLE);
		}
		return Mono.just(this.own.tryAddNow(period, amount, (long) Math.floor(limit * this.localShare)));
	}

	@Override
	public void adjust(long period, long amount, long generation) {
		if (amount == 0) {
			return;
		}
		this.own.adjust(period, amount);
		long now = this.sharing.generation();
		if (now == generation && SharingMode.isShared(now)) {
			String counter = counter(period);
			this.sharing.incrementInBackground(counter, amount, (value) -> counted(period, counter, amount, value));
		}
	}

	@Override
	public long generation() {
		return this.sharing.generation();
	}

	/**
	 * Note what Redis answered to an increment: a counter that the increment made is let
	 * go once its period is long over, and one below nothing, which only corrections made
	 * to a Redis that restarted empty can make, is brought back to nothing.
	 */
	private void counted(long period, String counter, long amount, long value) {
		if (value == amount) {
			this.sharing.expireInBackground(counter, KEPT);
		}
		if (value < 0) {
			this.sharing.incrementInBackground(counter, -value, (fixed) -> counted(period, counter, -value, fixed));
		}
		this.seen = new Seen(period, Math.max(0, value));
	}

	/**
	 * Return the spend of a period as Redis answered it last, reading it again in the
	 * background for the next time, or this replica's own while Redis is unreachable.
	 */
	@Override
	public long spent(long period) {
		if (!this.sharing.isShared()) {
			return this.own.spent(period);
		}
		this.sharing.readInBackground(counter(period), (value) -> this.seen = new Seen(period, Math.max(0, value)));
		Seen seen = this.seen;
		return (seen.period() == period) ? seen.spent() : this.own.spent(period);
	}

	@Override
	public boolean isShared() {
		return this.sharing.isShared();
	}

	private String counter(long period) {
		return this.key + ":" + period;
	}

	/**
	 * What Redis said a period's spend was.
	 */
	private record Seen(long period, long spent) {

	}

}
