package dev.llmresilience;

/**
 * Tokens a call consumed, as the provider reported them.
 *
 * @param inputTokens tokens of the prompt
 * @param outputTokens tokens the model generated
 */
public record LlmUsage(long inputTokens, long outputTokens) {

	/** No usage reported. */
	public static final LlmUsage NONE = new LlmUsage(0, 0);

	/**
	 * Return the sum of input and output tokens.
	 * @return the total
	 */
	public long totalTokens() {
		return this.inputTokens + this.outputTokens;
	}

}
