package dev.llmresilience.chaos;

import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

/**
 * Watches the providers' HTTP connection pools through Reactor Netty's pool metrics, so a
 * test can tell when no connection is checked out any more.
 */
final class PooledConnections implements ConnectionProvider.MeterRegistrar {

	private final Map<String, ConnectionPoolMetrics> pools = new ConcurrentHashMap<>();

	@Override
	public void registerMetrics(String poolName, String id, SocketAddress remoteAddress,
			ConnectionPoolMetrics metrics) {
		this.pools.put(poolName + "|" + id + "|" + remoteAddress, metrics);
	}

	/**
	 * Return the connections checked out of every pool now.
	 * @return the number of acquired connections
	 */
	int acquired() {
		return this.pools.values().stream().mapToInt(ConnectionPoolMetrics::acquiredSize).sum();
	}

	/**
	 * Return the callers waiting for a connection in every pool now.
	 * @return the number of pending acquisitions
	 */
	int pending() {
		return this.pools.values().stream().mapToInt(ConnectionPoolMetrics::pendingAcquireSize).sum();
	}

	/**
	 * Return the connections open in every pool now, checked out or idle.
	 * @return the number of allocated connections
	 */
	int allocated() {
		return this.pools.values().stream().mapToInt(ConnectionPoolMetrics::allocatedSize).sum();
	}

}
