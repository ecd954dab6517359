package dev.llmresilience.sample.simulator;

import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The traffic of every model name the simulator was asked for.
 */
class SimulatorTraffic {

	private final Clock clock;

	private final Map<String, ModelTraffic> models = new ConcurrentHashMap<>();

	SimulatorTraffic(Clock clock) {
		this.clock = clock;
	}

	ModelTraffic of(String model) {
		return this.models.computeIfAbsent(model, (name) -> new ModelTraffic(this.clock));
	}

	Map<String, ModelTraffic.Stats> stats() {
		Map<String, ModelTraffic.Stats> stats = new TreeMap<>();
		this.models.forEach((name, traffic) -> stats.put(name, traffic.stats()));
		return stats;
	}

	/**
	 * Forget all counts and empty the rate-limit windows.
	 */
	void reset() {
		this.models.clear();
	}

}
