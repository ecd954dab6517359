package dev.llmresilience.error;

/**
 * The provider's response could not be read as an answer: a body that is not JSON, a
 * required field missing, a cut-off body, or a stream that ended without its terminal
 * event.
 */
public class LlmInvalidResponseException extends LlmException {

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param problem what was wrong, without response content
	 * @param cause the parse error, or {@code null}
	 */
	public LlmInvalidResponseException(String provider, String model, String problem, Throwable cause) {
		super("Invalid response from provider '" + provider + "' for model '" + model + "': " + problem, provider,
				model, cause);
	}

}
