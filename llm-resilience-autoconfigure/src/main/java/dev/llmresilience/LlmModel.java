package dev.llmresilience;

import org.springframework.util.Assert;

/**
 * A model as configured under {@code llm.resilience.models}.
 *
 * @param id the id the application uses for it, the key under {@code llm.resilience.models}
 * @param provider the id of the provider that serves it
 * @param name the name the provider knows it by, such as {@code claude-haiku-4-5}
 * @param maxOutputTokens the largest output token limit sent to it; requests asking for more
 * are clamped
 * @param contextWindow the number of tokens it accepts as input and output together, or
 * {@code null} if unknown
 */
public record LlmModel(String id, String provider, String name, int maxOutputTokens, Integer contextWindow) {

	public LlmModel {
		Assert.hasText(id, "id must not be empty");
		Assert.hasText(provider, "provider must not be empty");
		Assert.hasText(name, "name must not be empty");
		Assert.isTrue(maxOutputTokens > 0, "maxOutputTokens must be positive");
	}

	/**
	 * Return the output token limit to send for a request: the request's own, clamped to this
	 * model's maximum, or this model's maximum if the request sets none.
	 * @param request the request
	 * @return the output token limit
	 */
	public int outputTokensFor(LlmRequest request) {
		Integer requested = request.maxTokens();
		return (requested != null) ? Math.min(requested, this.maxOutputTokens) : this.maxOutputTokens;
	}

}
