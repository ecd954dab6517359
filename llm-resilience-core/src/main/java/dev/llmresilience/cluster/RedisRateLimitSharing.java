package dev.llmresilience.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

import dev.llmresilience.budget.RateBudget;
import dev.llmresilience.budget.SpendLedger;
import io.github.bucket4j.BucketConfiguration;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Rate budgets, spend budgets and rate-limit holds shared by the replicas of an
 * application through Redis. Rate budgets are Bucket4j buckets kept in Redis
 * (compare-and-swap over Lettuce); spend budgets are counters, one per period; holds are
 * published on a channel that every replica listens to, and kept in a sorted set for
 * replicas that join or come back later.
 * <p>
 * Redis never blocks nor fails a call: every operation is bounded by a timeout, and the
 * first that fails or is too slow switches this replica to its local budgets at once. A
 * probe, run at a fixed interval, switches it back once Redis answers again. Each switch
 * is logged once.
 * <p>
 * The work that no call waits for (holds published, tokens given back or taken after a
 * call, the channel listened to) is cancelled when this stops, and none starts while it
 * is stopped.
 */
public final class RedisRateLimitSharing implements RateLimitSharing, SmartLifecycle {

	/**
	 * The longest a reconnection may take, in case connecting hangs past its own timeout.
	 */
	private static final Duration MAX_RECONNECT = Duration.ofSeconds(30);

	private final ReactiveStringRedisTemplate redis;

	private final Settings settings;

	private final TrackedSubscriptions background = new TrackedSubscriptions();

	private final SharingMode mode;

	private final RedisBuckets buckets;

	private final RedisHolds holds;

	/**
	 * Create a new instance, local until it is started and Redis has answered.
	 * @param connectionFactory the Lettuce connection factory of the application
	 * @param settings the settings
	 * @param clock the clock that holds are told in
	 */
	public RedisRateLimitSharing(LettuceConnectionFactory connectionFactory, Settings settings, Clock clock) {
		this.redis = new ReactiveStringRedisTemplate(connectionFactory);
		this.settings = settings;
		this.mode = new SharingMode(clock, settings.probeInterval(), this::ping, this::reconnect);
		this.buckets = new RedisBuckets(connectionFactory, settings.keyPrefix() + ":probe");
		this.holds = new RedisHolds(connectionFactory, this.redis, settings.keyPrefix() + ":holds", clock,
				this.background, this.mode::unreachable);
	}

	/**
	 * Return a budget kept in Redis, or of this replica alone while Redis is unreachable.
	 * Replicas share a budget when they configure the same scope and limits.
	 */
	@Override
	public RateBudget budget(String scope, long requestsPerMinute, long tokensPerMinute) {
		return new RedisRateBudget(this, this.settings.keyPrefix() + ":budget:" + scope, requestsPerMinute,
				tokensPerMinute, this.settings.localShare());
	}

	/**
	 * Return the ledger of a spend budget kept in Redis, shared by the replicas that
	 * configure a budget of the same name.
	 */
	@Override
	public SpendLedger spendLedger(String budget, boolean refuseWhileUnreachable) {
		return new RedisSpendLedger(this, this.settings.keyPrefix() + ":spend:" + budget, refuseWhileUnreachable,
				this.settings.localShare());
	}

	@Override
	public void receiveHolds(BiConsumer<String, Instant> receiver) {
		this.holds.receiveWith(receiver);
	}

	/**
	 * Publish a hold to the other replicas. Does nothing while Redis is unreachable: the
	 * holds learnt meanwhile stay this replica's own.
	 */
	@Override
	public void publishHold(String provider, Instant until) {
		if (!this.mode.isShared()) {
			return;
		}
		inBackground(this.holds.publish(provider, until));
	}

	/**
	 * Return whether budgets and holds are shared now.
	 * @return {@code true} if shared through Redis, {@code false} if local
	 */
	public boolean isShared() {
		return this.mode.isShared();
	}

	/**
	 * Return the number of switches between shared and local budgets so far, odd while
	 * shared.
	 * @return the generation
	 */
	long generation() {
		return this.mode.generation();
	}

	@Override
	public ClusterStatus status() {
		return this.mode.status();
	}

	/**
	 * Take tokens from a bucket kept in Redis, in debt if need be.
	 * @param key the bucket's key
	 * @param configuration the bucket's configuration, for a bucket that does not exist
	 * yet
	 * @param tokens the tokens to take
	 * @return how many nanoseconds the debt takes to refill
	 */
	Mono<Long> consume(String key, BucketConfiguration configuration, long tokens) {
		return guarded(this.buckets.consume(key, configuration, tokens));
	}

