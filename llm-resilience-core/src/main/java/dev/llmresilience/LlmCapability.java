package dev.llmresilience;

/**
 * What a model can take beyond text, as configured for it under
 * {@code llm.resilience.models.<id>.capabilities}. A model whose capabilities are not
 * configured is assumed to take everything, and its provider decides; a model whose
 * capabilities are configured is skipped for a request that needs one it lacks.
 */
public enum LlmCapability {

	/** Tool definitions, tool calls and tool results. */
	TOOLS,

	/** Images. */
	VISION,

	/** PDF documents. */
	PDF,

	/**
	 * The provider's native structured output (Anthropic {@code output_config.format},
	 * OpenAI {@code response_format} json_schema).
	 */
	STRUCTURED_OUTPUT,

	/** Reasoning before the answer (Anthropic thinking, OpenAI reasoning effort). */
	REASONING

}
