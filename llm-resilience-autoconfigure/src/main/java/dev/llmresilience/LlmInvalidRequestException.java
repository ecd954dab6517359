package dev.llmresilience;

/**
 * The request was malformed or not acceptable to the model (HTTP 400 {@code invalid_request_error}, 422). Retrying or another model will not help.
 */
public class LlmInvalidRequestException extends LlmApiException {

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param details what the provider said
	 */
	public LlmInvalidRequestException(String provider, String model, Details details) {
		super(provider, model, details);
	}

}
