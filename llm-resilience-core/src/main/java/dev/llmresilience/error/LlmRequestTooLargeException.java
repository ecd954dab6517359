package dev.llmresilience.error;

/**
 * The request is larger than the model accepts: HTTP 413 {@code request_too_large}, or a
 * prompt longer than the context window. A model with a larger window may take it.
 */
public class LlmRequestTooLargeException extends LlmInvalidRequestException {

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param details what the provider said
	 */
	public LlmRequestTooLargeException(String provider, String model, Details details) {
		super(provider, model, details);
	}

}
