package dev.llmresilience.actuate;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import dev.llmresilience.cluster.ClusterStatus;
import dev.llmresilience.overview.LlmOverview;
import dev.llmresilience.queue.QueueSnapshot;
import dev.llmresilience.resilience.ModelExecutor;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.lang.Nullable;

/**
 * {@code /actuator/llm}: chains, models with their breakers, the queue and rate-limit
 * holds; and, for operators, forcing a model's breaker open or closed. The write
 * operation is off unless {@code management.endpoint.llm.access} is {@code unrestricted}.
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
				this.overview.rateLimitHolds(), this.overview.cluster());
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
	 * Force a model's breaker: {@code open} keeps it open until told otherwise,
	 * {@code closed} closes it, {@code reset} closes it and clears its window.
	 * @param model the model id
	 * @param state {@code open}, {@code closed} or {@code reset}
	 * @return the model's new state
	 * @throws InvalidEndpointRequestException (400) if no such model is configured or the
	 * state is unknown; a write operation that answers {@code null} gets a 204, as if it
	 * had worked
	 */
	@WriteOperation
	public LlmOverview.ModelState breaker(@Selector String model, String state) {
		ModelExecutor executor = this.overview.executor(model);
		if (executor == null) {
			throw new InvalidEndpointRequestException(
					"No model '" + model + "'; the models are " + this.overview.models().keySet(), "Unknown model");
		}
		CircuitBreaker breaker = executor.getCircuitBreaker();
		switch (state.toLowerCase(Locale.ROOT)) {
			case "open" -> breaker.transitionToForcedOpenState();
			case "closed" -> breaker.transitionToClosedState();
			case "reset" -> breaker.reset();
			default -> throw new InvalidEndpointRequestException(
					"Unknown breaker state '" + state + "'; use 'open', 'closed' or 'reset'", "Unknown breaker state");
		}
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
	 */
	public record LlmDescriptor(Map<String, LlmOverview.ChainState> chains, Map<String, LlmOverview.ModelState> models,
			@Nullable QueueSnapshot queue, Map<String, Duration> rateLimitHolds, @Nullable ClusterStatus cluster) {

	}

}
