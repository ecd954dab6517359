package dev.llmresilience.error;

/**
 * The model or endpoint does not exist for this key (HTTP 404 {@code not_found_error}).
 */
public class LlmModelNotFoundException extends LlmApiException {

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param details what the provider said
	 */
	public LlmModelNotFoundException(String provider, String model, Details details) {
		super(provider, model, details);
	}

}
