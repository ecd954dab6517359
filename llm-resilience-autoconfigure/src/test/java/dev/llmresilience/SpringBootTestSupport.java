package dev.llmresilience;

import java.time.Duration;

import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration;
import io.lettuce.core.resource.Delay;

import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration;
import org.springframework.boot.actuate.health.AbstractReactiveHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.ReactiveHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.data.redis.ClientResourcesBuilderCustomizer;
import org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration;
import org.springframework.boot.autoconfigure.http.client.reactive.ClientHttpConnectorAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the auto-configuration tests need of Spring Boot 3.5 that Spring Boot 4 moved to
 * other packages: Boot's auto-configurations to run ours with, the health types, and the
 * Redis client customizer. The Spring Boot 4 auto-configuration module's tests have their
 * own copy of this class with Boot 4's types; every other test source is shared by the
 * two generations.
 */
public final class SpringBootTestSupport {

	/**
	 * The package of resilience4j's Spring Boot support for this generation.
	 */
	public static final String RESILIENCE4J_SPRING_BOOT_PACKAGE = "io.github.resilience4j.springboot3";

	/**
	 * The type of a health indicator.
	 */
	public static final Class<?> HEALTH_INDICATOR = HealthIndicator.class;

	/**
	 * The type of a reactive health indicator.
	 */
	public static final Class<?> REACTIVE_HEALTH_INDICATOR = ReactiveHealthIndicator.class;

	/**
	 * The base class of reactive health indicators, whose absence means no actuator.
	 */
	public static final Class<?> ABSTRACT_REACTIVE_HEALTH_INDICATOR = AbstractReactiveHealthIndicator.class;

	private SpringBootTestSupport() {
	}

	/**
	 * Whether the library's meter handler of observations replaces Micrometer's default
	 * one. On Spring Boot 3.5 the library's meter handler of observations takes the place
	 * of Micrometer's default one.
	 */
	public static final boolean LLM_METER_OBSERVATION_HANDLER = true;

	/**
	 * Boot's auto-configurations of Jackson, the reactive HTTP connector and
	 * {@code WebClient.Builder}, which the providers are built on.
	 * @return the auto-configurations
	 */
	public static AutoConfigurations webClient() {
		return AutoConfigurations.of(JacksonAutoConfiguration.class, ClientHttpConnectorAutoConfiguration.class,
				WebClientAutoConfiguration.class);
	}

	/**
	 * Boot's metrics auto-configurations with a simple registry.
	 * @return the auto-configurations
	 */
	public static AutoConfigurations metrics() {
		return AutoConfigurations.of(MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class);
	}

	/**
	 * Boot's observation auto-configuration.
	 * @return the auto-configuration
	 */
	public static AutoConfigurations observation() {
		return AutoConfigurations.of(ObservationAutoConfiguration.class);
	}

	/**
	 * Boot's health contributor auto-configuration (which the health indicators'
	 * conditions read) without the health endpoint.
	 * @return the auto-configuration
	 */
	public static AutoConfigurations healthContributors() {
		return AutoConfigurations.of(HealthContributorAutoConfiguration.class);
	}

	/**
	 * Boot's health contributor and health endpoint auto-configurations.
	 * @return the auto-configurations
	 */
	public static AutoConfigurations health() {
		return AutoConfigurations.of(HealthContributorAutoConfiguration.class, HealthEndpointAutoConfiguration.class);
	}

	/**
	 * Boot's Redis auto-configuration.
	 * @return the auto-configuration
	 */
	public static AutoConfigurations redis() {
		return AutoConfigurations.of(RedisAutoConfiguration.class);
	}

	/**
	 * resilience4j's Spring Boot auto-configurations of circuit breakers and retries.
	 * @return the auto-configurations
	 */
	public static AutoConfigurations resilience4j() {
		return AutoConfigurations.of(CircuitBreakerAutoConfiguration.class, RetryAutoConfiguration.class);
	}

	/**
	 * A health indicator of the application's own that is always up.
	 * @return the health indicator
	 */
	public static Object upHealthIndicator() {
		return (HealthIndicator) () -> Health.up().build();
	}

	/**
	 * Lettuce reconnects to a restarted Redis within 50 ms rather than after its backoff.
	 */
	@Configuration(proxyBeanMethods = false)
	public static class FastRedisReconnect {

		@Bean
		ClientResourcesBuilderCustomizer fastReconnect() {
			return (resources) -> resources.reconnectDelay(Delay.constant(Duration.ofMillis(50)));
		}

	}

}
