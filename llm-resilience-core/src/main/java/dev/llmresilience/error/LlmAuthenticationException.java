package dev.llmresilience.error;

/**
 * The API key is missing, wrong or revoked (HTTP 401 {@code authentication_error}).
 */
public class LlmAuthenticationException extends LlmApiException {

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param details what the provider said
	 */
	public LlmAuthenticationException(String provider, String model, Details details) {
		super(provider, model, details);
	}

}
