package dev.llmresilience.resilience;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * Retries of one model within a request: exponential backoff with jitter, and the longest
 * wait a server may ask for with {@code retry-after}.
 *
 * @param maxAttempts calls of the model per request, the first included; 1 disables
 * retries
 * @param initialBackoff wait before the second call, before jitter
 * @param multiplier factor by which the wait grows from one call to the next, 1 to 100
 * @param maxBackoff longest wait the formula gives, after jitter
 * @param jitter share by which each wait is randomly shortened or lengthened, 0 to below
 * 1
 * @param maxServerWait longest {@code retry-after} honoured; a longer one ends the
 * model's retries at once
 */
public record RetrySettings(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff,
		double jitter, Duration maxServerWait) {

	/**
	 * The defaults: 3 attempts, 500ms growing twofold to at most 8s, jitter 0.5, server
	 * waits up to 60s.
	 */
	public static final RetrySettings DEFAULTS = new RetrySettings(3, Duration.ofMillis(500), 2.0,
			Duration.ofSeconds(8), 0.5, Duration.ofSeconds(60));

	public RetrySettings {
		Assert.isTrue(maxAttempts >= 1, "maxAttempts must be at least 1");
		Assert.isTrue(multiplier >= 1, "multiplier must be at least 1");
		Assert.isTrue(jitter >= 0 && jitter < 1, "jitter must be from 0 to below 1");
		Assert.isTrue(initialBackoff.toMillis() > 0 && maxBackoff.toMillis() > 0 && maxServerWait.toMillis() > 0,
				"backoffs and the server wait must be positive");
	}

	/**
	 * Return these settings with another number of attempts.
	 * @param maxAttempts calls of the model per request
	 * @return the settings
	 */
	public RetrySettings withMaxAttempts(int maxAttempts) {
		return new RetrySettings(maxAttempts, this.initialBackoff, this.multiplier, this.maxBackoff, this.jitter,
				this.maxServerWait);
	}

}
