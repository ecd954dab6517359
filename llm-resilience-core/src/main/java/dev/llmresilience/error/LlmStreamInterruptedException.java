package dev.llmresilience.error;

/**
 * A stream failed after some of its text had reached the caller. It is not retried and
 * does not fall back, since that would repeat or contradict text the caller already has;
 * the text delivered so far is kept here.
 */
public class LlmStreamInterruptedException extends LlmException {

	private final String partialText;

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param partialText the text delivered before the failure
	 * @param cause the failure
	 */
	public LlmStreamInterruptedException(String provider, String model, String partialText, Throwable cause) {
		super("The stream of model '" + model + "' failed after " + partialText.length()
				+ " characters had been delivered: " + cause.getClass().getSimpleName(), provider, model, cause);
		this.partialText = partialText;
	}

	/**
	 * Return the text delivered before the failure.
	 * @return the partial text
	 */
	public String getPartialText() {
		return this.partialText;
	}

}
