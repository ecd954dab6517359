package dev.llmresilience.queue;

import java.time.Duration;
import java.util.Map;

import dev.llmresilience.LlmPriority;

/**
 * What a {@link RequestQueue} held at one moment.
 *
 * @param capacity the most requests that may wait
 * @param maxConcurrent the most requests served at once
 * @param inFlight the requests being served
 * @param depth the waiting requests by priority
 * @param admitted the requests admitted so far
 * @param totalWait the time admitted requests waited, added up
 * @param averageWait the average time an admitted request waited
 * @param maxWait the longest time an admitted request waited
 * @param refused the requests refused so far (queue full or shutting down)
 * @param closed whether the queue has stopped admitting
 */
public record QueueSnapshot(int capacity, int maxConcurrent, int inFlight, Map<LlmPriority, Integer> depth,
		long admitted, Duration totalWait, Duration averageWait, Duration maxWait, long refused, boolean closed) {

	/**
	 * Return the number of waiting requests.
	 * @return the sum of the depths
	 */
	public int waiting() {
		return this.depth.values().stream().mapToInt(Integer::intValue).sum();
	}

}
