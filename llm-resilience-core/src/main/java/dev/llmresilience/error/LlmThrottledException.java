package dev.llmresilience.error;

import java.time.Duration;

/**
 * A model was not called because a limit of this application would not allow it within
 * the time the request may still wait: its provider's rate budget (configured, or learnt
 * from the provider's rate-limit headers and 429s), or its connection pool. It does not
 * count against the model's circuit breaker, and the chain moves on to the next model.
 */
public class LlmThrottledException extends LlmException {

	private final Duration wait;

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param wait how long the call would have had to wait
	 */
	public LlmThrottledException(String provider, String model, Duration wait) {
		this("Provider '" + provider + "' is rate limited for model '" + model + "' for another " + wait
				+ "; the model was not called", provider, model, wait);
	}

	/**
	 * Create a new instance with a message of its own.
	 * @param message the message
	 * @param provider the provider id
	 * @param model the model id
	 * @param wait how long the call waited, or would have had to wait
	 */
	protected LlmThrottledException(String message, String provider, String model, Duration wait) {
		super(message, provider, model, null);
		this.wait = wait;
	}

	/**
	 * Return how long the call waited, or would have had to wait.
	 * @return the wait
	 */
	public Duration getWait() {
		return this.wait;
	}

}
