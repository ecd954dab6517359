package dev.llmresilience.error;

import java.time.Duration;

import dev.llmresilience.LlmRequest;

/**
 * A call took longer than one of its time limits.
 */
public class LlmTimeoutException extends LlmException {

	private final Phase phase;

	private final Duration limit;

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param phase the limit that expired
	 * @param limit the configured duration of that limit
	 * @param cause the cause, or {@code null}
	 */
	public LlmTimeoutException(String provider, String model, Phase phase, Duration limit, Throwable cause) {
		this("Provider '" + provider + "' timed out for model '" + model + "': no " + phase.description + " within "
				+ limit, provider, model, phase, limit, cause);
	}

	private LlmTimeoutException(String message, String provider, String model, Phase phase, Duration limit,
			Throwable cause) {
		super(message, provider, model, cause);
		this.phase = phase;
		this.limit = limit;
	}

	/**
	 * Create the exception for a request that did not end within its overall time limit.
	 * @param timeout the request's time limit
	 * @return the exception
	 */
	public static LlmTimeoutException deadline(Duration timeout) {
		return new LlmTimeoutException("The request did not end within its timeout of " + timeout, null, null,
				Phase.DEADLINE, timeout, null);
	}

	/**
	 * Return the limit that expired.
	 * @return the phase
	 */
	public Phase getPhase() {
		return this.phase;
	}

	/**
	 * Return the configured duration of the limit that expired.
	 * @return the limit
	 */
	public Duration getLimit() {
		return this.limit;
	}

	/**
	 * The time limits of a call.
	 */
	public enum Phase {

		/** Opening the connection ({@code connect-timeout}). */
		CONNECT("connection"),

		/** Waiting for the response to begin ({@code first-byte-timeout}). */
		FIRST_BYTE("response"),

		/** Waiting for the next part of a stream ({@code stream-idle-timeout}). */
		STREAM_IDLE("stream data"),

		/**
		 * The request's overall time limit ({@link LlmRequest#timeout()} or
		 * {@code llm.resilience.timeout}), which covers every attempt and backoff.
		 */
		DEADLINE("answer");

		private final String description;

		Phase(String description) {
			this.description = description;
		}

	}

}
