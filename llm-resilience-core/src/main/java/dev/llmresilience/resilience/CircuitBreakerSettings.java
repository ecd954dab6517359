package dev.llmresilience.resilience;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;

import org.springframework.util.Assert;

/**
 * The circuit breaker of one model.
 *
 * @param slidingWindowType whether the failure rate is computed over the last seconds or
 * calls
 * @param slidingWindowSize seconds or calls in the window
 * @param minimumNumberOfCalls calls the window must hold before a failure rate is
 * computed
 * @param failureRateThreshold percentage of failed calls at which the breaker opens
 * @param slowCallRateThreshold percentage of slow calls at which the breaker opens
 * @param slowCallDurationThreshold duration above which a call is slow: the whole answer
 * for calls, the time to the first text for streams
 * @param waitInOpen time an open breaker refuses calls before it lets probes through
 * @param permittedCallsInHalfOpen probe calls let through while half-open
 * @param automaticTransitionToHalfOpen whether an open breaker turns half-open by itself
 * once the wait is over
 * @param recordRateLimits whether a 429 counts as a failure of the model
 */
public record CircuitBreakerSettings(SlidingWindowType slidingWindowType, int slidingWindowSize,
		int minimumNumberOfCalls, float failureRateThreshold, float slowCallRateThreshold,
		Duration slowCallDurationThreshold, Duration waitInOpen, int permittedCallsInHalfOpen,
		boolean automaticTransitionToHalfOpen, boolean recordRateLimits) {

	/**
	 * The defaults: a 60-second window of at least 10 calls, open at 50% failures or when
	 * every call is slower than 60s, 30s open, 3 probes, 429s counted.
	 */
	public static final CircuitBreakerSettings DEFAULTS = new CircuitBreakerSettings(SlidingWindowType.TIME_BASED, 60,
			10, 50, 100, Duration.ofSeconds(60), Duration.ofSeconds(30), 3, true, true);

	public CircuitBreakerSettings {
		Assert.notNull(slidingWindowType, "slidingWindowType must not be null");
		Assert.isTrue(slidingWindowSize >= 1 && minimumNumberOfCalls >= 1 && permittedCallsInHalfOpen >= 1,
				"window size, minimum number of calls and permitted calls must be at least 1");
		Assert.isTrue(failureRateThreshold >= 1 && failureRateThreshold <= 100 && slowCallRateThreshold >= 1
				&& slowCallRateThreshold <= 100, "rate thresholds must be from 1 to 100");
		Assert.isTrue(slowCallDurationThreshold.toMillis() > 0 && waitInOpen.toMillis() > 0,
				"durations must be positive");
	}

}
