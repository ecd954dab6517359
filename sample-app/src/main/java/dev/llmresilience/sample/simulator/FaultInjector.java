package dev.llmresilience.sample.simulator;

import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Decides whether a request fails. Every request draws exactly one number, so a seeded
 * generator replays the same failures for the same sequence of requests.
 */
class FaultInjector {

	private final RandomGenerator random;

	FaultInjector(RandomGenerator random) {
		this.random = random;
	}

	Optional<SimulatedFailure> draw(ModelFaults faults) {
		double roll = this.random.nextDouble();
		return (roll < faults.failureRate()) ? Optional.of(faults.failure()) : Optional.empty();
	}

}
