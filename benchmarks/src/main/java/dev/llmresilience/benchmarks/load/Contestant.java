package dev.llmresilience.benchmarks.load;

import java.time.Duration;

/**
 * A client that an {@link InterleavedComparison} runs in turns with others: in this JVM,
 * or in a JVM of its own that measures itself.
 */
public interface Contestant {

	/**
	 * Return the name the report uses.
	 * @return the name
	 */
	String name();

	/**
	 * Run a load, unmeasured.
	 * @param operation what each request does
	 * @param concurrency the number of callers
	 * @param duration how long callers start new requests
	 */
	void warmUp(Operation operation, int concurrency, Duration duration);

	/**
	 * Run a load from a settled JVM (garbage collected) and measure what it spent.
	 * @param operation what each request does
	 * @param concurrency the number of callers
	 * @param duration how long callers start new requests
	 * @return what the load achieved and what it spent
	 */
	Round measure(Operation operation, int concurrency, Duration duration);

	/**
	 * One measured run.
	 *
	 * @param result what the load achieved
	 * @param usage what the JVM spent
	 */
	record Round(LoadResult result, ResourceUsage usage) {

	}

}
