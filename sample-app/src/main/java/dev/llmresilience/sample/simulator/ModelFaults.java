package dev.llmresilience.sample.simulator;

import java.time.Duration;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import org.springframework.util.Assert;

/**
 * How the simulator currently answers for one model name: an immutable snapshot of
 * {@link SimulatorProperties.Model}, so that a request sees one consistent set of values
 * while the fault endpoints change them.
 *
 * @param latency time to wait before answering or failing
 * @param chunkInterval time between two text deltas of a stream
 * @param failureRate share of requests that fail, from 0.0 to 1.0
 * @param failure how a failing request fails
 * @param retryAfter wait announced by an injected rate-limit failure
 * @param requestsPerMinute requests accepted in any 60 seconds
 * @param tokensPerMinute tokens accepted in any 60 seconds
 * @param contextWindow the most input tokens a request may have
 */
@JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
record ModelFaults(Duration latency, Duration chunkInterval, double failureRate, SimulatedFailure failure,
		Duration retryAfter, int requestsPerMinute, long tokensPerMinute, long contextWindow) {

	static final ModelFaults DEFAULTS = of(new SimulatorProperties.Model());

	ModelFaults {
		Assert.isTrue(!latency.isNegative(), "latency must not be negative");
		Assert.isTrue(!chunkInterval.isNegative(), "chunk-interval must not be negative");
		Assert.isTrue(failureRate >= 0.0 && failureRate <= 1.0, "failure-rate must be between 0.0 and 1.0");
		Assert.notNull(failure, "failure must not be null");
		Assert.isTrue(!retryAfter.isNegative(), "retry-after must not be negative");
		Assert.isTrue(requestsPerMinute > 0, "requests-per-minute must be positive");
		Assert.isTrue(tokensPerMinute > 0, "tokens-per-minute must be positive");
		Assert.isTrue(contextWindow > 0, "context-window must be positive");
	}

	static ModelFaults of(SimulatorProperties.Model model) {
		return new ModelFaults(model.getLatency(), model.getChunkInterval(), model.getFailureRate(), model.getFailure(),
				model.getRetryAfter(), model.getRequestsPerMinute(), model.getTokensPerMinute(),
				model.getContextWindow());
	}

}
