package dev.llmresilience.sample.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FaultInjector}.
 */
class FaultInjectorTests {

	@Test
	void sameSeedReplaysTheSameFailures() {
		ModelFaults halfFailing = faults(0.5);
		assertThat(draws(new FaultInjector(new Random(42)), halfFailing))
			.isEqualTo(draws(new FaultInjector(new Random(42)), halfFailing))
			.contains(Optional.empty(), Optional.of(SimulatedFailure.SERVER_ERROR));
	}

	@Test
	void rateZeroNeverFailsAndRateOneAlwaysFails() {
		FaultInjector injector = new FaultInjector(new Random());
		assertThat(draws(injector, faults(0.0))).containsOnly(Optional.empty());
		assertThat(draws(injector, faults(1.0))).containsOnly(Optional.of(SimulatedFailure.SERVER_ERROR));
	}

	private static List<Optional<SimulatedFailure>> draws(FaultInjector injector, ModelFaults faults) {
		return IntStream.range(0, 50).mapToObj((i) -> injector.draw(faults)).toList();
	}

	private static ModelFaults faults(double failureRate) {
		return new ModelFaults(Duration.ZERO, Duration.ZERO, failureRate, SimulatedFailure.SERVER_ERROR, Duration.ZERO,
				10, 1000, 200_000);
	}

}
