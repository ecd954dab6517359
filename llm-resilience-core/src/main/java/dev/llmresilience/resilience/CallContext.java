package dev.llmresilience.resilience;

import java.util.ArrayList;
import java.util.List;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmCost;
import dev.llmresilience.budget.RequestSpend;
import dev.llmresilience.budget.SpendReservation;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.routing.Deployment;

import org.springframework.lang.Nullable;

/**
 * What one logical request has been through: its deadline, every attempt so far, what
 * they were billed and, for a stream, the text already delivered to the caller. Attempts
 * of one request run one after the other, but on different threads, so access is
 * synchronized.
 */
class CallContext {

	private final Deadline deadline;

	private final RequestSpend spend;

	private final List<LlmAttempt> attempts = new ArrayList<>();

	/**
	 * The text delivered to the caller; made at the first content, which only a stream
	 * has.
	 */
	private StringBuilder deliveredText;

	private boolean contentDelivered;

	private Throwable primaryError;

	private Integer exceededContextWindow;

	private LlmCost cost = LlmCost.NONE;

	private volatile String servingProvider;

	CallContext(Deadline deadline, RequestSpend spend) {
		this.deadline = deadline;
		this.spend = spend;
	}

	Deadline deadline() {
		return this.deadline;
	}

	/**
	 * Note the provider of the deployment an attempt goes to.
	 */
	void serving(String provider) {
		this.servingProvider = provider;
	}

	/**
	 * Return the provider of the deployment of the latest attempt, or {@code null} before
	 * the first.
	 */
	String servingProvider() {
		return this.servingProvider;
	}

	synchronized void record(LlmAttempt attempt) {
		this.attempts.add(attempt);
	}

	synchronized List<LlmAttempt> attempts() {
		return List.copyOf(this.attempts);
	}

	/**
	 * Return the account of the request, which its calls reserve from and are billed to.
	 */
	RequestSpend spend() {
		return this.spend;
	}

	/**
	 * Add what an attempt was billed to the request's cost, and bill it to the request's
	 * account, which settles what it reserved.
	 */
	void billed(Deployment deployment, @Nullable SpendReservation reservation, LlmCost cost) {
		if (cost != LlmCost.NONE) {
			synchronized (this) {
				this.cost = this.cost.plus(cost);
			}
		}
		if (cost != LlmCost.NONE || reservation != null) {
			this.spend.billed(deployment.model(), deployment.provider().type(),
					deployment.isImplicit() ? null : deployment.name(), reservation, cost);
		}
	}

	/**
	 * Return what the request's attempts were billed so far.
	 */
	synchronized LlmCost cost() {
		return this.cost;
	}

	synchronized void delivered(String text) {
		this.contentDelivered = true;
		if (this.deliveredText == null) {
			this.deliveredText = new StringBuilder(text);
		}
		else {
			this.deliveredText.append(text);
		}
	}

	synchronized boolean isContentDelivered() {
		return this.contentDelivered;
	}

	synchronized String deliveredText() {
		return (this.deliveredText != null) ? this.deliveredText.toString() : "";
	}

	/**
	 * Note the error that ended a model's attempts; the first one is the primary's.
	 */
	synchronized void failed(Throwable error) {
		if (this.primaryError == null) {
			this.primaryError = error;
		}
	}

	synchronized Throwable primaryError() {
		return this.primaryError;
	}

	/**
	 * Note that a request did not fit a context window of this size, so that no model
	 * with a window as small is tried.
	 */
	synchronized void exceeded(int contextWindow) {
		if (this.exceededContextWindow == null || contextWindow > this.exceededContextWindow) {
			this.exceededContextWindow = contextWindow;
		}
	}

	synchronized Integer exceededContextWindow() {
		return this.exceededContextWindow;
	}

}
