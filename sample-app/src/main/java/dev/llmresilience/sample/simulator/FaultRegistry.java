package dev.llmresilience.sample.simulator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The behaviour of each model name: the configured one, changed at runtime through the
 * fault endpoints until {@link #reset()}.
 */
class FaultRegistry {

	private final Map<String, ModelFaults> configured;

	private final Map<String, ModelFaults> current = new ConcurrentHashMap<>();

	FaultRegistry(SimulatorProperties properties) {
		Map<String, ModelFaults> configured = new TreeMap<>();
		properties.getModels().forEach((name, model) -> configured.put(name, validated(name, model)));
		this.configured = Map.copyOf(configured);
		this.current.putAll(this.configured);
	}

	private static ModelFaults validated(String name, SimulatorProperties.Model model) {
		try {
			return ModelFaults.of(model);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("Invalid simulator.models." + name + ": " + ex.getMessage(), ex);
		}
	}

	ModelFaults faultsFor(String model) {
		return this.current.getOrDefault(model, ModelFaults.DEFAULTS);
	}

	void set(String model, ModelFaults faults) {
		this.current.put(model, faults);
	}

	/**
	 * Return the behaviour of every model that has its own entry.
	 * @return the entries, sorted by model name
	 */
	Map<String, ModelFaults> all() {
		return new TreeMap<>(this.current);
	}

	/**
	 * Drop every change made at runtime.
	 */
	void reset() {
		this.current.clear();
		this.current.putAll(this.configured);
	}

}
