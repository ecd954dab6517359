package dev.llmresilience.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Function;

import dev.llmresilience.budget.RateBudget;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.ReactiveZSetCommands.ZAddCommand;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.zset.Tuple;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import org.springframework.lang.Nullable;

/**
 * Rate budgets and rate-limit holds shared by the replicas of an application through
 * Redis. Budgets are Bucket4j buckets kept in Redis (compare-and-swap over Lettuce);
 * holds are published on a channel that every replica listens to, and kept in a sorted
 * set for replicas that join or come back later.
 * <p>
 * Redis never blocks nor fails a call: every operation is bounded by a timeout, and the
 * first that fails or is too slow switches this replica to its local budgets at once. A
 * probe, run at a fixed interval, switches it back once Redis answers again. Each switch
 * is logged once.
 */
public final class RedisRateLimitSharing implements RateLimitSharing, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RedisRateLimitSharing.class);

	private static final int MAX_REASON_LENGTH = 200;

	/**
	 * How long a bucket is kept in Redis once it has refilled: long enough to outlive
	 * short pauses in traffic, short enough to drop the budgets of a configuration no
	 * longer used.
	 */
	private static final Duration BUCKET_KEPT = Duration.ofMinutes(1);

	/**
	 * The longest a reconnection may take, in case connecting hangs past its own timeout.
	 */
	private static final Duration MAX_RECONNECT = Duration.ofSeconds(30);

	private static final BucketConfiguration PROBE = BucketConfiguration.builder()
		.addLimit((limit) -> limit.capacity(1).refillGreedy(1, Duration.ofSeconds(1)))
		.build();

	private final LettuceConnectionFactory connectionFactory;

	private final ReactiveStringRedisTemplate redis;

	private final Settings settings;

	private final Clock clock;

	private final String holdsKey;

	private volatile BiConsumer<String, Instant> holdReceiver = (provider, until) -> {
	};

	private volatile boolean shared;

	private volatile ClusterStatus status;

	/** The proxy manager on the buckets' connection, with the proxies built on it. */
	@Nullable
	private volatile Buckets buckets;

	@Nullable
	private StatefulConnection<byte[], byte[]> bucketConnection;

	@Nullable
	private ReactiveRedisMessageListenerContainer listenerContainer;

	@Nullable
	private volatile Disposable listening;

	private boolean warned;

	@Nullable
	private Disposable probe;

	@Nullable
	private Scheduler probeScheduler;

	/**
	 * Create a new instance, local until it is started and Redis has answered.
	 * @param connectionFactory the Lettuce connection factory of the application
	 * @param settings the settings
	 * @param clock the clock that holds are told in
	 */
	public RedisRateLimitSharing(LettuceConnectionFactory connectionFactory, Settings settings, Clock clock) {
		this.connectionFactory = connectionFactory;
		this.redis = new ReactiveStringRedisTemplate(connectionFactory);
		this.settings = settings;
		this.clock = clock;
		this.holdsKey = settings.keyPrefix() + ":holds";
		this.status = ClusterStatus.local(clock.instant(), "not connected yet");
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

	@Override
	public void receiveHolds(BiConsumer<String, Instant> receiver) {
		this.holdReceiver = receiver;
	}

	/**
	 * Publish a hold to the other replicas. Does nothing while Redis is unreachable: the
	 * holds learnt meanwhile stay this replica's own.
	 */
	@Override
	public void publishHold(String provider, Instant until) {
		if (!this.shared) {
			return;
		}
		ZAddCommand add = ZAddCommand.tuple(Tuple.of(bytes(provider), (double) until.toEpochMilli()))
			.gt()
			.to(ByteBuffer.wrap(bytes(this.holdsKey)));
		Mono<Long> publish = this.redis.execute((connection) -> connection.zSetCommands().zAdd(Mono.just(add)))
			.then(this.redis.convertAndSend(this.holdsKey, until.toEpochMilli() + ":" + provider));
		guarded(publish).subscribe(null, this::unreachable);
	}

	/**
	 * Return whether budgets and holds are shared now.
	 * @return {@code true} if shared through Redis, {@code false} if local
	 */
	public boolean isShared() {
		return this.shared;
	}

	@Override
	public ClusterStatus status() {
		return this.status;
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
		return bucketCall(key, configuration, (bucket) -> bucket.consumeIgnoringRateLimits(tokens));
	}

	/**
	 * Give tokens back to a bucket kept in Redis, up to its capacity.
	 * @param key the bucket's key
	 * @param configuration the bucket's configuration, for a bucket that does not exist
	 * yet
	 * @param tokens the tokens to give back
	 */
	void giveBack(String key, BucketConfiguration configuration, long tokens) {
		bucketCall(key, configuration, (bucket) -> bucket.addTokens(tokens)).subscribe(null, this::unreachable);
	}

	private <T> Mono<T> bucketCall(String key, BucketConfiguration configuration,
			Function<AsyncBucketProxy, CompletableFuture<T>> call) {
		return guarded(Mono.fromFuture(() -> call.apply(bucket(key, configuration))));
	}

	/**
	 * Return the one proxy of a bucket, so that its batching combines the calls made at
	 * once into one compare-and-swap: replicas under load would otherwise retry each
	 * other's swaps.
	 */
	private AsyncBucketProxy bucket(String key, BucketConfiguration configuration) {
		Buckets buckets = this.buckets;
		if (buckets == null) {
			throw new IllegalStateException("not connected to Redis");
		}
		// a proxy built while stopping belongs to the old manager and goes with it
		return buckets.proxies()
			.computeIfAbsent(key,
					(name) -> buckets.manager()
						.builder()
						.withOptimization(Optimizations.batching())
						.build(bytes(name), () -> CompletableFuture.completedFuture(configuration)));
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
		String reason = reason(error);
		synchronized (this) {
			boolean wasShared = this.shared;
			this.shared = false;
			this.status = ClusterStatus.local(wasShared ? this.clock.instant() : this.status.since(), reason);
			if (this.warned) {
				return;
			}
			this.warned = true;
		}
		logger.warn("Redis is unreachable (" + reason + "): rate budgets are this replica's own, and rate-limit"
				+ " holds are not shared, until it answers again");
	}

	private void nowShared() {
		synchronized (this) {
			this.shared = true;
			this.warned = false;
			this.status = ClusterStatus.shared(this.clock.instant());
		}
		logger.info("Rate budgets and rate-limit holds are shared through Redis");
	}

	private static String reason(Throwable error) {
		String reason = (error instanceof TimeoutException) ? "no answer within the timeout"
				: error.getClass().getSimpleName() + ((error.getMessage() != null) ? ": " + error.getMessage() : "");
		return (reason.length() > MAX_REASON_LENGTH) ? reason.substring(0, MAX_REASON_LENGTH) + "..." : reason;
	}

	@Override
	public void start() {
		synchronized (this) {
			if (this.probe != null) {
				return;
			}
			Scheduler scheduler = Schedulers.newSingle("llm-redis-probe", true);
			this.probeScheduler = scheduler;
			this.probe = Flux.interval(Duration.ZERO, this.settings.probeInterval(), scheduler)
				.onBackpressureDrop()
				.concatMap((tick) -> probeOnce(), 1)
				.subscribe();
		}
	}

	private Mono<Void> probeOnce() {
		Mono<Void> probe = this.shared
				? guarded(Mono.defer(() -> this.redis.execute((connection) -> connection.ping()).then()))
				: reconnect().then(Mono.fromRunnable(this::nowShared));
		return probe.onErrorResume((error) -> {
			unreachable(error);
			return Mono.empty();
		});
	}

	/**
	 * Connect the buckets, listen to the holds that the replicas publish, and read the
	 * holds still running, which were published while this replica was not listening.
	 * Connecting is bounded by the connect timeout of the connection factory, not by the
	 * operation timeout.
	 */
	private Mono<Void> reconnect() {
		return connectBuckets()
			// a first swap shows that the server runs Bucket4j's scripts, and keeps the
			// cost of
			// a cold start away from the timeout of the first call
			.then(Mono.defer(() -> Mono.fromFuture(bucket(this.settings.keyPrefix() + ":probe", PROBE).addTokens(1))))
			.then(Mono.defer(this::listen))
			.then(Mono.defer(() -> guarded(readHolds())))
			.timeout(MAX_RECONNECT);
	}

	/**
	 * Connect the buckets' connection, which blocks. A failure is passed on as a value,
	 * so that one that comes after a cancellation (the application stopping while Redis
	 * is unreachable) is dropped quietly instead of being logged as an error by Reactor.
	 */
	private Mono<Void> connectBuckets() {
		return Mono.fromCallable(() -> {
			try {
				connectBucketsNow();
				return Optional.<RuntimeException>empty();
			}
			catch (RuntimeException ex) {
				return Optional.of(ex);
			}
		})
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap((failure) -> failure.map(Mono::<Void>error).orElse(Mono.empty()));
	}

	private synchronized void connectBucketsNow() {
		if (this.buckets != null) {
			return;
		}
		AbstractRedisClient client = this.connectionFactory.getRequiredNativeClient();
		Bucket4jLettuce.LettuceBasedProxyManagerBuilder<byte[]> builder;
		if (client instanceof RedisClusterClient cluster) {
			StatefulRedisClusterConnection<byte[], byte[]> connection = cluster.connect(ByteArrayCodec.INSTANCE);
			this.bucketConnection = connection;
			builder = Bucket4jLettuce.casBasedBuilder(connection);
		}
		else {
			StatefulRedisConnection<byte[], byte[]> connection = ((RedisClient) client)
				.connect(ByteArrayCodec.INSTANCE);
			this.bucketConnection = connection;
			builder = Bucket4jLettuce.casBasedBuilder(connection);
		}
		this.buckets = new Buckets(builder
			.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(BUCKET_KEPT))
			.build()
			.asAsync(), new ConcurrentHashMap<>());
	}

	private Mono<Void> listen() {
		Disposable listening = this.listening;
		if (listening != null && !listening.isDisposed()) {
			return Mono.empty();
		}
		ReactiveRedisMessageListenerContainer container = new ReactiveRedisMessageListenerContainer(
				this.connectionFactory);
		ReactiveRedisMessageListenerContainer previous = this.listenerContainer;
		this.listenerContainer = container;
		if (previous != null) {
			previous.destroyLater().subscribe(null, (error) -> {
			});
		}
		return container.receiveLater(ChannelTopic.of(this.holdsKey))
			.doOnNext((messages) -> this.listening = messages.subscribe((message) -> received(message.getMessage()),
					this::unreachable))
			.then();
	}

	private void received(String message) {
		int colon = message.indexOf(':');
		if (colon > 0) {
			try {
				hold(message.substring(colon + 1), Long.parseLong(message.substring(0, colon)));
			}
			catch (NumberFormatException ex) {
				// not one of ours
			}
		}
	}

	private Mono<Void> readHolds() {
		long now = this.clock.millis();
		return this.redis.opsForZSet()
			.removeRangeByScore(this.holdsKey, Range.leftUnbounded(Range.Bound.exclusive((double) now)))
			.thenMany(this.redis.opsForZSet()
				.rangeByScoreWithScores(this.holdsKey, Range.rightUnbounded(Range.Bound.inclusive((double) now))))
			.doOnNext((hold) -> hold(hold.getValue(), hold.getScore().longValue()))
			.then();
	}

	private void hold(String provider, long untilEpochMilli) {
		this.holdReceiver.accept(provider, Instant.ofEpochMilli(untilEpochMilli));
	}

	@Override
	public void stop() {
		Disposable probe;
		Scheduler scheduler;
		synchronized (this) {
			probe = this.probe;
			scheduler = this.probeScheduler;
			this.probe = null;
			this.probeScheduler = null;
			this.shared = false;
			this.status = ClusterStatus.local(this.clock.instant(), "stopped");
		}
		if (probe != null) {
			probe.dispose();
		}
		if (scheduler != null) {
			scheduler.dispose();
		}
		Disposable listening = this.listening;
		if (listening != null) {
			listening.dispose();
		}
		ReactiveRedisMessageListenerContainer container = this.listenerContainer;
		if (container != null) {
			container.destroy();
			this.listenerContainer = null;
		}
		synchronized (this) {
			if (this.bucketConnection != null) {
				this.bucketConnection.close();
				this.bucketConnection = null;
				this.buckets = null;
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.probe != null;
	}

	/**
	 * Stops after the request queue has drained ({@code DEFAULT_PHASE - 2048}), so that
	 * the calls sent while it drains still share the budgets.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private record Buckets(AsyncProxyManager<byte[]> manager, Map<String, AsyncBucketProxy> proxies) {

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
