package dev.llmresilience.error;

import dev.llmresilience.RateLimitStatus;

/**
 * The request was malformed or not acceptable to the model (HTTP 400
 * {@code invalid_request_error}, 422). Retrying or another model will not help.
 * <p>
 * It is also raised before anything is sent, with the status code 0, for a request that
 * cannot be written as JSON: an {@code extraBody} value (of the request or of the model)
 * that the mapper cannot serialize.
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

	/**
	 * Create an instance for a request refused on this side, before it was sent: no
	 * provider saw it, so it has the status code 0 and no type, message or request id of
	 * a provider.
	 * @param provider the provider id
	 * @param model the model id
	 * @param problem what is wrong with the request, without any of its content
	 */
	public LlmInvalidRequestException(String provider, String model, String problem) {
		super("Invalid request for model '" + model + "' of provider '" + provider + "', not sent: " + problem,
				provider, model, new Details(0, null, null, null, null, null, null, RateLimitStatus.NONE));
	}

}
