package dev.llmresilience.actuate;

import dev.llmresilience.overview.LlmOverview;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of the configured models: {@code UP} when every chain can be served by its first
 * model, {@link #DEGRADED} when some chain is served by a fallback, {@code DOWN} when
 * some chain has no model whose circuit breaker lets calls through (or {@code DEGRADED},
 * if the indicator may not fail). Details give each model's breaker state and counts,
 * each chain's serving model, the queue, the providers held for their rate limits and,
 * when rate limits are shared with other replicas, whether Redis is in use
 * ({@code cluster}). The assessment is {@code LlmHealthReport}'s, shared by the Spring
 * Boot 3.5 and Spring Boot 4 auto-configuration modules; this class only adapts it to
 * Spring Boot's health types.
 */
public class LlmHealthIndicator extends AbstractReactiveHealthIndicator {

	/**
	 * Some chain is served by a fallback model. Add it to
	 * {@code management.endpoint.health.status.order} to let it count in the aggregate
	 * status.
	 */
	public static final Status DEGRADED = new Status(LlmHealthReport.DEGRADED, LlmHealthReport.DEGRADED_DESCRIPTION);

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
		LlmHealthReport report = LlmHealthReport.of(this.overview, this.allowToFail);
		return Mono.just(builder.status(status(report.status())).withDetails(report.details()).build());
	}

	private static Status status(String code) {
		return switch (code) {
			case LlmHealthReport.UP -> Status.UP;
			case LlmHealthReport.DOWN -> Status.DOWN;
			default -> DEGRADED;
		};
	}

}
