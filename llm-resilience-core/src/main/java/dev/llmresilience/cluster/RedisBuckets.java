package dev.llmresilience.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

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
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.lang.Nullable;

/**
 * The rate budgets' Bucket4j buckets in Redis, changed by compare-and-swap over a Lettuce
 * connection of their own, since Bucket4j needs the native client rather than Spring
 * Data's. Calls are not bounded by a timeout here: whoever makes them decides how long
 * they may take.
 */
final class RedisBuckets {

	/**
	 * How long a bucket is kept in Redis once it has refilled: long enough to outlive
	 * short pauses in traffic, short enough to drop the budgets of a configuration no
	 * longer used.
	 */
	private static final Duration BUCKET_KEPT = Duration.ofMinutes(1);

	private static final BucketConfiguration PROBE = BucketConfiguration.builder()
		.addLimit((limit) -> limit.capacity(1).refillGreedy(1, Duration.ofSeconds(1)))
		.build();

	private final LettuceConnectionFactory connectionFactory;

	private final String probeKey;

	/** The proxy manager on the buckets' connection, with the proxies built on it. */
	@Nullable
	private volatile Buckets buckets;

	@Nullable
	private StatefulConnection<byte[], byte[]> connection;

	/**
	 * Create buckets, not connected until {@link #connect()}.
	 * @param connectionFactory the Lettuce connection factory of the application, whose
	 * native client opens the buckets' connection
	 * @param probeKey the key of the bucket that {@link #connect()} tries
	 */
	RedisBuckets(LettuceConnectionFactory connectionFactory, String probeKey) {
		this.connectionFactory = connectionFactory;
		this.probeKey = probeKey;
	}

	/**
	 * Open the buckets' connection unless it is open, and make a first swap, which shows
	 * that the server runs Bucket4j's scripts and keeps the cost of a cold start away
	 * from the timeout of the first call. Connecting is bounded by the connect timeout of
	 * the connection factory.
	 * @return completes once both are done
	 */
	Mono<Void> connect() {
		return openConnection().then(addTokens(this.probeKey, PROBE, 1));
	}

	/**
	 * Open the connection, which blocks. A failure is passed on as a value, so that one
	 * that comes after a cancellation (the application stopping while Redis is
	 * unreachable) is dropped quietly instead of being logged as an error by Reactor.
	 */
	private Mono<Void> openConnection() {
		return Mono.fromCallable(() -> {
			try {
				openConnectionNow();
				return Optional.<RuntimeException>empty();
			}
			catch (RuntimeException ex) {
				return Optional.of(ex);
			}
		})
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap((failure) -> failure.map(Mono::<Void>error).orElse(Mono.empty()));
	}

	private synchronized void openConnectionNow() {
		if (this.buckets != null) {
			return;
		}
		AbstractRedisClient client = this.connectionFactory.getRequiredNativeClient();
		Bucket4jLettuce.LettuceBasedProxyManagerBuilder<byte[]> builder;
		if (client instanceof RedisClusterClient cluster) {
			StatefulRedisClusterConnection<byte[], byte[]> connection = cluster.connect(ByteArrayCodec.INSTANCE);
			this.connection = connection;
			builder = Bucket4jLettuce.casBasedBuilder(connection);
		}
		else {
			StatefulRedisConnection<byte[], byte[]> connection = ((RedisClient) client)
				.connect(ByteArrayCodec.INSTANCE);
			this.connection = connection;
			builder = Bucket4jLettuce.casBasedBuilder(connection);
		}
		this.buckets = new Buckets(builder
			.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(BUCKET_KEPT))
			.build()
			.asAsync(), new ConcurrentHashMap<>());
	}

	/**
	 * Take tokens from a bucket, in debt if need be.
	 * @param key the bucket's key
	 * @param configuration the bucket's configuration, for a bucket that does not exist
	 * yet
	 * @param tokens the tokens to take
	 * @return how many nanoseconds the debt takes to refill
	 */
	Mono<Long> consume(String key, BucketConfiguration configuration, long tokens) {
		return call(key, configuration, (bucket) -> bucket.consumeIgnoringRateLimits(tokens));
	}

	/**
	 * Give tokens back to a bucket, up to its capacity.
	 * @param key the bucket's key
	 * @param configuration the bucket's configuration, for a bucket that does not exist
	 * yet
	 * @param tokens the tokens to give back
	 * @return completes once they are given back
	 */
	Mono<Void> addTokens(String key, BucketConfiguration configuration, long tokens) {
		return call(key, configuration, (bucket) -> bucket.addTokens(tokens));
	}

	private <T> Mono<T> call(String key, BucketConfiguration configuration,
			Function<AsyncBucketProxy, CompletableFuture<T>> call) {
		return Mono.fromFuture(() -> call.apply(bucket(key, configuration)));
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
		// a proxy built while closing belongs to the old manager and goes with it
		return buckets.proxies()
			.computeIfAbsent(key, (name) -> buckets.manager()
				.builder()
				.withOptimization(Optimizations.batching())
				.build(name.getBytes(StandardCharsets.UTF_8), () -> CompletableFuture.completedFuture(configuration)));
	}

	/**
	 * Close the buckets' connection, with the proxies built on it. {@link #connect()}
	 * opens a new one.
	 */
	synchronized void close() {
		if (this.connection != null) {
			this.connection.close();
			this.connection = null;
			this.buckets = null;
		}
	}

	private record Buckets(AsyncProxyManager<byte[]> manager, Map<String, AsyncBucketProxy> proxies) {

	}

}
