package dev.llmresilience.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.llmresilience.provider.ProviderHttpClient;
import dev.llmresilience.provider.ProviderSettings;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.DisposableBean;

/**
 * The connection pools of the providers, one each, closed with the application context: a
 * provider's calls neither take connections from another's nor from the application's other
 * HTTP clients, and a full pool is told apart from a failing provider.
 */
final class ProviderConnectionPools implements DisposableBean {

	private final List<LlmConnectionPoolCustomizer> customizers;

	private final List<ConnectionProvider> pools = new CopyOnWriteArrayList<>();

	/**
	 * Create a new instance.
	 * @param customizers applied, in order, to every pool
	 */
	ProviderConnectionPools(List<LlmConnectionPoolCustomizer> customizers) {
		this.customizers = customizers;
	}

	/**
	 * Create the pool of a provider.
	 * @param settings the provider's settings
	 * @param maxConnections the most connections open at once
	 * @return the pool
	 */
	ConnectionProvider create(ProviderSettings settings, int maxConnections) {
		ConnectionProvider.Builder builder = ProviderHttpClient.pool(settings, maxConnections);
		this.customizers.forEach((customizer) -> customizer.customize(settings.id(), builder));
		ConnectionProvider pool = builder.build();
		this.pools.add(pool);
		return pool;
	}

	@Override
	public void destroy() {
		this.pools.forEach(ConnectionProvider::dispose);
		this.pools.clear();
	}

}
