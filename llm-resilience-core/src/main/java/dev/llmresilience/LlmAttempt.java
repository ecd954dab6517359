package dev.llmresilience;

import java.time.Duration;

import org.springframework.lang.Nullable;

/**
 * One try of one model while serving a request.
 *
 * @param model the model id, as configured under {@code llm.resilience.models}
 * @param outcome how the try ended
 * @param errorType the simple name of the exception that ended it, or why the model was
 * skipped; {@code null} on success
 * @param duration how long the try took
 * @param deployment the name of the deployment called, or {@code null} for a model
 * configured without deployments or skipped before one was chosen
 */
public record LlmAttempt(String model, Outcome outcome, String errorType, Duration duration,
		@Nullable String deployment) {

	/**
	 * Create the record of a try whose deployment is not known.
	 * @param model the model id
	 * @param outcome how the try ended
	 * @param errorType the simple name of the exception that ended it, or why the model
	 * was skipped; {@code null} on success
	 * @param duration how long the try took
	 */
	public LlmAttempt(String model, Outcome outcome, String errorType, Duration duration) {
		this(model, outcome, errorType, duration, null);
	}

	/**
	 * Create the record of a successful try.
	 * @param model the model id
	 * @param duration how long it took
	 * @return the attempt
	 */
	public static LlmAttempt success(String model, Duration duration) {
		return new LlmAttempt(model, Outcome.SUCCESS, null, duration);
	}

	/**
	 * Create the record of a failed try.
	 * @param model the model id
	 * @param error what ended it
	 * @param duration how long it took
	 * @return the attempt
	 */
	public static LlmAttempt failure(String model, Throwable error, Duration duration) {
		return new LlmAttempt(model, Outcome.FAILURE, error.getClass().getSimpleName(), duration);
	}

	/**
	 * Create the record of a model that was not called.
	 * @param model the model id
	 * @param reason why, such as {@code LlmCircuitOpenException} or
	 * {@code ContextWindowTooSmall}
	 * @return the attempt
	 */
	public static LlmAttempt skipped(String model, String reason) {
		return new LlmAttempt(model, Outcome.SKIPPED, reason, Duration.ZERO);
	}

	/**
	 * Create the record of a try cancelled before it ended.
	 * @param model the model id
	 * @param reason why, such as {@code HedgeLost}
	 * @param duration how long it ran
	 * @return the attempt
	 */
	public static LlmAttempt cancelled(String model, String reason, Duration duration) {
		return new LlmAttempt(model, Outcome.CANCELLED, reason, duration);
	}

	/**
	 * Return this attempt as made on a deployment.
	 * @param deployment the deployment's name
	 * @return the attempt, with its deployment
	 */
	public LlmAttempt on(String deployment) {
		return new LlmAttempt(this.model, this.outcome, this.errorType, this.duration, deployment);
	}

	/**
	 * How a try ended.
	 */
	public enum Outcome {

		/** The model answered. */
		SUCCESS,

		/** The call failed. */
		FAILURE,

		/**
		 * The model was not called: its circuit breaker was open, or the request would
		 * not fit its context window.
		 */
		SKIPPED,

		/**
		 * The call was cancelled before it ended: it lost to a hedge, or the request was
		 * cancelled or ran out of time.
		 */
		CANCELLED

	}

}
