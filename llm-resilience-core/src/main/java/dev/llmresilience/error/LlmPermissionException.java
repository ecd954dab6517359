package dev.llmresilience.error;

/**
 * The API key may not use the resource (HTTP 403 {@code permission_error}).
 */
public class LlmPermissionException extends LlmApiException {

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param details what the provider said
	 */
	public LlmPermissionException(String provider, String model, Details details) {
		super(provider, model, details);
	}

}
