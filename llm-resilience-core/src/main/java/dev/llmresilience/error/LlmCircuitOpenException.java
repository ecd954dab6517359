package dev.llmresilience.error;

/**
 * A model was not called because its circuit breaker does not permit calls: it is open
 * after too many failures, or half-open with all its probe calls in flight.
 */
public class LlmCircuitOpenException extends LlmException {

	private final String state;

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param state the breaker's state, such as {@code OPEN}
	 */
	public LlmCircuitOpenException(String provider, String model, String state) {
		super("The circuit breaker of model '" + model + "' is " + state + "; the model was not called", provider,
				model, null);
		this.state = state;
	}

	/**
	 * Return the breaker's state when the call was refused.
	 * @return the state, such as {@code OPEN} or {@code HALF_OPEN}
	 */
	public String getState() {
		return this.state;
	}

}
