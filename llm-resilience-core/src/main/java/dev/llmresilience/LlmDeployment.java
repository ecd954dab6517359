package dev.llmresilience;

import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * One endpoint that serves a model, as configured under
 * {@code llm.resilience.models.<id>.deployments}: another API key or organisation, a
 * region, a replica. Each deployment has its own provider (base URL, key, headers and
 * connection pool), circuit breaker, rate budgets and holds; a model without deployments
 * is served by one, on the model's own provider.
 *
 * @param name the deployment's name, unique within its model
 * @param provider the id of the provider that serves it
 * @param modelName the name the provider knows the model by there, such as an Azure
 * deployment name
 * @param weight its share of the traffic under weighted routing, relative to the other
 * deployments of the model
 * @param prices what the model's tokens cost on this deployment, or {@code null} for the
 * model's prices
 */
public record LlmDeployment(String name, String provider, String modelName, int weight, @Nullable LlmPrices prices) {

	public LlmDeployment {
		Assert.hasText(name, "name must not be empty");
		Assert.hasText(provider, "provider must not be empty");
		Assert.hasText(modelName, "modelName must not be empty");
		Assert.isTrue(weight >= 0, "weight must not be negative");
	}

	/**
	 * Create a deployment priced as its model.
	 * @param name the deployment's name, unique within its model
	 * @param provider the id of the provider that serves it
	 * @param modelName the name the provider knows the model by there
	 * @param weight its share of the traffic under weighted routing
	 */
	public LlmDeployment(String name, String provider, String modelName, int weight) {
		this(name, provider, modelName, weight, null);
	}

	/**
	 * Return the one deployment of a model configured without deployments: its own
	 * provider and name, named after the provider.
	 * @param model the model
	 * @return the deployment
	 */
	public static LlmDeployment of(LlmModel model) {
		return new LlmDeployment(model.provider(), model.provider(), model.name(), 1);
	}

	/**
	 * Return the model as this deployment serves it: the model's id and settings, with
	 * this deployment's provider, model name and prices, if it has prices of its own.
	 * @param model the model
	 * @return the model to send to this deployment's provider
	 */
	public LlmModel serve(LlmModel model) {
		LlmPrices prices = (this.prices != null) ? this.prices : model.prices();
		if (model.provider().equals(this.provider) && model.name().equals(this.modelName) && prices == model.prices()) {
			return model;
		}
		return new LlmModel(model.id(), this.provider, this.modelName, model.maxOutputTokens(), model.contextWindow(),
				model.extraBody(), model.capabilities(), prices);
	}

}
