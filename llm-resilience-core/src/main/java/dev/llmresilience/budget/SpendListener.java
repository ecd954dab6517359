package dev.llmresilience.budget;

import java.util.Map;

import dev.llmresilience.LlmCost;
import dev.llmresilience.LlmModel;

import org.springframework.lang.Nullable;

/**
 * Told of what every attempt of a request was billed, such as to count spend in metrics,
 * and of every call that would pass a spend budget. Attempts the provider does not bill
 * ({@link LlmCost#NONE}) are not told. Called on the attempt's thread, often an event
 * loop: a listener must be quick and must not block.
 */
@FunctionalInterface
public interface SpendListener {

	/**
	 * An attempt was billed.
	 * @param spend what, for whom, and how much
	 */
	void spent(Spend spend);

	/**
	 * A call would pass a spend budget: it was refused, its model skipped, or, for a
	 * budget that only warns, it went on.
	 * @param budget the budget
	 * @param model the model of the call
	 */
	default void passed(SpendBudget budget, LlmModel model) {
	}

	/**
	 * What one attempt was billed.
	 *
	 * @param model the model as the attempt's deployment serves it: its id, and the
	 * deployment's provider id and model name
	 * @param providerType the wire format of the provider, such as {@code anthropic}
	 * @param deployment the deployment's name, or {@code null} for a model configured
	 * without deployments
	 * @param chain the name of the chain that served the request, or {@code null} for a
	 * request that named a single model
	 * @param tags the request's tags
	 * @param cost what the attempt cost; {@link LlmCost#UNKNOWN} for a model without
	 * prices
	 */
	record Spend(LlmModel model, String providerType, @Nullable String deployment, @Nullable String chain,
			Map<String, String> tags, LlmCost cost) {

	}

}
