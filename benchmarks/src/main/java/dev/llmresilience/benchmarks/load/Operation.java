package dev.llmresilience.benchmarks.load;

import dev.llmresilience.benchmarks.clients.LlmClientUnderTest;
import org.reactivestreams.Publisher;

/**
 * What one request of a load does with a client.
 */
public enum Operation {

	/** Ask for the whole answer. */
	CALL,

	/** Ask for a streamed answer and read it to its end. */
	STREAM;

	/**
	 * Start one request.
	 * @param client the client
	 * @return the request, to subscribe to
	 */
	public Publisher<?> start(LlmClientUnderTest client) {
		return (this == CALL) ? client.call() : client.stream();
	}

	/**
	 * Return whether a request needs a thread of its own with this client.
	 * @param client the client
	 * @return {@code true} if the request blocks its caller
	 */
	public boolean blocks(LlmClientUnderTest client) {
		return this == CALL && client.blocksOnCall();
	}

	/**
	 * Return the name the report uses.
	 * @return {@code call()} or {@code stream()}
	 */
	public String label() {
		return (this == CALL) ? "call()" : "stream()";
	}

}
