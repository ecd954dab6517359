package dev.llmresilience.error;

/**
 * The provider failed internally (HTTP 5xx, {@code api_error}, {@code timeout_error}).
 */
public class LlmServerException extends LlmApiException {

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param details what the provider said
	 */
	public LlmServerException(String provider, String model, Details details) {
		super(provider, model, details);
	}

}
