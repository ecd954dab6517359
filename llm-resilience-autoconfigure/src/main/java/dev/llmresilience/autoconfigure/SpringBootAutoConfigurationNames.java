package dev.llmresilience.autoconfigure;

/**
 * The auto-configurations of Spring Boot 3.5 and of resilience4j's Spring Boot 3 support
 * that ours are ordered after. Spring Boot 4 moved them to other packages: this class is
 * the one place in the shared auto-configuration sources where the two generations
 * differ, and the Spring Boot 4 auto-configuration module has its own copy with Boot 4's
 * names. Names rather than classes, so that an absent module (resilience4j, actuator)
 * orders nothing rather than fail.
 *
 * @author llm-resilience
 */
final class SpringBootAutoConfigurationNames {

	static final String JACKSON = "org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration";

	static final String HTTP_CONNECTOR = "org.springframework.boot.autoconfigure.http.client.reactive.ClientHttpConnectorAutoConfiguration";

	static final String WEB_CLIENT = "org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration";

	static final String OBSERVATION = "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration";

	static final String METRICS = "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration";

	static final String COMPOSITE_METER_REGISTRY = "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration";

	static final String REDIS = "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration";

	static final String CIRCUIT_BREAKER = "io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration";

	static final String RETRY = "io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration";

	private SpringBootAutoConfigurationNames() {
	}

}
