package dev.llmresilience.cluster;

import java.time.Duration;

import dev.llmresilience.budget.LocalRateBudget;
import dev.llmresilience.budget.RateBudget;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.lang.Nullable;

/**
 * A {@link RateBudget} kept in Redis and shared by the replicas that configure it alike,
 * with the same buckets as a {@link LocalRateBudget}: requests refill smoothly with one
 * second of capacity, tokens with a minute. While Redis is unreachable, reservations go
 * to a local budget of the configured share of the limits. A settlement goes where
 * budgets are kept at the time it is made, which is not always where the reservation went
 * when Redis has just failed or returned.
 */
final class RedisRateBudget implements RateBudget {

	private static final Mono<Long> NO_WAIT = Mono.just(0L);

	private final RedisRateLimitSharing limits;

	@Nullable
	private final Bucket requests;

	@Nullable
	private final Bucket tokens;

	private final long tokenCapacity;

	private final LocalRateBudget local;

	RedisRateBudget(RedisRateLimitSharing limits, String key, long requestsPerMinute, long tokensPerMinute,
			double localShare) {
		this.limits = limits;
		this.requests = (requestsPerMinute > 0)
				? new Bucket(key + ":rpm:" + requestsPerMinute, LocalRateBudget.requestLimit(requestsPerMinute)) : null;
		this.tokens = (tokensPerMinute > 0)
				? new Bucket(key + ":tpm:" + tokensPerMinute, LocalRateBudget.tokenLimit(tokensPerMinute)) : null;
		this.tokenCapacity = tokensPerMinute;
		this.local = new LocalRateBudget(share(requestsPerMinute, localShare), share(tokensPerMinute, localShare));
	}

	private static long share(long perMinute, double share) {
		return (perMinute > 0) ? Math.max(1, (long) Math.ceil(perMinute * share)) : 0;
	}

	@Override
	public Mono<Duration> reserve(long tokenCount) {
		if (!this.limits.isShared()) {
			return this.local.reserve(tokenCount);
		}
		Mono<Long> requestWait = (this.requests != null) ? this.requests.take(1) : NO_WAIT;
		long tokens = Math.min(tokenCount, this.tokenCapacity);
		Mono<Long> tokenWait = (this.tokens != null && tokens > 0) ? this.tokens.take(tokens) : NO_WAIT;
		// what one bucket took before the other failed stays taken: it errs on the safe
		// side
		return requestWait.zipWith(tokenWait, Math::max).map(Duration::ofNanos).onErrorResume((error) -> {
			this.limits.unreachable(error);
			return this.local.reserve(tokenCount);
		})
			// the answer arrives on Lettuce's event loop, which serves every Redis call:
			// the
			// call goes on elsewhere
			.publishOn(Schedulers.parallel());
	}

	@Override
	public void cancel(long tokenCount) {
		if (!this.limits.isShared()) {
			this.local.cancel(tokenCount);
			return;
		}
		if (this.requests != null) {
			this.requests.giveBack(1);
		}
		if (this.tokens != null && tokenCount > 0) {
			this.tokens.giveBack(Math.min(tokenCount, this.tokenCapacity));
		}
	}

	@Override
	public void settle(long reservedTokens, long usedTokens) {
		if (!this.limits.isShared()) {
			this.local.settle(reservedTokens, usedTokens);
			return;
		}
		if (this.tokens == null) {
			return;
		}
		long overestimate = Math.min(reservedTokens, this.tokenCapacity) - Math.min(usedTokens, this.tokenCapacity);
		if (overestimate > 0) {
			this.tokens.giveBack(overestimate);
		}
		else if (overestimate < 0) {
			this.tokens.takeInBackground(-overestimate);
		}
	}

	/**
	 * One bucket in Redis.
	 */
	private final class Bucket {

		private final String key;

		private final BucketConfiguration configuration;

		Bucket(String key, Bandwidth limit) {
			this.key = key;
			this.configuration = BucketConfiguration.builder().addLimit(limit).build();
		}

		Mono<Long> take(long tokens) {
			return RedisRateBudget.this.limits.consume(this.key, this.configuration, tokens);
		}

		void takeInBackground(long tokens) {
			RedisRateBudget.this.limits.consumeInBackground(this.key, this.configuration, tokens);
		}

		void giveBack(long tokens) {
			RedisRateBudget.this.limits.giveBack(this.key, this.configuration, tokens);
		}

	}

}
