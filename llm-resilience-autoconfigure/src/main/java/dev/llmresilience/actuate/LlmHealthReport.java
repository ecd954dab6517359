package dev.llmresilience.actuate;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.llmresilience.overview.LlmOverview;

/**
 * What {@link LlmHealthIndicator} reports, worked out without Spring Boot's health types:
 * Spring Boot 4 moved them to another package, and the indicator of each generation is a
 * thin adapter over this.
 *
 * @author llm-resilience
 */
final class LlmHealthReport {

	static final String UP = "UP";

	static final String DEGRADED = "DEGRADED";

	static final String DOWN = "DOWN";

	static final String DEGRADED_DESCRIPTION = "Some chain is served by a fallback model";

	private final String status;

	private final Map<String, Object> details;

	private LlmHealthReport(String status, Map<String, Object> details) {
		this.status = status;
		this.details = details;
	}

	/**
	 * Read the state of models, chains and queue.
	 * @param overview the state of models, chains and queue
	 * @param allowToFail whether a chain without any available model is {@code DOWN}
	 * rather than {@code DEGRADED}
	 * @return the report
	 */
	static LlmHealthReport of(LlmOverview overview, boolean allowToFail) {
		Map<String, LlmOverview.ChainState> chains = overview.chains();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("chains", chains);
		details.put("models", overview.models());
		if (overview.queue() != null) {
			details.put("queue", overview.queue());
		}
		details.put("rateLimitHolds", overview.rateLimitHolds());
		if (overview.cluster() != null) {
			details.put("cluster", overview.cluster());
		}
		return new LlmHealthReport(status(chains.values(), allowToFail), Collections.unmodifiableMap(details));
	}

	private static String status(Collection<LlmOverview.ChainState> chains, boolean allowToFail) {
		if (chains.stream().anyMatch((chain) -> chain.serving() == null)) {
			return allowToFail ? DOWN : DEGRADED;
		}
		return chains.stream().anyMatch(LlmOverview.ChainState::fallback) ? DEGRADED : UP;
	}

	/**
	 * The status code: {@code UP}, {@code DEGRADED} or {@code DOWN}.
	 * @return the status code
	 */
	String status() {
		return this.status;
	}

	/**
	 * The details, in the order the health endpoint shows them.
	 * @return the details
	 */
	Map<String, Object> details() {
		return this.details;
	}

}
