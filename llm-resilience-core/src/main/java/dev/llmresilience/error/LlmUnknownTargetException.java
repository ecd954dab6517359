package dev.llmresilience.error;

/**
 * A request named a chain or model that is not configured, or named neither while no
 * default chain is configured.
 */
public class LlmUnknownTargetException extends LlmException {

	/**
	 * Create a new instance.
	 * @param message what was not found and where to configure it
	 */
	public LlmUnknownTargetException(String message) {
		super(message, null, null, null);
	}

}
