package dev.llmresilience.resilience;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.llmresilience.LlmDeployment;
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

	private final Map<String, List<LlmDeployment>> deployments;

	/**
	 * Create a catalog of models configured without deployments. Every reference must
	 * resolve: each model's provider and each chain's models must exist, chains must not
	 * be empty, and the default chain, if given, must exist.
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
		this(providers, models, chains, defaultChain, Map.of());
	}

	/**
	 * Create a catalog. Every reference must resolve: each model's provider, each
	 * deployment's provider and each chain's models must exist, chains must not be empty,
	 * and the default chain, if given, must exist. The deployments of a model have
	 * distinct names and providers of one wire format.
	 * @param providers the providers by id
	 * @param models the models by id
	 * @param chains the chains by name, each a list of model ids in the order they are
	 * tried
	 * @param defaultChain the name of the chain for requests that name none, or
	 * {@code null}
	 * @param deployments the deployments of the models configured with them, by model id
	 * @throws IllegalArgumentException if a reference does not resolve
	 */
	public ModelCatalog(Map<String, LlmProvider> providers, Map<String, LlmModel> models,
			Map<String, List<String>> chains, @Nullable String defaultChain,
			Map<String, List<LlmDeployment>> deployments) {
		this.providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers));
		this.models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
		this.models.values()
			.forEach((model) -> Assert.isTrue(this.providers.containsKey(model.provider()),
					() -> "Model '" + model.id() + "' names unknown provider '" + model.provider() + "'"));
		Map<String, List<LlmDeployment>> resolvedDeployments = new LinkedHashMap<>();
		deployments.forEach((id, list) -> {
			LlmModel model = this.models.get(id);
			Assert.notNull(model, () -> "Deployments are configured for unknown model '" + id + "'");
			if (!list.isEmpty()) {
				resolvedDeployments.put(id, checked(model, list));
			}
		});
		this.deployments = Collections.unmodifiableMap(resolvedDeployments);
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

	private List<LlmDeployment> checked(LlmModel model, List<LlmDeployment> deployments) {
		String type = null;
		Set<String> names = new HashSet<>();
		for (LlmDeployment deployment : deployments) {
			LlmProvider provider = this.providers.get(deployment.provider());
			Assert.notNull(provider, () -> "Deployment '" + deployment.name() + "' of model '" + model.id()
					+ "' names unknown provider '" + deployment.provider() + "'");
			Assert.isTrue(names.add(deployment.name()),
					() -> "Model '" + model.id() + "' has two deployments named '" + deployment.name() + "'");
			String deploymentType = provider.type();
			Assert.isTrue(type == null || type.equals(deploymentType), () -> "The deployments of model '" + model.id()
					+ "' must speak one wire format, but '" + deployment.name() + "' is " + deploymentType);
			type = deploymentType;
		}
		return List.copyOf(deployments);
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
	 * Return the name of the chain that serves a request whose models
	 * {@link #modelsFor(LlmRequest)} found: its own, or the default chain.
	 * @param request the request
	 * @return the chain's name, or {@code null} for a request that names a single model
	 */
	@Nullable
	public String chainNameFor(LlmRequest request) {
		if (request.model() != null) {
			return null;
		}
		return (request.chain() != null) ? request.chain() : this.defaultChain;
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
	 * Return the deployments that serve a model: those configured for it, or the one on
	 * its own provider.
	 * @param model a model of this catalog
	 * @return the deployments, in configuration order
	 */
	public List<LlmDeployment> deploymentsOf(LlmModel model) {
		List<LlmDeployment> configured = this.deployments.get(model.id());
		return (configured != null) ? configured : List.of(LlmDeployment.of(model));
	}

	/**
	 * Return whether a model is configured with deployments of its own.
	 * @param model a model of this catalog
	 * @return whether it has configured deployments
	 */
	public boolean hasDeployments(LlmModel model) {
		return this.deployments.containsKey(model.id());
	}

	/**
	 * Return the provider with the given id.
	 * @param id the provider id
	 * @return the provider
	 */
	public LlmProvider provider(String id) {
		LlmProvider provider = this.providers.get(id);
		Assert.state(provider != null, () -> "No provider '" + id + "'");
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
