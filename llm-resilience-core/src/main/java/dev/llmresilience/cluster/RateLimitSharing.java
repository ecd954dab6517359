package dev.llmresilience.cluster;

import java.time.Instant;
import java.util.function.BiConsumer;

import dev.llmresilience.budget.RateBudget;
import dev.llmresilience.budget.SpendLedger;

/**
 * Shares rate budgets, spend budgets and the providers' rate-limit holds with the other
 * replicas of the application, so that together they keep to limits that belong to the
 * organisation, not to one JVM. Circuit breakers are not shared.
 */
public interface RateLimitSharing {

	/**
	 * Return a budget shared with the replicas that configure the same scope and limits.
	 * @param scope what the budget is for, such as {@code provider:anthropic}
	 * @param requestsPerMinute the request budget, 0 for none
	 * @param tokensPerMinute the token budget, input and output together, 0 for none
	 * @return the budget
	 */
	RateBudget budget(String scope, long requestsPerMinute, long tokensPerMinute);

	/**
	 * Return the ledger of a spend budget shared with the replicas that configure a
	 * budget of the same name.
	 * @param budget the budget's name
	 * @param refuseWhileUnreachable whether the budget refuses every call while the
	 * shared spend cannot be known, rather than keep spending from this replica's share
	 * @return the ledger
	 */
	SpendLedger spendLedger(String budget, boolean refuseWhileUnreachable);

	/**
	 * Tell the other replicas that calls to a provider are held.
	 * @param provider the provider id
	 * @param until the end of the hold
	 */
	void publishHold(String provider, Instant until);

	/**
	 * Set who receives the holds that the replicas publish.
	 * @param receiver takes a provider id and the end of its hold
	 */
	void receiveHolds(BiConsumer<String, Instant> receiver);

	/**
	 * Return whether budgets and holds are shared now.
	 * @return the status
	 */
	ClusterStatus status();

}
