package dev.llmresilience.error;

/**
 * The caller exceeded a rate limit (HTTP 429 {@code rate_limit_error}).
 */
public class LlmRateLimitException extends LlmApiException {

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param details what the provider said
	 */
	public LlmRateLimitException(String provider, String model, Details details) {
		super(provider, model, details);
	}

}
