package dev.llmresilience.error;

/**
 * The provider is overloaded as a whole (HTTP 529 {@code overloaded_error}).
 */
public class LlmOverloadedException extends LlmApiException {

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param details what the provider said
	 */
	public LlmOverloadedException(String provider, String model, Details details) {
		super(provider, model, details);
	}

}
