package dev.llmresilience.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.ReactiveZSetCommands.ZAddCommand;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.zset.Tuple;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import org.springframework.lang.Nullable;

/**
 * Rate-limit holds told to the replicas over Redis: published on a channel that every
 * replica listens to, and kept in a sorted set, scored by the end of each hold, for the
 * replicas that were not listening then. One key names both. Operations are not bounded
 * by a timeout here: whoever makes them decides how long they may take.
 */
final class RedisHolds {

	private final LettuceConnectionFactory connectionFactory;

	private final ReactiveStringRedisTemplate redis;

	private final String key;

	private final Clock clock;

	private final TrackedSubscriptions subscriptions;

	private final Consumer<Throwable> onListeningFailed;

	private volatile BiConsumer<String, Instant> receiver = (provider, until) -> {
	};

	@Nullable
	private ReactiveRedisMessageListenerContainer listenerContainer;

	@Nullable
	private volatile Disposable listening;

	/**
	 * Create holds that are neither published nor listened to yet.
	 * @param connectionFactory the connection factory that listener containers use
	 * @param redis the template that publishes and reads holds
	 * @param key the name of the channel and of the sorted set
	 * @param clock the clock that tells which holds still run
	 * @param subscriptions where the subscription to the channel is kept, so that closing
	 * them stops listening
	 * @param onListeningFailed told when the subscription to the channel fails
	 */
	RedisHolds(LettuceConnectionFactory connectionFactory, ReactiveStringRedisTemplate redis, String key, Clock clock,
			TrackedSubscriptions subscriptions, Consumer<Throwable> onListeningFailed) {
		this.connectionFactory = connectionFactory;
		this.redis = redis;
		this.key = key;
		this.clock = clock;
		this.subscriptions = subscriptions;
		this.onListeningFailed = onListeningFailed;
	}

	/**
	 * Set who receives the holds heard on the channel or read from the sorted set.
	 * @param receiver takes a provider id and the end of its hold
	 */
	void receiveWith(BiConsumer<String, Instant> receiver) {
		this.receiver = receiver;
	}

	/**
	 * Publish a hold: keep it in the sorted set unless a longer one is kept there, and
	 * tell the replicas listening.
	 * @param provider the provider id
	 * @param until the end of the hold
	 * @return completes once published
	 */
	Mono<Void> publish(String provider, Instant until) {
		ZAddCommand add = ZAddCommand.tuple(Tuple.of(bytes(provider), (double) until.toEpochMilli()))
			.gt()
			.to(ByteBuffer.wrap(bytes(this.key)));
		return this.redis.execute((connection) -> connection.zSetCommands().zAdd(Mono.just(add)))
			.then(this.redis.convertAndSend(this.key, until.toEpochMilli() + ":" + provider))
			.then();
	}

	/**
	 * Listen to the channel unless already listening, on a new listener container: the
	 * one that served a subscription that failed is destroyed.
	 * @return completes once subscribed to the channel
	 */
	Mono<Void> listen() {
		Disposable listening = this.listening;
		if (listening != null && !listening.isDisposed()) {
			return Mono.empty();
		}
		ReactiveRedisMessageListenerContainer container = new ReactiveRedisMessageListenerContainer(
				this.connectionFactory);
		ReactiveRedisMessageListenerContainer previous = this.listenerContainer;
		this.listenerContainer = container;
		if (previous != null) {
			this.subscriptions.subscribe(previous.destroyLater(), (error) -> {
			});
		}
		return container.receiveLater(ChannelTopic.of(this.key))
			.doOnNext((messages) -> this.listening = this.subscriptions.subscribe(messages,
					(message) -> received(message.getMessage()), this.onListeningFailed))
			.then();
	}

	/**
	 * Pass on a hold heard on the channel, as {@code <end in epoch millis>:<provider>}.
	 */
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

	/**
	 * Pass on the holds that still run, which were published while this replica was not
	 * listening, and drop those that have ended from the sorted set.
	 * @return completes once they are passed on
	 */
	Mono<Void> readRunning() {
		long now = this.clock.millis();
		return this.redis.opsForZSet()
			.removeRangeByScore(this.key, Range.leftUnbounded(Range.Bound.exclusive((double) now)))
			.thenMany(this.redis.opsForZSet()
				.rangeByScoreWithScores(this.key, Range.rightUnbounded(Range.Bound.inclusive((double) now))))
			.doOnNext((hold) -> hold(hold.getValue(), hold.getScore().longValue()))
			.then();
	}

	private void hold(String provider, long untilEpochMilli) {
		this.receiver.accept(provider, Instant.ofEpochMilli(untilEpochMilli));
	}

	/**
	 * Stop listening and destroy the listener container. {@link #listen()} starts again.
	 */
	void stop() {
		Disposable listening = this.listening;
		if (listening != null) {
			listening.dispose();
		}
		ReactiveRedisMessageListenerContainer container = this.listenerContainer;
		if (container != null) {
			container.destroy();
			this.listenerContainer = null;
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
