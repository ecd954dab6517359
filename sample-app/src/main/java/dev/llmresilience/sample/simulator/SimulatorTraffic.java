package dev.llmresilience.sample.simulator;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The traffic of every model name the simulator was asked for, and a log of the last
 * {@value #LOGGED_REQUESTS} requests it received through either API.
 */
class SimulatorTraffic {

	static final int LOGGED_REQUESTS = 100;

	private final Clock clock;

	private final Map<String, ModelTraffic> models = new ConcurrentHashMap<>();

	private final Deque<ReceivedRequest> log = new ArrayDeque<>();

	SimulatorTraffic(Clock clock) {
		this.clock = clock;
	}

	ModelTraffic of(String model) {
		return this.models.computeIfAbsent(model, (name) -> new ModelTraffic(this.clock));
	}

	/**
	 * Count a request for its model and add it to the log.
	 * @param api the API it came through
	 * @param request the request
	 * @return the traffic of its model
	 */
	ModelTraffic receive(SimulatedApi api, SimulatedRequest request) {
		ModelTraffic traffic = of(request.model());
		traffic.countRequest();
		synchronized (this.log) {
			if (this.log.size() == LOGGED_REQUESTS) {
				this.log.removeFirst();
			}
			this.log.addLast(ReceivedRequest.of(api, request));
		}
		return traffic;
	}

	Map<String, ModelTraffic.Stats> stats() {
		Map<String, ModelTraffic.Stats> stats = new TreeMap<>();
		this.models.forEach((name, traffic) -> stats.put(name, traffic.stats()));
		return stats;
	}

	/**
	 * Return the requests in the log.
	 * @return the requests, oldest first
	 */
	List<ReceivedRequest> received() {
		synchronized (this.log) {
			return List.copyOf(this.log);
		}
	}

	/**
	 * Forget all counts, empty the rate-limit windows and the request log.
	 */
	void reset() {
		this.models.clear();
		synchronized (this.log) {
			this.log.clear();
		}
	}

}
