package dev.llmresilience.resilience;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.error.LlmUnknownTargetException;
import dev.llmresilience.provider.LlmProvider;

import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * The configured providers, models and chains, and the rules that pick the models for a
 * request: its chain, its single model, or the default chain.
 */
public final class ModelCatalog {

	private final Map<String, LlmProvider> providers;

	private final Map<String, LlmModel> models;

	private final Map<String, List<LlmModel>> chains;

	private final String defaultChain;

	/**
	 * Create a catalog. Every reference must resolve: each model's provider and each
	 * chain's models must exist, chains must not be empty, and the default chain, if
	 * given, must exist.
	 * @param providers the providers by id
	 * @param models the models by id
	 * @param chains the chains by name, each a list of model ids in the order they are
	 * tried
	 * @param defaultChain the name of the chain for requests that name none, or
	 * {@code null}
	 * @throws IllegalArgumentException if a reference does not resolve
	 */
	public ModelCatalog(Map<String, LlmProvider> providers, Map<String, LlmModel> models,
			Map<String, List<String>> chains, @Nullable String defaultChain) {
		this.providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers));
		this.models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
		this.models.values()
			.forEach((model) -> Assert.isTrue(this.providers.containsKey(model.provider()),
					() -> "Model '" + model.id() + "' names unknown provider '" + model.provider() + "'"));
		Map<String, List<LlmModel>> resolved = new LinkedHashMap<>();
		chains.forEach((name, ids) -> {
			Assert.notEmpty(ids, () -> "Chain '" + name + "' is empty");
			List<LlmModel> chain = new ArrayList<>();
			for (String id : ids) {
				LlmModel model = this.models.get(id);
				Assert.notNull(model, () -> "Chain '" + name + "' names unknown model '" + id + "'");
				chain.add(model);
			}
			resolved.put(name, List.copyOf(chain));
		});
		this.chains = Collections.unmodifiableMap(resolved);
		Assert.isTrue(defaultChain == null || this.chains.containsKey(defaultChain),
				() -> "Default chain '" + defaultChain + "' is not configured");
		this.defaultChain = defaultChain;
	}

	/**
	 * Return the chain that serves requests naming no chain or model: the one named, or
	 * else the chain named {@code default}, or else the only chain, if there is exactly
	 * one.
	 * @param name the chain named as the default, or {@code null}
	 * @param chains the names of the chains
	 * @return the default chain, or {@code null} if there is none
	 */
	@Nullable
	public static String defaultChain(@Nullable String name, Collection<String> chains) {
		if (name != null) {
			return name;
		}
		if (chains.contains("default")) {
			return "default";
		}
		return (chains.size() == 1) ? chains.iterator().next() : null;
	}

	/**
	 * Return the models that may serve a request, in the order they are tried: those of
	 * its chain, its single model, or those of the default chain.
	 * @param request the request
	 * @return the models, never empty
	 * @throws LlmUnknownTargetException if the request names an unknown chain or model,
	 * or names neither while no default chain is configured
	 */
	public List<LlmModel> modelsFor(LlmRequest request) {
		if (request.model() != null) {
			LlmModel model = this.models.get(request.model());
			if (model == null) {
				throw new LlmUnknownTargetException("No model '" + request.model()
						+ "' is configured; add it under llm.resilience.models or name one of " + this.models.keySet());
			}
			return List.of(model);
		}
		String name = (request.chain() != null) ? request.chain() : this.defaultChain;
		if (name == null) {
			throw new LlmUnknownTargetException("The request names no chain or model and no default chain is"
					+ " configured; set llm.resilience.default-chain or name one of " + this.chains.keySet());
		}
		List<LlmModel> chain = this.chains.get(name);
		if (chain == null) {
			throw new LlmUnknownTargetException("No chain '" + name
					+ "' is configured; add it under llm.resilience.chains or name one of " + this.chains.keySet());
		}
		return chain;
	}

	/**
	 * Return the provider that serves a model.
	 * @param model a model of this catalog
	 * @return its provider
	 */
	public LlmProvider providerOf(LlmModel model) {
		LlmProvider provider = this.providers.get(model.provider());
		Assert.state(provider != null, () -> "No provider '" + model.provider() + "'");
		return provider;
	}

	/**
	 * Return the models by id, in configuration order.
	 * @return the models
	 */
	public Map<String, LlmModel> getModels() {
		return this.models;
	}

	/**
	 * Return the chains by name, in configuration order.
	 * @return the chains
	 */
	public Map<String, List<LlmModel>> getChains() {
		return this.chains;
	}

	/**
	 * Return the name of the chain for requests that name none.
	 * @return the default chain, or {@code null}
	 */
	@Nullable
	public String getDefaultChain() {
		return this.defaultChain;
	}

}
