package dev.llmresilience.benchmarks.stub;

import java.util.Map;

/**
 * What the stub served: calls by model name and HTTP status, and the streams it held open.
 *
 * @param calls the calls by model name, then by status
 * @param openStreams the streams open now
 * @param peakOpenStreams the most streams open at once since the last reset
 */
public record StubTraffic(Map<String, Map<Integer, Long>> calls, int openStreams, int peakOpenStreams) {

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
