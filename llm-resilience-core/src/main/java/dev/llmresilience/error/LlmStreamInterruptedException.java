package dev.llmresilience.error;

import dev.llmresilience.LlmCost;

/**
 * A stream failed after some of its text had reached the caller. It is not retried and
 * does not fall back, since that would repeat or contradict text the caller already has;
 * the text delivered so far is kept here, with what the request was billed.
 */
public class LlmStreamInterruptedException extends LlmException {

	private final String partialText;

	private final LlmCost cost;

	/**
	 * Create a new instance whose cost is not known.
	 * @param provider the provider id
	 * @param model the model id
	 * @param partialText the text delivered before the failure
	 * @param cause the failure
	 */
	public LlmStreamInterruptedException(String provider, String model, String partialText, Throwable cause) {
		this(provider, model, partialText, cause, LlmCost.UNKNOWN);
	}

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param partialText the text delivered before the failure
	 * @param cause the failure
	 * @param cost what the request was billed, the broken stream's estimate included
	 */
	public LlmStreamInterruptedException(String provider, String model, String partialText, Throwable cause,
			LlmCost cost) {
		super("The stream of model '" + model + "' failed after " + partialText.length()
				+ " characters had been delivered: " + cause.getClass().getSimpleName(), provider, model, cause);
		this.partialText = partialText;
		this.cost = cost;
	}

	/**
	 * Return the text delivered before the failure.
	 * @return the partial text
	 */
	public String getPartialText() {
		return this.partialText;
	}

	/**
	 * Return what the request was billed: its attempts before the stream, and an estimate
	 * of what the broken stream generated, since its usage never came.
	 * @return the cost, {@link LlmCost#UNKNOWN} for a model without prices
	 */
	public LlmCost getCost() {
		return this.cost;
	}

}
