package dev.llmresilience.autoconfigure;

/**
 * The auto-configurations of Spring Boot 4 and of resilience4j's Spring Boot 4 support
 * that ours are ordered after: the Spring Boot 4 counterpart of the class of the same
 * name in the Spring Boot 3.5 auto-configuration module, the one place in the shared
 * auto-configuration sources where the two generations differ. Names rather than classes,
 * so that an absent module (resilience4j, actuator, Boot's Jackson or Redis support)
 * orders nothing rather than fail.
 *
 * @author llm-resilience
 */
final class SpringBootAutoConfigurationNames {

	static final String JACKSON = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration";

	static final String HTTP_CONNECTOR = "org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration";

	static final String WEB_CLIENT = "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration";

	static final String OBSERVATION = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration";

	static final String METRICS = "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration";

	static final String COMPOSITE_METER_REGISTRY = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration";

	static final String REDIS = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration";

	static final String CIRCUIT_BREAKER = "io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration";

	static final String RETRY = "io.github.resilience4j.springboot.retry.autoconfigure.RetryAutoConfiguration";

	private SpringBootAutoConfigurationNames() {
	}

}
