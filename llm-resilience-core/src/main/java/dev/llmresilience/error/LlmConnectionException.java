package dev.llmresilience.error;

/**
 * The connection to the provider failed: refused, reset, or closed before the response
 * was complete.
 */
public class LlmConnectionException extends LlmException {

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param cause the network error
	 */
	public LlmConnectionException(String provider, String model, Throwable cause) {
		super("Connection to provider '" + provider + "' failed for model '" + model + "': "
				+ cause.getClass().getSimpleName(), provider, model, cause);
	}

}
