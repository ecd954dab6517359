package dev.llmresilience.error;

/**
 * The account's credit, quota or spend limit is used up (HTTP 402 {@code billing_error},
 * {@code insufficient_quota}). Waiting does not help.
 */
public class LlmQuotaExceededException extends LlmApiException {

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param details what the provider said
	 */
	public LlmQuotaExceededException(String provider, String model, Details details) {
		super(provider, model, details);
	}

}
