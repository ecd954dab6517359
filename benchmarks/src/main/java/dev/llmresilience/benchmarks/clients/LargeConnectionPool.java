package dev.llmresilience.benchmarks.clients;

import reactor.netty.http.HttpResources;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Replaces Spring Boot's {@link ReactorResourceFactory}, whose global Reactor Netty resources pool
 * at most 500 connections with 1,000 more requests pending (Reactor Netty's fixed default for its
 * global pool), with a pool large enough for 10,000 open streams. The event loops stay the global
 * ones, so that the thread count compares with a raw client's.
 */
@Configuration(proxyBeanMethods = false)
public class LargeConnectionPool {

	/** The most connections the pool opens. */
	public static final int MAX_CONNECTIONS = 16_384;

	@Bean
	ReactorResourceFactory reactorResourceFactory() {
		ReactorResourceFactory factory = new ReactorResourceFactory();
		factory.setUseGlobalResources(false);
		factory.setLoopResources(HttpResources.get());
		factory.setConnectionProviderSupplier(() -> ConnectionProvider.builder("llm-benchmark")
			.maxConnections(MAX_CONNECTIONS)
			.pendingAcquireMaxCount(-1)
			.build());
		return factory;
	}

}
