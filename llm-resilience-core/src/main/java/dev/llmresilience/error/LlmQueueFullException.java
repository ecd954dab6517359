package dev.llmresilience.error;

import dev.llmresilience.LlmPriority;

/**
 * The request was refused at once because the request queue, or its share for the
 * request's priority, is full. Nothing was sent.
 */
public class LlmQueueFullException extends LlmException {

	private final LlmPriority priority;

	/**
	 * Create a new instance.
	 * @param priority the request's priority
	 * @param capacity the capacity that was reached
	 */
	public LlmQueueFullException(LlmPriority priority, int capacity) {
		super("The request queue is full (" + capacity + " waiting requests) for priority " + priority, null, null,
				null);
		this.priority = priority;
	}

	/**
	 * Return the priority of the refused request.
	 * @return the priority
	 */
	public LlmPriority getPriority() {
		return this.priority;
	}

}
