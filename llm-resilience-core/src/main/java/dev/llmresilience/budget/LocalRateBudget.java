package dev.llmresilience.budget;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.lang.Nullable;

/**
 * A {@link RateBudget} of this JVM alone, as Bucket4j token buckets that refill
 * continuously, so that calls are paced smoothly instead of bursting at minute
 * boundaries. The request bucket holds one second of budget; the token bucket a whole
 * minute, since one request may need many tokens.
 * <p>
 * Time is Reactor's parallel scheduler clock, so that tests can run pacing on virtual
 * time.
 */
public final class LocalRateBudget implements RateBudget {

	private static final TimeMeter SCHEDULER_TIME = new TimeMeter() {

		@Override
		public long currentTimeNanos() {
			return Schedulers.parallel().now(TimeUnit.NANOSECONDS);
		}

		@Override
		public boolean isWallClockBased() {
			return false;
		}

	};

	private final Bucket requests;

	private final Bucket tokens;

	private final long tokenCapacity;

	private final long requestCapacity;

	/**
	 * Create a budget.
	 * @param requestsPerMinute the request budget, 0 for none
	 * @param tokensPerMinute the token budget, input and output together, 0 for none
	 */
	public LocalRateBudget(long requestsPerMinute, long tokensPerMinute) {
		this.requests = (requestsPerMinute > 0) ? bucket(requestLimit(requestsPerMinute)) : null;
		this.tokens = (tokensPerMinute > 0) ? bucket(tokenLimit(tokensPerMinute)) : null;
		this.tokenCapacity = tokensPerMinute;
		this.requestCapacity = Math.max(1, requestsPerMinute / 60);
	}

	private static Bucket bucket(Bandwidth limit) {
		return Bucket.builder().addLimit(limit).withCustomTimePrecision(SCHEDULER_TIME).build();
	}

	/**
	 * Return the limit of a request budget, local or shared: one second of it may go at
	 * once, and it refills continuously.
	 * @param requestsPerMinute the budget
	 * @return the limit
	 */
	public static Bandwidth requestLimit(long requestsPerMinute) {
		return limit(Math.max(1, requestsPerMinute / 60), requestsPerMinute);
	}

	/**
	 * Return the limit of a token budget, local or shared: a whole minute of it, since
	 * one request may need many tokens, refilled continuously.
	 * @param tokensPerMinute the budget
	 * @return the limit
	 */
	public static Bandwidth tokenLimit(long tokensPerMinute) {
		return limit(tokensPerMinute, tokensPerMinute);
	}

	private static Bandwidth limit(long capacity, long perMinute) {
		return Bandwidth.builder().capacity(capacity).refillGreedy(perMinute, Duration.ofMinutes(1)).build();
	}

	@Override
	public Mono<Duration> reserve(long tokenCount) {
		return Mono.just(reserveNow(tokenCount));
	}

	/**
	 * Reserve one request and the given tokens.
	 * @param tokenCount the tokens the request is expected to use
	 * @return how long the caller must wait before sending it, zero if it may go now
	 */
	Duration reserveNow(long tokenCount) {
		long waitNanos = 0;
		if (this.requests != null) {
			waitNanos = this.requests.consumeIgnoringRateLimits(1);
		}
		if (this.tokens != null && tokenCount > 0) {
			waitNanos = Math.max(waitNanos,
					this.tokens.consumeIgnoringRateLimits(Math.min(tokenCount, this.tokenCapacity)));
		}
		return Duration.ofNanos(waitNanos);
	}

	@Override
	public void cancel(long tokenCount) {
		if (this.requests != null) {
			this.requests.addTokens(1);
		}
		adjust(tokenCount);
	}

	/**
	 * Settle the token reservation of a request with what it really used. Both are
	 * clamped to the budget, as {@link #reserve(long)} clamps: a request never takes more
	 * than a full bucket, so it must neither get back nor be charged beyond one.
	 * @param reservedTokens the tokens the request reserved
	 * @param usedTokens the tokens it used
	 */
	@Override
	public void settle(long reservedTokens, long usedTokens) {
		adjust(Math.min(reservedTokens, this.tokenCapacity) - Math.min(usedTokens, this.tokenCapacity));
	}

	/**
	 * Correct the token reservation of a request by what it really used.
	 * @param overestimate reserved tokens minus used tokens; negative if it used more
	 */
	void adjust(long overestimate) {
		if (this.tokens == null || overestimate == 0) {
			return;
		}
		if (overestimate > 0) {
			this.tokens.addTokens(Math.min(overestimate, this.tokenCapacity));
		}
		else {
			this.tokens.consumeIgnoringRateLimits(Math.min(-overestimate, this.tokenCapacity));
		}
	}

	@Override
	public double remainingShare() {
		double share = 1;
		if (this.requests != null) {
			share = share(this.requests, this.requestCapacity);
		}
		if (this.tokens != null) {
			share = Math.min(share, share(this.tokens, this.tokenCapacity));
		}
		return share;
	}

	@Override
	public Duration currentWait() {
		long waitNanos = 0;
		if (this.requests != null) {
			waitNanos = this.requests.estimateAbilityToConsume(1).getNanosToWaitForRefill();
		}
		if (this.tokens != null) {
			waitNanos = Math.max(waitNanos, this.tokens.estimateAbilityToConsume(1).getNanosToWaitForRefill());
		}
		return Duration.ofNanos(waitNanos);
	}

	private static double share(Bucket bucket, long capacity) {
		return Math.max(0, Math.min(1, (double) bucket.getAvailableTokens() / capacity));
	}

	/**
	 * Return the tokens available now.
	 * @return the available tokens, or {@code null} if there is no token budget
	 */
	@Nullable
	public Long availableTokens() {
		return (this.tokens != null) ? this.tokens.getAvailableTokens() : null;
	}

}
