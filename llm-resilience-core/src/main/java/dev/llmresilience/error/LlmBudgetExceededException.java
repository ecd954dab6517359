package dev.llmresilience.error;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A call would pass a spend budget, so its provider was not called. A budget that refuses
 * ends the request with this error; a budget that skips records the model as
 * {@code SKIPPED} and the chain moves on to the next model, this error being the cause of
 * an {@link LlmAllModelsFailedException} when no model is left. It is neither retried nor
 * counted by a circuit breaker.
 */
public class LlmBudgetExceededException extends LlmException {

	private final String budget;

	private final BigDecimal limit;

	private final String currency;

	private final Instant resetsAt;

	private final boolean requestRefused;

	/**
	 * Create a new instance.
	 * @param budget the budget's name
	 * @param limit the budget's limit in a period
	 * @param currency the limit's currency
	 * @param resetsAt when the budget's period ends
	 * @param requestRefused whether the budget refuses the request, rather than skipping
	 * the model
	 * @param reason why the call would pass it
	 * @param provider the provider id of the call
	 * @param model the model id of the call
	 */
	public LlmBudgetExceededException(String budget, BigDecimal limit, String currency, Instant resetsAt,
			boolean requestRefused, String reason, String provider, String model) {
		super("Budget '" + budget + "' (" + limit.toPlainString() + " " + currency + ") "
				+ (requestRefused ? "refused the request" : "skipped model '" + model + "'") + ": " + reason
				+ "; it resets at " + resetsAt, provider, model, null);
		this.budget = budget;
		this.limit = limit;
		this.currency = currency;
		this.resetsAt = resetsAt;
		this.requestRefused = requestRefused;
	}

	/**
	 * Return the name of the budget, as configured.
	 * @return the budget's name
	 */
	public String getBudget() {
		return this.budget;
	}

	/**
	 * Return the budget's limit in a period.
	 * @return the limit
	 */
	public BigDecimal getLimit() {
		return this.limit;
	}

	/**
	 * Return the currency of the limit.
	 * @return the currency
	 */
	public String getCurrency() {
		return this.currency;
	}

	/**
	 * Return when the budget's period ends, and its spend starts again from nothing.
	 * @return the time
	 */
	public Instant getResetsAt() {
		return this.resetsAt;
	}

	/**
	 * Return whether the budget refused the request, rather than skipping one model so
	 * that another of the chain could answer.
	 * @return {@code true} if the request was refused
	 */
	public boolean isRequestRefused() {
		return this.requestRefused;
	}

}
