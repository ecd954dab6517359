package dev.llmresilience.provider;

import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.lang.Nullable;

/**
 * The HTTP connectors of the providers, built apart from the exchange so that the code
 * that wires a provider (auto-configuration, the programmatic builder) can choose its
 * connection pool and event loops before the provider exists.
 */
public final class ProviderConnectors {

	private ProviderConnectors() {
	}

	/**
	 * Create the connector for a provider on the application's (or the global) connection
	 * pool: its connect timeout, no redirects (an API key must not follow one) and no
	 * transport-level retry (resilience is decided above the provider, and every upstream
	 * call must be counted).
	 * @param settings the provider's settings
	 * @param resourceFactory the application's Reactor Netty resources, or {@code null}
	 * for the global ones
	 * @return the connector
	 */
	public static ClientHttpConnector connector(ProviderSettings settings,
			@Nullable ReactorResourceFactory resourceFactory) {
		int connectMillis = (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis());
		if (resourceFactory != null) {
			return new ReactorClientHttpConnector(resourceFactory, (client) -> configure(client, connectMillis));
		}
		return new ReactorClientHttpConnector(configure(HttpClient.create(), connectMillis));
	}

	/**
	 * Create the connector for a provider on a connection pool of its own, as
	 * {@link #connector(ProviderSettings, ReactorResourceFactory)} otherwise.
	 * @param settings the provider's settings
	 * @param pool the provider's connection pool
	 * @param resourceFactory the application's Reactor Netty resources, whose event loops
	 * serve the connections, or {@code null} for the global ones
	 * @return the connector
	 */
	public static ClientHttpConnector connector(ProviderSettings settings, ConnectionProvider pool,
			@Nullable ReactorResourceFactory resourceFactory) {
		int connectMillis = (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis());
		HttpClient client = HttpClient.create(pool);
		if (resourceFactory != null) {
			client = client.runOn(resourceFactory.getLoopResources());
		}
		return new ReactorClientHttpConnector(configure(client, connectMillis));
	}

	private static HttpClient configure(HttpClient client, int connectMillis) {
		return client.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
			.followRedirect(false)
			.disableRetry(true);
	}

}
