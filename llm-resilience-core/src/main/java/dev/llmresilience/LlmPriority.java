package dev.llmresilience;

/**
 * How urgently a request should be served when requests wait for capacity. Within one
 * priority, requests are served in arrival order.
 */
public enum LlmPriority {

	/**
	 * Served before everything else, for example user-facing calls that block a checkout.
	 */
	CRITICAL,

	/** Served before normal traffic. */
	HIGH,

	/** The default. */
	NORMAL,

	/** Background work such as batch summaries; served when nothing more urgent waits. */
	LOW

}
