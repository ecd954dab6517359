package dev.llmresilience.benchmarks.clients;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A client whose cost is measured: it sends the benchmark's prompt ({@link Workload}) to
 * the stub and gives the answer's text.
 */
public interface LlmClientUnderTest {

	/**
	 * Return the name the report uses.
	 * @return the name
	 */
	String name();

	/**
	 * Ask for the whole answer.
	 * @return the answer's text
	 */
	Mono<String> call();

	/**
	 * Ask for the answer as a stream.
	 * @return the text deltas
	 */
	Flux<String> stream();

	/**
	 * Return whether {@link #call()} blocks the subscribing thread until the answer is
	 * there, so that a caller needs a thread of its own per concurrent request.
	 * @return {@code true} for a blocking client
	 */
	default boolean blocksOnCall() {
		return false;
	}

}
