package dev.llmresilience.benchmarks.stub;

import java.util.Map;

/**
 * What the stub served, as its {@code GET /stats} tells: calls by model name and HTTP
 * status, and the calls it was serving, streams held open included.
 *
 * @param calls the calls by model name, then by status
 * @param inFlight the calls in flight now
 * @param maxInFlight the most calls in flight at once since the last reset
 * @param openConnections the client connections open now
 */
public record StubTraffic(Map<String, Map<Integer, Long>> calls, int inFlight, int maxInFlight, int openConnections) {

	/**
	 * Return the calls to one model with one status.
	 * @param model the model name
	 * @param status the status
	 * @return the count
	 */
	public long calls(String model, int status) {
		return this.calls.getOrDefault(model, Map.of()).getOrDefault(status, 0L);
	}

	/**
	 * Return the calls to one model, whatever their status.
	 * @param model the model name
	 * @return the count
	 */
	public long calls(String model) {
		return this.calls.getOrDefault(model, Map.of()).values().stream().mapToLong(Long::longValue).sum();
	}

	/**
	 * Return every call the stub served.
	 * @return the count
	 */
	public long totalCalls() {
		return this.calls.keySet().stream().mapToLong(this::calls).sum();
	}

}
