package dev.llmresilience.error;

import dev.llmresilience.LlmTemplate;

/**
 * Base of every error that {@link LlmTemplate} signals. Messages name the provider and
 * model ids but never carry an API key or prompt text.
 */
public abstract class LlmException extends RuntimeException {

	private final String provider;

	private final String model;

	/**
	 * Create a new instance.
	 * @param message the detail message
	 * @param provider the provider id, or {@code null} if no provider was reached
	 * @param model the model id, or {@code null} if no model was chosen
	 * @param cause the cause, or {@code null}
	 */
	protected LlmException(String message, String provider, String model, Throwable cause) {
		super(message, cause);
		this.provider = provider;
		this.model = model;
	}

	/**
	 * Return the id of the provider involved, as configured under
	 * {@code llm.resilience.providers}.
	 * @return the provider id, or {@code null}
	 */
	public String getProvider() {
		return this.provider;
	}

	/**
	 * Return the id of the model involved, as configured under
	 * {@code llm.resilience.models}.
	 * @return the model id, or {@code null}
	 */
	public String getModel() {
		return this.model;
	}

}
