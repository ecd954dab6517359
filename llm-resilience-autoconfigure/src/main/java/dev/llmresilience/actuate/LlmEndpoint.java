package dev.llmresilience.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import dev.llmresilience.budget.SpendBudget;
import dev.llmresilience.cluster.ClusterStatus;
import dev.llmresilience.overview.LlmOverview;
import dev.llmresilience.queue.QueueSnapshot;
import dev.llmresilience.resilience.ModelExecutor;
import dev.llmresilience.routing.Deployment;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.lang.Nullable;

/**
 * {@code /actuator/llm}: chains, models with their breakers, the queue, rate-limit holds
 * and spend budgets; and, for operators, forcing the breakers of a model, or of one of
 * its deployments, open or closed. The write operation is off unless
 * {@code management.endpoint.llm.access} is {@code unrestricted}.
 */
@Endpoint(id = "llm", defaultAccess = Access.READ_ONLY)
public class LlmEndpoint {

	private final LlmOverview overview;

	/**
	 * Create a new instance.
	 * @param overview the state of models, chains and queue
	 */
	public LlmEndpoint(LlmOverview overview) {
		this.overview = overview;
	}

	/**
	 * Return the state of everything.
	 * @return the descriptor
	 */
	@ReadOperation
	public LlmDescriptor llm() {
		return new LlmDescriptor(this.overview.chains(), this.overview.models(), this.overview.queue(),
				this.overview.rateLimitHolds(), this.overview.cluster(), this.overview.budgets());
	}

	/**
	 * Return the state of one model.
	 * @param model the model id
	 * @return its state, or {@code null} (404) if no such model is configured
	 */
	@ReadOperation
	@Nullable
	public LlmOverview.ModelState model(@Selector String model) {
		return this.overview.model(model);
	}

	/**
	 * Force the breakers of a model's deployments, or of one of them: {@code open} keeps
	 * them open until told otherwise, {@code closed} closes them, {@code reset} closes
	 * them and clears their windows. A model without deployments has one breaker.
	 * @param model the model id
	 * @param state {@code open}, {@code closed} or {@code reset}
	 * @param deployment the name of the one deployment to force, or {@code null} for all
	 * @return the model's new state
	 * @throws InvalidEndpointRequestException (400) if no such model or deployment is
	 * configured or the state is unknown; a write operation that answers {@code null}
	 * gets a 204, as if it had worked
	 */
	@WriteOperation
	public LlmOverview.ModelState breaker(@Selector String model, String state, @Nullable String deployment) {
		ModelExecutor executor = this.overview.executor(model);
		if (executor == null) {
			throw new InvalidEndpointRequestException(
					"No model '" + model + "'; the models are " + this.overview.models().keySet(), "Unknown model");
		}
		List<Deployment> deployments = executor.getDeployments()
			.stream()
			.filter((candidate) -> deployment == null || candidate.name().equals(deployment))
			.toList();
		if (deployments.isEmpty()) {
			throw new InvalidEndpointRequestException("No deployment '" + deployment + "' of model '" + model
					+ "'; its deployments are " + executor.getDeployments().stream().map(Deployment::name).toList(),
					"Unknown deployment");
		}
		Consumer<CircuitBreaker> transition = switch (state.toLowerCase(Locale.ROOT)) {
			case "open" -> CircuitBreaker::transitionToForcedOpenState;
			case "closed" -> CircuitBreaker::transitionToClosedState;
			case "reset" -> CircuitBreaker::reset;
			default -> throw new InvalidEndpointRequestException(
					"Unknown breaker state '" + state + "'; use 'open', 'closed' or 'reset'", "Unknown breaker state");
		};
		deployments.forEach((target) -> transition.accept(target.circuitBreaker()));
		return this.overview.model(model);
	}

	/**
	 * The state of everything.
	 *
	 * @param chains the chains with the model serving each now
	 * @param models the models with their breakers
	 * @param queue the queue, or {@code null} without one
	 * @param rateLimitHolds the providers held for their rate limits, and for how long
	 * @param cluster whether rate limits are shared with other replicas, or {@code null}
	 * when sharing is not enabled
	 * @param budgets the spend budgets by name: each one's spend in its current period,
	 * its limit and when it resets
	 */
	public record LlmDescriptor(Map<String, LlmOverview.ChainState> chains, Map<String, LlmOverview.ModelState> models,
			@Nullable QueueSnapshot queue, Map<String, Duration> rateLimitHolds, @Nullable ClusterStatus cluster,
			Map<String, SpendBudget.Status> budgets) {

	}

}
