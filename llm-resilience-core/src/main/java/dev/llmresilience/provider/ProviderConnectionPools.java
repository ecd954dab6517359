package dev.llmresilience.provider;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import dev.llmresilience.error.LlmConnectionPoolExhaustedException;
import reactor.netty.resources.ConnectionProvider;

/**
 * The connection pools of the providers, one each, closed together: a provider's calls
 * neither take connections from another's nor from the application's other HTTP clients,
 * and a full pool is told apart from a failing provider.
 */
public final class ProviderConnectionPools implements AutoCloseable {

	private final List<BiConsumer<String, ConnectionProvider.Builder>> customizers;

	private final List<ConnectionProvider> pools = new CopyOnWriteArrayList<>();

	/**
	 * Create a new instance.
	 * @param customizers applied, in order, to every pool, with the provider's id
	 */
	public ProviderConnectionPools(List<BiConsumer<String, ConnectionProvider.Builder>> customizers) {
		this.customizers = List.copyOf(customizers);
	}

	/**
	 * Create the pool of a provider.
	 * @param settings the provider's settings
	 * @param maxConnections the most connections open at once
	 * @return the pool
	 */
	public ConnectionProvider create(ProviderSettings settings, int maxConnections) {
		ConnectionProvider.Builder builder = builder(settings, maxConnections);
		this.customizers.forEach((customizer) -> customizer.accept(settings.id(), builder));
		ConnectionProvider pool = builder.build();
		this.pools.add(pool);
		return pool;
	}

	/**
	 * Start the connection pool of a provider. Calls wait for a free connection as long
	 * as a new one may take to connect; one that gets none fails with an
	 * {@link LlmConnectionPoolExhaustedException}, which is this application's limit, not
	 * the provider's failure.
	 */
	private static ConnectionProvider.Builder builder(ProviderSettings settings, int maxConnections) {
		return ConnectionProvider.builder("llm-" + settings.id())
			.maxConnections(maxConnections)
			// waiting calls are bounded by the time they may wait, not by their number:
			// the request queue decides how many wait
			.pendingAcquireMaxCount(-1)
			.pendingAcquireTimeout(settings.connectTimeout());
	}

	/**
	 * Dispose of every pool created.
	 */
	@Override
	public void close() {
		this.pools.forEach(ConnectionProvider::dispose);
		this.pools.clear();
	}

}
