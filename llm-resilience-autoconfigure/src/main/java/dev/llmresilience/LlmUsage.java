package dev.llmresilience;

/**
 * Tokens a call consumed, as the provider reported them.
 * <p>
 * Input tokens count every token of the prompt, those the provider read from or wrote to its
 * prompt cache included, whatever the provider's own field means: Anthropic's
 * {@code input_tokens} leaves the cached part out, so its {@code cache_creation_input_tokens} and
 * {@code cache_read_input_tokens} are added in; OpenAI's {@code prompt_tokens} already holds its
 * {@code cached_tokens}. The two cache counts are parts of the input tokens, never in addition
 * to them.
 *
 * @param inputTokens tokens of the prompt, cached ones included
 * @param outputTokens tokens the model generated
 * @param cacheCreationInputTokens the part of the input tokens written to the provider's prompt
 * cache (Anthropic's {@code cache_creation_input_tokens}; OpenAI reports none)
 * @param cacheReadInputTokens the part of the input tokens read from the provider's prompt cache
 * (Anthropic's {@code cache_read_input_tokens}, OpenAI's
 * {@code prompt_tokens_details.cached_tokens})
 */
public record LlmUsage(long inputTokens, long outputTokens, long cacheCreationInputTokens,
		long cacheReadInputTokens) {

	/** No usage reported. */
	public static final LlmUsage NONE = new LlmUsage(0, 0);

	/**
	 * Create the usage of a call that involved no prompt cache.
	 * @param inputTokens tokens of the prompt
	 * @param outputTokens tokens the model generated
	 */
	public LlmUsage(long inputTokens, long outputTokens) {
		this(inputTokens, outputTokens, 0, 0);
	}

	/**
	 * Return the sum of input and output tokens: every token of the call, cached input tokens
	 * included (they are part of the input tokens).
	 * @return the total
	 */
	public long totalTokens() {
		return this.inputTokens + this.outputTokens;
	}

}
