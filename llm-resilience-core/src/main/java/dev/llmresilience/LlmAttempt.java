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
 * @param cost what the try cost: the answer's cost for a success, an estimate for a
 * stream that failed or was cancelled after its content began, {@link LlmCost#NONE} for a
 * try that the provider does not bill
 */
public record LlmAttempt(String model, Outcome outcome, String errorType, Duration duration,
		@Nullable String deployment, LlmCost cost) {

	/**
	 * Create the record of a try whose cost is not given: unknown for a success, nothing
	 * for the other outcomes.
	 * @param model the model id
	 * @param outcome how the try ended
	 * @param errorType the simple name of the exception that ended it, or why the model
	 * was skipped; {@code null} on success
	 * @param duration how long the try took
	 * @param deployment the name of the deployment called, or {@code null}
	 */
	public LlmAttempt(String model, Outcome outcome, String errorType, Duration duration, @Nullable String deployment) {
		this(model, outcome, errorType, duration, deployment,
				(outcome == Outcome.SUCCESS) ? LlmCost.UNKNOWN : LlmCost.NONE);
	}

	/**
	 * Create the record of a try whose deployment and cost are not given.
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
		return new LlmAttempt(this.model, this.outcome, this.errorType, this.duration, deployment, this.cost);
	}

	/**
	 * Return this attempt with its cost.
	 * @param cost what it cost
	 * @return the attempt, with its cost
	 */
	public LlmAttempt withCost(LlmCost cost) {
		return new LlmAttempt(this.model, this.outcome, this.errorType, this.duration, this.deployment, cost);
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
