package dev.llmresilience.autoconfigure;

import reactor.netty.resources.ConnectionProvider;

/**
 * Callback to customize the connection pool of one provider, for example to enable
 * Reactor Netty's pool metrics or to set how long idle connections are kept. Applied, in
 * order, after the pool's size ({@code max-connections}) and its wait for a free
 * connection ({@code connect-timeout}) are set.
 */
@FunctionalInterface
public interface LlmConnectionPoolCustomizer {

	/**
	 * Customize the pool of one provider.
	 * @param providerId the provider id, the key under {@code llm.resilience.providers}
	 * @param builder the pool's builder
	 */
	void customize(String providerId, ConnectionProvider.Builder builder);

}
