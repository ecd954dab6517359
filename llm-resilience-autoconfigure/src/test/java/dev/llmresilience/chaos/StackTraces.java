package dev.llmresilience.chaos;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Prints exceptions whole, causes and suppressed exceptions included, for reports and for
 * checking that no secret is in them.
 */
final class StackTraces {

	private StackTraces() {
	}

	static String of(Throwable error) {
		StringWriter trace = new StringWriter();
		error.printStackTrace(new PrintWriter(trace));
		return trace.toString();
	}

}
