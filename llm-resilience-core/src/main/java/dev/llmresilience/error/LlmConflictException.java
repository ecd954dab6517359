package dev.llmresilience.error;

/**
 * The provider reported a conflicting concurrent operation (HTTP 409); transient.
 */
public class LlmConflictException extends LlmApiException {

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param details what the provider said
	 */
	public LlmConflictException(String provider, String model, Details details) {
		super(provider, model, details);
	}

}
