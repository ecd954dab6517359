package dev.llmresilience;

/**
 * Tokens a call consumed, as the provider reported them.
 * <p>
 * Input tokens count every token of the prompt, those the provider read from or wrote to
 * its prompt cache included, whatever the provider's own field means: Anthropic's
 * {@code input_tokens} leaves the cached part out, so its
 * {@code cache_creation_input_tokens} and {@code cache_read_input_tokens} are added in;
 * OpenAI's {@code prompt_tokens} already holds its {@code cached_tokens}. The two cache
 * counts are parts of the input tokens, never in addition to them.
 *
 * @param inputTokens tokens of the prompt, cached ones included
 * @param outputTokens tokens the model generated
 * @param cacheCreationInputTokens the part of the input tokens written to the provider's
 * prompt cache (Anthropic's {@code cache_creation_input_tokens}; OpenAI reports none)
 * @param cacheReadInputTokens the part of the input tokens read from the provider's
 * prompt cache (Anthropic's {@code cache_read_input_tokens}, OpenAI's
 * {@code prompt_tokens_details.cached_tokens})
 */
public record LlmUsage(long inputTokens, long outputTokens, long cacheCreationInputTokens, long cacheReadInputTokens) {

	/** No usage reported. */
	public static final LlmUsage NONE = new LlmUsage(0, 0);

	/**
	 * Counts are never negative: a provider that reports a negative count (a broken
	 * server) is read as having reported none, so that it cannot refill a rate budget.
	 */
	public LlmUsage {
		inputTokens = Math.max(0, inputTokens);
		outputTokens = Math.max(0, outputTokens);
		cacheCreationInputTokens = Math.max(0, cacheCreationInputTokens);
		cacheReadInputTokens = Math.max(0, cacheReadInputTokens);
	}

	/**
	 * Create the usage of a call that involved no prompt cache.
	 * @param inputTokens tokens of the prompt
	 * @param outputTokens tokens the model generated
	 */
	public LlmUsage(long inputTokens, long outputTokens) {
		this(inputTokens, outputTokens, 0, 0);
	}

	/**
	 * Return the sum of input and output tokens: every token of the call, cached input
	 * tokens included (they are part of the input tokens).
	 * @return the total
	 */
	public long totalTokens() {
		return sum(this.inputTokens, this.outputTokens);
	}

	/**
	 * Add token counts, at most {@link Long#MAX_VALUE}: absurd counts from a broken
	 * server must not wrap around to negative ones.
	 * @param counts the counts, none negative
	 * @return the sum
	 */
	public static long sum(long... counts) {
		long sum = 0;
		for (long count : counts) {
			sum = (count > Long.MAX_VALUE - sum) ? Long.MAX_VALUE : sum + count;
		}
		return sum;
	}

}
