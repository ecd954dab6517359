package dev.llmresilience;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.springframework.lang.Nullable;
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
 * @param capabilities what it can take beyond text, or {@code null} if that is not known:
 * then it gets every request and its provider decides
 * @param prices what its tokens cost, or {@code null} if that is not known: then its
 * calls cost {@link LlmCost#UNKNOWN}
 */
public record LlmModel(String id, String provider, String name, int maxOutputTokens, @Nullable Integer contextWindow,
		Map<String, Object> extraBody, @Nullable Set<LlmCapability> capabilities, @Nullable LlmPrices prices) {

	public LlmModel {
		Assert.hasText(id, "id must not be empty");
		Assert.hasText(provider, "provider must not be empty");
		Assert.hasText(name, "name must not be empty");
		Assert.isTrue(maxOutputTokens > 0, "maxOutputTokens must be positive");
		extraBody = Collections.unmodifiableMap(new LinkedHashMap<>(extraBody));
		if (capabilities != null) {
			EnumSet<LlmCapability> copy = EnumSet.noneOf(LlmCapability.class);
			copy.addAll(capabilities);
			capabilities = Collections.unmodifiableSet(copy);
		}
	}

	/**
	 * Create a model whose prices are not known.
	 * @param id the model id
	 * @param provider the provider id
	 * @param name the provider's name of the model
	 * @param maxOutputTokens the largest output token limit sent to it
	 * @param contextWindow its context window in tokens, or {@code null} if unknown
	 * @param extraBody fields merged into the wire JSON of every request to it
	 * @param capabilities what it can take beyond text, or {@code null} if that is not
	 * known
	 */
	public LlmModel(String id, String provider, String name, int maxOutputTokens, @Nullable Integer contextWindow,
			Map<String, Object> extraBody, @Nullable Set<LlmCapability> capabilities) {
		this(id, provider, name, maxOutputTokens, contextWindow, extraBody, capabilities, null);
	}

	/**
	 * Create a model whose capabilities are not known.
	 * @param id the model id
	 * @param provider the provider id
	 * @param name the provider's name of the model
	 * @param maxOutputTokens the largest output token limit sent to it
	 * @param contextWindow its context window in tokens, or {@code null} if unknown
	 * @param extraBody fields merged into the wire JSON of every request to it
	 */
	public LlmModel(String id, String provider, String name, int maxOutputTokens, @Nullable Integer contextWindow,
			Map<String, Object> extraBody) {
		this(id, provider, name, maxOutputTokens, contextWindow, extraBody, null, null);
	}

	/**
	 * Create a model that adds no fields to requests.
	 * @param id the model id
	 * @param provider the provider id
	 * @param name the provider's name of the model
	 * @param maxOutputTokens the largest output token limit sent to it
	 * @param contextWindow its context window in tokens, or {@code null} if unknown
	 */
	public LlmModel(String id, String provider, String name, int maxOutputTokens, @Nullable Integer contextWindow) {
		this(id, provider, name, maxOutputTokens, contextWindow, Map.of(), null, null);
	}

	/**
	 * Return this model with prices.
	 * @param prices what its tokens cost, or {@code null} if that is not known
	 * @return the model
	 */
	public LlmModel withPrices(@Nullable LlmPrices prices) {
		return new LlmModel(this.id, this.provider, this.name, this.maxOutputTokens, this.contextWindow, this.extraBody,
				this.capabilities, prices);
	}

	/**
	 * Return whether this model can take what a capability stands for: it is configured
	 * with it, or its capabilities are not configured at all.
	 * @param capability the capability
	 * @return whether the model may be sent requests that need it
	 */
	public boolean supports(LlmCapability capability) {
		return this.capabilities == null || this.capabilities.contains(capability);
	}

	/**
	 * Return whether this model is configured with a capability, as opposed to its
	 * capabilities not being known.
	 * @param capability the capability
	 * @return whether the capability is declared
	 */
	public boolean declares(LlmCapability capability) {
		return this.capabilities != null && this.capabilities.contains(capability);
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
