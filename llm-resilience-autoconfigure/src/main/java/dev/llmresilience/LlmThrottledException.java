package dev.llmresilience;

import java.time.Duration;

/**
 * A model was not called because its provider's rate budget (configured, or learnt from the
 * provider's rate-limit headers and 429s) would not allow it within the time the request may
 * still wait. The chain moves on to the next model.
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
		super("Provider '" + provider + "' is rate limited for model '" + model + "' for another " + wait
				+ "; the model was not called", provider, model, null);
		this.wait = wait;
	}

	/**
	 * Return how long the call would have had to wait.
	 * @return the wait
	 */
	public Duration getWait() {
		return this.wait;
	}

}
