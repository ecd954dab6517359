package dev.llmresilience.benchmarks.stub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.llmresilience.test.FakeProviderServer;

/**
 * How the stub answers: the wait before each response, the number of text chunks of an
 * answer, the pause between two chunks of a stream, and the faults injected per model (a
 * share of the calls answered with a status and the provider's error body). Travels to
 * the stub process as command-line arguments. Slow calls are a share of a model's calls
 * answered properly, but late.
 *
 * @param latency the wait before each response (headers and body, or the first events)
 * @param chunks the text chunks of each answer; a JSON answer carries them joined
 * @param chunkInterval the pause between two text chunks of a stream; the first comes at
 * once
 * @param faults the faults by model name
 * @param slowCalls the slow calls by model name
 */
public record StubSettings(Duration latency, int chunks, Duration chunkInterval, Map<String, Fault> faults,
		Map<String, SlowCalls> slowCalls) {

	public StubSettings {
		faults = Map.copyOf(faults);
		slowCalls = Map.copyOf(slowCalls);
	}

	/**
	 * Answers at once, streams without pauses, no faults.
	 * @param chunks the text chunks of each answer
	 * @return the settings
	 */
	public static StubSettings immediate(int chunks) {
		return new StubSettings(Duration.ZERO, chunks, Duration.ZERO, Map.of(), Map.of());
	}

	/**
	 * Return a copy that streams with the given pause between chunks.
	 * @param interval the pause
	 * @return the copy
	 */
	public StubSettings withChunkInterval(Duration interval) {
		return new StubSettings(this.latency, this.chunks, interval, this.faults, this.slowCalls);
	}

	/**
	 * Return a copy that fails a share of the calls to a model.
	 * @param model the model name, as sent in requests
	 * @param rate the share of calls that fail, 0 to 1
	 * @param status the HTTP status of the failures
	 * @return the copy
	 */
	public StubSettings withFault(String model, double rate, int status) {
		Map<String, Fault> faults = new LinkedHashMap<>(this.faults);
		faults.put(model, new Fault(rate, status));
		return new StubSettings(this.latency, this.chunks, this.chunkInterval, faults, this.slowCalls);
	}

	/**
	 * Return a copy that answers a share of the calls to a model late.
	 * @param model the model name, as sent in requests
	 * @param rate the share of calls that are slow, 0 to 1
	 * @param delay how late they answer
	 * @return the copy
	 */
	public StubSettings withSlow(String model, double rate, Duration delay) {
		Map<String, SlowCalls> slowCalls = new LinkedHashMap<>(this.slowCalls);
		slowCalls.put(model, new SlowCalls(rate, delay));
		return new StubSettings(this.latency, this.chunks, this.chunkInterval, this.faults, slowCalls);
	}

	/**
	 * Return the command-line arguments of the stub's
	 * {@link FakeProviderServer#main(String[])}: the {@link CannedText} of the chunks,
	 * split in as many pieces, and the rest as they are.
	 * @return the arguments
	 */
	public List<String> toArgs() {
		List<String> args = new ArrayList<>();
		args.add("--latency-ms=" + this.latency.toMillis());
		args.add("--text=" + CannedText.whole(this.chunks));
		args.add("--chunks=" + this.chunks);
		args.add("--chunk-interval-ms=" + this.chunkInterval.toMillis());
		this.faults.forEach((model, fault) -> args.add("--fault=" + model + ":" + fault.rate() + ":" + fault.status()));
		this.slowCalls
			.forEach((model, slow) -> args.add("--slow=" + model + ":" + slow.rate() + ":" + slow.delay().toMillis()));
		return args;
	}

	/**
	 * A share of calls to one model that fail with a status.
	 *
	 * @param rate the share of calls that fail, 0 to 1
	 * @param status the HTTP status of the failures
	 */
	public record Fault(double rate, int status) {

	}

	/**
	 * A share of calls to one model answered properly, but late.
	 *
	 * @param rate the share of calls that are slow, 0 to 1
	 * @param delay how late they answer
	 */
	public record SlowCalls(double rate, Duration delay) {

	}

}
