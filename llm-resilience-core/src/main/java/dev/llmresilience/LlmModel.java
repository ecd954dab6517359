package dev.llmresilience;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.util.Assert;

/**
 * A model as configured under {@code llm.resilience.models}.
 *
 * @param id the id the application uses for it, the key under
 * {@code llm.resilience.models}
 * @param provider the id of the provider that serves it
 * @param name the name the provider knows it by, such as {@code claude-haiku-4-5}
 * @param maxOutputTokens the largest output token limit sent to it; requests asking for
 * more are clamped
 * @param contextWindow the number of tokens it accepts as input and output together, or
 * {@code null} if unknown
 * @param extraBody fields merged into the wire JSON of every request to this model, over
 * the request's own
 */
public record LlmModel(String id, String provider, String name, int maxOutputTokens, Integer contextWindow,
		Map<String, Object> extraBody) {

	public LlmModel {
		Assert.hasText(id, "id must not be empty");
		Assert.hasText(provider, "provider must not be empty");
		Assert.hasText(name, "name must not be empty");
		Assert.isTrue(maxOutputTokens > 0, "maxOutputTokens must be positive");
		extraBody = Collections.unmodifiableMap(new LinkedHashMap<>(extraBody));
	}

	/**
	 * Create a model that adds no fields to requests.
	 * @param id the model id
	 * @param provider the provider id
	 * @param name the provider's name of the model
	 * @param maxOutputTokens the largest output token limit sent to it
	 * @param contextWindow its context window in tokens, or {@code null} if unknown
	 */
	public LlmModel(String id, String provider, String name, int maxOutputTokens, Integer contextWindow) {
		this(id, provider, name, maxOutputTokens, contextWindow, Map.of());
	}

	/**
	 * Return the output token limit to send for a request: the request's own, clamped to
	 * this model's maximum, or this model's maximum if the request sets none.
	 * @param request the request
	 * @return the output token limit
	 */
	public int outputTokensFor(LlmRequest request) {
		Integer requested = request.maxTokens();
		return (requested != null) ? Math.min(requested, this.maxOutputTokens) : this.maxOutputTokens;
	}

}
