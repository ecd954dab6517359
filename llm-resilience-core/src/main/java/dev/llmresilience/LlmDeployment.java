package dev.llmresilience;

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
 */
public record LlmDeployment(String name, String provider, String modelName, int weight) {

	public LlmDeployment {
		Assert.hasText(name, "name must not be empty");
		Assert.hasText(provider, "provider must not be empty");
		Assert.hasText(modelName, "modelName must not be empty");
		Assert.isTrue(weight >= 0, "weight must not be negative");
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
	 * this deployment's provider and model name.
	 * @param model the model
	 * @return the model to send to this deployment's provider
	 */
	public LlmModel serve(LlmModel model) {
		if (model.provider().equals(this.provider) && model.name().equals(this.modelName)) {
			return model;
		}
		return new LlmModel(model.id(), this.provider, this.modelName, model.maxOutputTokens(), model.contextWindow(),
				model.extraBody(), model.capabilities());
	}

}
