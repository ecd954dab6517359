package dev.llmresilience.error;

import java.util.List;
import java.util.stream.Collectors;

import dev.llmresilience.LlmAttempt;

/**
 * No model of the chain could answer: each failed, ran out of retries, or was skipped.
 * The cause is the error of the first model tried (the primary), and
 * {@link #getAttempts()} lists every attempt in order.
 */
public class LlmAllModelsFailedException extends LlmException {

	private final List<LlmAttempt> attempts;

	/**
	 * Create a new instance.
	 * @param attempts every attempt, in order
	 * @param primaryError the error of the first model tried, or {@code null} if none was
	 * called
	 */
	public LlmAllModelsFailedException(List<LlmAttempt> attempts, Throwable primaryError) {
		super(((primaryError != null) ? "Every model failed: " : "No model could take the request: ")
				+ describe(attempts)
				+ ((primaryError != null) ? "; the first one with: " + primaryError.getMessage() : ""), null, null,
				primaryError);
		this.attempts = List.copyOf(attempts);
	}

	private static String describe(List<LlmAttempt> attempts) {
		return attempts.stream()
			.map((attempt) -> attempt.model() + " " + attempt.outcome() + " "
					+ ((attempt.errorType() != null) ? attempt.errorType() : ""))
			.map(String::trim)
			.collect(Collectors.joining(", ", "[", "]"));
	}

	/**
	 * Return every attempt made, in order.
	 * @return the attempts
	 */
	public List<LlmAttempt> getAttempts() {
		return this.attempts;
	}

}
