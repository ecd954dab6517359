package dev.llmresilience.actuate;

import java.util.Collection;

import dev.llmresilience.overview.LlmOverview;
import reactor.core.publisher.Mono;

import org.springframework.boot.actuate.health.AbstractReactiveHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * Health of the configured models: {@code UP} when every chain can be served by its first
 * model, {@link #DEGRADED} when some chain is served by a fallback, {@code DOWN} when
 * some chain has no model whose circuit breaker lets calls through (or {@code DEGRADED},
 * if the indicator may not fail). Details give each model's breaker state and counts,
 * each chain's serving model, the queue, the providers held for their rate limits and,
 * when rate limits are shared with other replicas, whether Redis is in use
 * ({@code cluster}).
 */
public class LlmHealthIndicator extends AbstractReactiveHealthIndicator {

	/**
	 * Some chain is served by a fallback model. Add it to
	 * {@code management.endpoint.health.status.order} to let it count in the aggregate
	 * status.
	 */
	public static final Status DEGRADED = new Status("DEGRADED", "Some chain is served by a fallback model");

	private final LlmOverview overview;

	private final boolean allowToFail;

	/**
	 * Create a new instance.
	 * @param overview the state of models, chains and queue
	 * @param allowToFail whether a chain without any available model makes the status
	 * {@code DOWN} rather than {@code DEGRADED}
	 */
	public LlmHealthIndicator(LlmOverview overview, boolean allowToFail) {
		super("LLM health check failed");
		this.overview = overview;
		this.allowToFail = allowToFail;
	}

	@Override
	protected Mono<Health> doHealthCheck(Health.Builder builder) {
		Collection<LlmOverview.ChainState> chains = this.overview.chains().values();
		builder.status(status(chains))
			.withDetail("chains", this.overview.chains())
			.withDetail("models", this.overview.models());
		if (this.overview.queue() != null) {
			builder.withDetail("queue", this.overview.queue());
		}
		builder.withDetail("rateLimitHolds", this.overview.rateLimitHolds());
		if (this.overview.cluster() != null) {
			builder.withDetail("cluster", this.overview.cluster());
		}
		return Mono.just(builder.build());
	}

	private Status status(Collection<LlmOverview.ChainState> chains) {
		if (chains.stream().anyMatch((chain) -> chain.serving() == null)) {
			return this.allowToFail ? Status.DOWN : DEGRADED;
		}
		return chains.stream().anyMatch(LlmOverview.ChainState::fallback) ? DEGRADED : Status.UP;
	}

}
