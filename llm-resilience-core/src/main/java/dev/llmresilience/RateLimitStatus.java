package dev.llmresilience;

import java.time.Instant;

/**
 * What a provider's rate-limit headers said about the caller's remaining budget
 * ({@code anthropic-ratelimit-*}, {@code x-ratelimit-*}). Each value is {@code null} when
 * the provider did not send it, or sent {@code -1}. Reset times are absolute: a provider
 * that sends durations (such as {@code 6m0s}) is read against the clock at the time of
 * the response.
 *
 * @param requestsLimit the request budget of the window
 * @param requestsRemaining requests left in the window
 * @param requestsReset when the request budget is full again
 * @param tokensLimit the token budget of the window
 * @param tokensRemaining tokens left in the window
 * @param tokensReset when the token budget is full again
 */
public record RateLimitStatus(Long requestsLimit, Long requestsRemaining, Instant requestsReset, Long tokensLimit,
		Long tokensRemaining, Instant tokensReset) {

	/** No rate-limit header was sent. */
	public static final RateLimitStatus NONE = new RateLimitStatus(null, null, null, null, null, null);

	/**
	 * Return whether the provider sent any rate-limit information.
	 * @return {@code true} unless every value is absent
	 */
	public boolean isPresent() {
		return !equals(NONE);
	}

}
