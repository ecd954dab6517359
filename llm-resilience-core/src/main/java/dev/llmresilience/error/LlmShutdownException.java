package dev.llmresilience.error;

/**
 * The application is shutting down: the request was refused, ended while it waited in the
 * queue, or cut off after the shutdown grace period.
 */
public class LlmShutdownException extends LlmException {

	/**
	 * Create a new instance.
	 * @param message what happened to the request
	 */
	public LlmShutdownException(String message) {
		super(message, null, null, null);
	}

}
