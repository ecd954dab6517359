package dev.llmresilience.sample.simulator;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SimulatorConfiguration}.
 */
class SimulatorConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withUserConfiguration(SimulatorConfiguration.class);

	@Test
	void servesTheSimulatorByDefault() {
		this.contextRunner.run((context) -> assertThat(context).hasBean("simulatorRoutes")
			.hasSingleBean(FaultRegistry.class)
			.hasSingleBean(SimulatorProperties.class));
	}

	@Test
	void servesNothingWhenDisabled() {
		this.contextRunner.withPropertyValues("simulator.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("simulatorRoutes")
				.doesNotHaveBean(SimulatorProperties.class));
	}

	@Test
	void failsAtStartUpOnAnInvalidFailureRateNamingTheProperty() {
		this.contextRunner.withPropertyValues("simulator.models.sim-x.failure-rate=1.5")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("Invalid simulator.models.sim-x: failure-rate must be between 0.0 and 1.0"));
	}

	@Test
	void bindsFailureKindsByTheirKebabCaseNames() {
		this.contextRunner.withPropertyValues("simulator.models.sim-x.failure=mid-stream-error")
			.run((context) -> assertThat(context.getBean(FaultRegistry.class).faultsFor("sim-x").failure())
				.isEqualTo(SimulatedFailure.MID_STREAM_ERROR));
	}

}