	/**
	 * Take tokens from a bucket kept in Redis, in debt if need be, without waiting.
	 * @param key the bucket's key
	 * @param configuration the bucket's configuration, for a bucket that does not exist
	 * yet
	 * @param tokens the tokens to take
	 */
	void consumeInBackground(String key, BucketConfiguration configuration, long tokens) {
		inBackground(this.buckets.consume(key, configuration, tokens));
	}

	/**
	 * Give tokens back to a bucket kept in Redis, up to its capacity, without waiting.
	 * @param key the bucket's key
	 * @param configuration the bucket's configuration, for a bucket that does not exist
	 * yet
	 * @param tokens the tokens to give back
	 */
	void giveBack(String key, BucketConfiguration configuration, long tokens) {
		inBackground(this.buckets.addTokens(key, configuration, tokens));
	}

	/**
	 * Add to a counter kept in Redis, bounded by the timeout.
	 * @param key the counter's key
	 * @param amount the amount, negative to take away
	 * @return the counter's value with the amount
	 */
	Mono<Long> increment(String key, long amount) {
		return guarded(this.redis.opsForValue().increment(key, amount));
	}

	/**
	 * Add to a counter kept in Redis, without waiting.
	 * @param key the counter's key
	 * @param amount the amount, negative to take away
	 * @param value told the counter's value with the amount, on the thread that answers
	 * every operation of this connection, in the order Redis made them
	 */
	void incrementInBackground(String key, long amount, LongConsumer value) {
		inBackground(this.redis.opsForValue().increment(key, amount).doOnNext(value::accept));
	}

	/**
	 * Read a counter kept in Redis, without waiting.
	 * @param key the counter's key
	 * @param value told the counter's value, 0 if it does not exist
	 */
	void readInBackground(String key, LongConsumer value) {
		inBackground(this.redis.opsForValue().get(key).map(Long::parseLong).defaultIfEmpty(0L).doOnNext(value::accept));
	}

	/**
	 * Let a key kept in Redis go after a while, without waiting.
	 * @param key the key
	 * @param kept how long it is kept from now
	 */
	void expireInBackground(String key, Duration kept) {
		inBackground(this.redis.expire(key, kept));
	}

	/**
	 * Run an operation on Redis that nobody waits for, bounded by the timeout, kept until
	 * it ends so that stopping cancels it.
	 */
	private void inBackground(Mono<?> operation) {
		this.background.subscribe(guarded(operation), this.mode::unreachable);
	}

	private <T> Mono<T> guarded(Mono<T> operation) {
		return operation.timeout(this.settings.timeout());
	}

	/**
	 * Switch to local budgets because Redis failed or was too slow. Logged once per
	 * outage.
	 * @param error what went wrong
	 */
	void unreachable(Throwable error) {
		this.mode.unreachable(error);
	}

	/**
	 * Return how many of the operations that nobody waits for are running, the
	 * subscription to the holds' channel included.
	 * @return the count
	 */
	int operationsInBackground() {
		return this.background.size();
	}

	private Mono<Void> ping() {
		return guarded(Mono.defer(() -> this.redis.execute((connection) -> connection.ping()).then()));
	}

	/**
	 * Connect the buckets, listen to the holds that the replicas publish, and read the
	 * holds still running, which were published while this replica was not listening.
	 * Connecting is bounded by the connect timeout of the connection factory, not by the
	 * operation timeout.
	 */
	private Mono<Void> reconnect() {
		return this.buckets.connect()
			.then(Mono.defer(this.holds::listen))
			.then(Mono.defer(() -> guarded(this.holds.readRunning())))
			.timeout(MAX_RECONNECT);
	}

	@Override
	public void start() {
		this.background.open();
		this.mode.start();
	}

	/**
	 * Stop sharing: budgets are local from now on, and the operations that nobody waits
	 * for are cancelled, so that none outlives the application's Redis connections or
	 * hangs on a Redis that does not answer. {@link #start()} shares again.
	 */
	@Override
	public void stop() {
		this.mode.stop();
		this.background.close();
		this.holds.stop();
		this.buckets.close();
	}

	@Override
	public boolean isRunning() {
		return this.mode.isRunning();
	}

	/**
	 * Stops after the request queue has drained ({@code DEFAULT_PHASE - 2048}), so that
	 * the calls sent while it drains still share the budgets.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	/**
	 * Settings of the shared rate limits.
	 *
	 * @param keyPrefix the prefix of every Redis key and channel name
	 * @param timeout the longest an operation on Redis may take before this replica falls
	 * back to its local budgets
	 * @param probeInterval how often Redis is checked for, to return to shared budgets
	 * @param localShare the share of each budget that this replica uses while Redis is
	 * unreachable, greater than 0 and at most 1
	 */
	public record Settings(String keyPrefix, Duration timeout, Duration probeInterval, double localShare) {

	}

}
