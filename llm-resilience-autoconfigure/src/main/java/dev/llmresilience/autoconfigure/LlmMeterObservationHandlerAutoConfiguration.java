package dev.llmresilience.autoconfigure;

import dev.llmresilience.actuate.LlmMeterObservationHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the meter handler of observations: Micrometer's default one, as
 * Spring Boot 3.5 makes it when there is no tracer, with the meters of the library's own
 * observations kept rather than looked up on every call
 * ({@link LlmMeterObservationHandler}). It runs before Spring Boot's observation
 * auto-configuration, whose meter handler then backs off, and backs off itself wherever
 * Spring Boot would make another handler: with a tracer (the handler that adds exemplars)
 * or a meter handler of the application's.
 * <p>
 * Spring Boot 3.5 only: on Spring Boot 4, whose Micrometer keeps the tags of its default
 * handler itself, Spring Boot's handler is left as it is.
 *
 * @author llm-resilience
 */
@AutoConfiguration(
		afterName = { SpringBootAutoConfigurationNames.COMPOSITE_METER_REGISTRY,
				"org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration" },
		beforeName = SpringBootAutoConfigurationNames.OBSERVATION)
@ConditionalOnClass(value = { MeterRegistry.class, ObservationRegistry.class },
		name = "org.springframework.boot.actuate.autoconfigure.observation.ObservationProperties")
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnMissingBean(value = MeterObservationHandler.class, type = "io.micrometer.tracing.Tracer")
@ConditionalOnBooleanProperty(name = "llm.resilience.enabled", matchIfMissing = true)
public class LlmMeterObservationHandlerAutoConfiguration {

	@Bean
	LlmMeterObservationHandler llmMeterObservationHandler(MeterRegistry meterRegistry, Environment environment) {
		// Spring Boot's switch, bound as Spring Boot binds it
		boolean longTaskTimers = Binder.get(environment)
			.bind("management.observations.long-task-timer.enabled", Boolean.class)
			.orElse(true);
		return new LlmMeterObservationHandler(meterRegistry, longTaskTimers);
	}

}
