package dev.llmresilience.benchmarks.stub;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Counts what the stub served: calls by model and status (the upstream calls a client made,
 * retries included) and the streams open now and at most.
 */
final class TrafficCounter {

	private final Map<String, Map<Integer, LongAdder>> calls = new ConcurrentHashMap<>();

	private final AtomicInteger openStreams = new AtomicInteger();

	private final AtomicInteger peakOpenStreams = new AtomicInteger();

	void count(String model, int status) {
		this.calls.computeIfAbsent(model, (name) -> new ConcurrentHashMap<>())
			.computeIfAbsent(status, (code) -> new LongAdder())
			.increment();
	}

	void streamOpened() {
		this.peakOpenStreams.accumulateAndGet(this.openStreams.incrementAndGet(), Math::max);
	}

	void streamClosed() {
		this.openStreams.decrementAndGet();
	}

	void reset() {
		this.calls.clear();
		this.peakOpenStreams.set(this.openStreams.get());
	}

	/**
	 * Return the counts as {@code {"calls":{"model":{"200":n}},"openStreams":n,"peakOpenStreams":n}}.
	 * @param objectMapper creates the JSON
	 * @return the JSON text
	 */
	String toJson(ObjectMapper objectMapper) {
		ObjectNode json = objectMapper.createObjectNode();
		ObjectNode calls = json.putObject("calls");
		this.calls.forEach((model, byStatus) -> {
			ObjectNode counts = calls.putObject(model);
			byStatus.forEach((status, count) -> counts.put(String.valueOf(status), count.sum()));
		});
		json.put("openStreams", this.openStreams.get());
		json.put("peakOpenStreams", this.peakOpenStreams.get());
		return json.toString();
	}

}
