package dev.llmresilience.routing;

/**
 * How an attempt picks among the healthy deployments of a model.
 */
public enum RoutingStrategy {

	/**
	 * At random, each deployment as likely as its weight: the default.
	 */
	WEIGHTED_RANDOM,

	/**
	 * The deployment with the fewest calls in flight from this application; ties by
	 * weight.
	 */
	LEAST_IN_FLIGHT,

	/**
	 * The deployment with the lowest moving average of its time to first content (the
	 * whole answer of a call, the first event of a stream). A deployment not measured yet
	 * is tried first.
	 */
	LOWEST_LATENCY,

	/**
	 * The deployment with the largest share of its rate budget left: the lowest of what
	 * its provider's last rate-limit headers and this application's own budgets say; ties
	 * by weight.
	 */
	MOST_REMAINING_BUDGET

}
