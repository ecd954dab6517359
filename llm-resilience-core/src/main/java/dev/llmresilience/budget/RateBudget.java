package dev.llmresilience.budget;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * A requests-per-minute and tokens-per-minute budget that calls reserve from before they
 * are sent. A reservation is taken at once and may leave the budget in debt: the caller
 * waits the time the debt takes to refill, so waiting calls keep their order. Token
 * reservations are estimates, settled with what the call really used once it has been
 * answered.
 *
 * @see LocalRateBudget
 */
public interface RateBudget {

	/**
	 * Reserve one request and the given tokens.
	 * @param tokenCount the tokens the request is expected to use
	 * @return how long the caller must wait before sending it, zero if it may go now
	 */
	Mono<Duration> reserve(long tokenCount);

	/**
	 * Give back what a reservation took, for a request that was never sent.
	 * @param tokenCount the tokens reserved
	 */
	void cancel(long tokenCount);

	/**
	 * Settle the token reservation of a request with what it really used.
	 * @param reservedTokens the tokens the request reserved
	 * @param usedTokens the tokens it used
	 */
	void settle(long reservedTokens, long usedTokens);

	/**
	 * Return the share of this budget left now, for routing to the deployment with the
	 * most left: the lower of the request and token shares.
	 * @return a share from 0 to 1; 1 where it is not known
	 */
	default double remainingShare() {
		return 1;
	}

	/**
	 * Return how long a request would wait for this budget if it came now, for health to
	 * tell a deployment that cannot be served within a request's time.
	 * @return the wait, zero where it is not known
	 */
	default Duration currentWait() {
		return Duration.ZERO;
	}

}
