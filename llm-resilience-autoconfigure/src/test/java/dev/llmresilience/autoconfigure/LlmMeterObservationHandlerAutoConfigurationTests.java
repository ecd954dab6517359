package dev.llmresilience.autoconfigure;

import dev.llmresilience.LlmModel;
import dev.llmresilience.SpringBootTestSupport;
import dev.llmresilience.actuate.LlmMeterObservationHandler;
import dev.llmresilience.observation.LlmAttemptContext;
import dev.llmresilience.observation.LlmObservationConventions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmMeterObservationHandlerAutoConfiguration}, on each generation of
 * Spring Boot: on 3.5 its handler takes the place of Micrometer's default one, on 4 it
 * does not apply.
 */
class LlmMeterObservationHandlerAutoConfigurationTests {

	private static final LlmModel SONNET = new LlmModel("sonnet", "anthropic", "claude-sonnet-4-5", 4096, null);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(SpringBootTestSupport.metrics())
		.withConfiguration(SpringBootTestSupport.observation())
		.withConfiguration(AutoConfigurations.of(LlmMeterObservationHandlerAutoConfiguration.class));

	@Test
	void takesThePlaceOfTheDefaultMeterHandler() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(MeterObservationHandler.class);
			assertThat(context.getBean(MeterObservationHandler.class))
				.isInstanceOf(SpringBootTestSupport.LLM_METER_OBSERVATION_HANDLER ? LlmMeterObservationHandler.class
						: DefaultMeterObservationHandler.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			observeAttempt(context);
			assertThat(meters.get("llm.attempt").timer().count()).isOne();
			assertThat(meters.find("llm.attempt.active").longTaskTimer()).isNotNull();
			Observation.createNotStarted("other.work", context.getBean(ObservationRegistry.class)).start().stop();
			assertThat(meters.get("other.work").timer().count()).isOne();
		});
	}

	@Test
	void followsTheLongTaskTimerSwitchOfSpringBoot() {
		this.contextRunner
			.withPropertyValues("management.observations.long-task-timer.enabled=false",
					"management.metrics.observations.ignored-meters=long-task-timer")
			.run((context) -> {
				observeAttempt(context);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("llm.attempt").timer().count()).isOne();
				assertThat(meters.find("llm.attempt.active").longTaskTimer()).isNull();
			});
	}

	@Test
	void backsOffForAMeterHandlerOfTheApplication() {
		MeterObservationHandler<Observation.Context> own = new MeterObservationHandler<>() {
		};
		this.contextRunner.withBean("ownMeterObservationHandler", MeterObservationHandler.class, () -> own)
			.run((context) -> assertThat(context).doesNotHaveBean(LlmMeterObservationHandler.class)
				.getBean("ownMeterObservationHandler")
				.isSameAs(own));
	}

	@Test
	void backsOffWhenTheLibraryIsDisabled() {
		this.contextRunner.withPropertyValues("llm.resilience.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LlmMeterObservationHandler.class)
				.hasSingleBean(MeterObservationHandler.class));
	}

	@Test
	void isAbsentWithoutAMeterRegistry() {
		new ApplicationContextRunner().withConfiguration(SpringBootTestSupport.observation())
			.withConfiguration(AutoConfigurations.of(LlmMeterObservationHandlerAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(MeterObservationHandler.class));
	}

	private static void observeAttempt(AssertableApplicationContext context) {
		Observation.createNotStarted(LlmObservationConventions.attempt(),
				() -> new LlmAttemptContext(SONNET, "anthropic", 1, false), context.getBean(ObservationRegistry.class))
			.start()
			.stop();
	}

}
