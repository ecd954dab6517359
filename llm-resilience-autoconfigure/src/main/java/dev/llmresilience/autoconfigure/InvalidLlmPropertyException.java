package dev.llmresilience.autoconfigure;

/**
 * A {@code llm.resilience.*} property has a value the application cannot start with.
 * {@link InvalidLlmPropertyFailureAnalyzer} turns it into a start-up report naming the
 * property and the fix.
 */
public class InvalidLlmPropertyException extends RuntimeException {

	private final String property;

	private final String action;

	/**
	 * Create a new instance.
	 * @param property the full name of the property, such as
	 * {@code llm.resilience.models.haiku.provider}
	 * @param problem what is wrong with its value; must not quote secrets
	 * @param action how to fix it
	 */
	public InvalidLlmPropertyException(String property, String problem, String action) {
		super("Invalid property '" + property + "': " + problem);
		this.property = property;
		this.action = action;
	}

	/**
	 * Return the full name of the property.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Return how to fix the value.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
