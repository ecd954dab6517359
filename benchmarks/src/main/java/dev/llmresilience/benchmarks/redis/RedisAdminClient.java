package dev.llmresilience.benchmarks.redis;

import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import reactor.core.publisher.Mono;

/**
 * The harness's own Lettuce connection to a Redis server, apart from the application's: a
 * bare {@code PING}, to measure one round trip, and the server's version and command
 * statistics, to see what the applications sent.
 */
public final class RedisAdminClient implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final RedisClient client;

	private final StatefulRedisConnection<String, String> connection;

	/**
	 * Connect to a server.
	 * @param host its address
	 * @param port its port
	 */
	public RedisAdminClient(String host, int port) {
		this.client = RedisClient.create(RedisURI.builder().withHost(host).withPort(port).withTimeout(TIMEOUT).build());
		this.connection = this.client.connect();
	}

	/**
	 * Return a {@code PING}, sent when subscribed to.
	 * @return the answer, {@code PONG}
	 */
	public Mono<String> ping() {
		return this.connection.reactive().ping();
	}

	/**
	 * Return the server's version.
	 * @return such as {@code 7.0.15}, or {@code unknown}
	 */
	public String version() {
		for (String line : this.connection.sync().info("server").split("\r?\n")) {
			if (line.startsWith("redis_version:")) {
				return line.substring("redis_version:".length()).trim();
			}
		}
		return "unknown";
	}

	/**
	 * Return the commands the server has executed so far.
	 * @return the statistics
	 */
	public CommandStats commandStats() {
		return CommandStats.parse(this.connection.sync().info("commandstats"));
	}

	@Override
	public void close() {
		this.connection.close();
		this.client.shutdown();
	}

}
