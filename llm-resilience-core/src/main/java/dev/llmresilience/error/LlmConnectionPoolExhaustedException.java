package dev.llmresilience.error;

import java.time.Duration;

/**
 * A model was not called because no connection to its provider was free in time: every
 * connection of the provider's pool
 * ({@code llm.resilience.providers.<id>.max-connections}) was busy for as long as a new
 * connection may take to open ({@code connect-timeout}). The limit is this application's,
 * so it does not count against the model's circuit breaker; the chain moves on to the
 * next model.
 */
public class LlmConnectionPoolExhaustedException extends LlmThrottledException {

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param waited how long the call waited for a connection
	 */
	public LlmConnectionPoolExhaustedException(String provider, String model, Duration waited) {
		super("No connection to provider '" + provider + "' was free within " + waited + " for model '" + model
				+ "'; the model was not called", provider, model, waited);
	}

}
