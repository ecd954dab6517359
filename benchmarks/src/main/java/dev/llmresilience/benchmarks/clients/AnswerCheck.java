package dev.llmresilience.benchmarks.clients;

import java.time.Duration;
import java.util.stream.Collectors;

import dev.llmresilience.benchmarks.load.Operation;
import dev.llmresilience.benchmarks.stub.CannedText;

/**
 * Checks, before a client is measured, that it reads the stub's whole answer, so that no
 * figure comes from a client that fails fast.
 */
public final class AnswerCheck {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private AnswerCheck() {
	}

	/**
	 * Send one request of each operation and compare the texts with the stub's.
	 * @param client the client
	 * @param chunks the chunks the stub answers with
	 * @return {@code null} if the client read every answer, else what went wrong first
	 */
	public static Throwable problemOfAny(LlmClientUnderTest client, int chunks) {
		for (Operation operation : Operation.values()) {
			Throwable problem = problemOf(client, operation, chunks);
			if (problem != null) {
				return problem;
			}
		}
		return null;
	}

	/**
	 * Send one request and compare the text with the stub's.
	 * @param client the client
	 * @param operation the kind of request
	 * @param chunks the chunks the stub answers with
	 * @return {@code null} if the client read the answer, else what went wrong
	 */
	public static Throwable problemOf(LlmClientUnderTest client, Operation operation, int chunks) {
		try {
			String text = (operation == Operation.CALL) ? client.call().block(TIMEOUT)
					: client.stream().collect(Collectors.joining()).block(TIMEOUT);
			String expected = CannedText.whole(chunks);
			return expected.equals(text) ? null
					: new IllegalStateException(client.name() + " read '" + text + "' instead of the stub's answer");
		}
		catch (RuntimeException ex) {
			return ex;
		}
	}

}
