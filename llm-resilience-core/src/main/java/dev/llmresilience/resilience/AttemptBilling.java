package dev.llmresilience.resilience;

import dev.llmresilience.LlmCost;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmPrices;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.budget.SpendReservation;

import org.springframework.lang.Nullable;

/**
 * What one attempt is billed. An answered call costs its usage at its deployment's
 * prices. A stream that fails or is cancelled after its content began has been billed by
 * the provider for what it generated, whose usage never comes: it is estimated, the
 * request's estimated input tokens and about a token for every four characters of the
 * content received, at the same prices. Any other failure costs nothing, as providers
 * bill no error answer.
 */
final class AttemptBilling {

	private static final int CHARACTERS_PER_TOKEN = 4;

	private final LlmModel model;

	private final LlmRequest request;

	/**
	 * Characters of content received: added to by the attempt's elements in turn, read by
	 * a cancellation that may come from another thread.
	 */
	private volatile long contentCharacters;

	private boolean ended;

	@Nullable
	private volatile SpendReservation reservation;

	/**
	 * Create the billing of an attempt.
	 * @param model the model as the attempt's deployment serves it, with its prices
	 * @param request the request
	 */
	AttemptBilling(LlmModel model, LlmRequest request) {
		this.model = model;
		this.request = request;
	}

	/**
	 * Note what the attempt reserved of the spend budgets that cover it.
	 * @param reservation the reservation
	 */
	void reserved(SpendReservation reservation) {
		this.reservation = reservation;
	}

	/**
	 * Return what the attempt reserved of the spend budgets.
	 * @return the reservation, or {@code null} if no budget covers it
	 */
	@Nullable
	SpendReservation reservation() {
		return this.reservation;
	}

	/**
	 * Count what a stream's element adds to its content.
	 * @param element an element of the attempt
	 */
	void received(Object element) {
		if (element instanceof LlmStreamEvent event) {
			int characters = characters(event);
			if (characters > 0) {
				this.contentCharacters += characters;
			}
		}
	}

	private static int characters(LlmStreamEvent event) {
		if (event instanceof LlmStreamEvent.TextDelta delta) {
			return delta.text().length();
		}
		if (event instanceof LlmStreamEvent.ReasoningDelta delta) {
			return delta.text().length();
		}
		if (event instanceof LlmStreamEvent.RefusalDelta delta) {
			return delta.text().length();
		}
		if (event instanceof LlmStreamEvent.ToolInputDelta delta) {
			return delta.partialJson().length();
		}
		if (event instanceof LlmStreamEvent.ToolCallStart start) {
			return start.name().length();
		}
		return 0;
	}

	/**
	 * End the attempt with its answer.
	 * @param usage the usage the provider reported
	 * @return what the answer cost
	 */
	synchronized LlmCost answered(LlmUsage usage) {
		if (this.ended) {
			return LlmCost.NONE;
		}
		this.ended = true;
		LlmPrices prices = this.model.prices();
		return (prices != null) ? prices.cost(usage) : LlmCost.UNKNOWN;
	}

	/**
	 * End the attempt without an answer: it failed, or was cancelled.
	 * @return what it was billed, estimated for a stream whose content began
	 */
	synchronized LlmCost broken() {
		if (this.ended) {
			return LlmCost.NONE;
		}
		this.ended = true;
		if (this.contentCharacters == 0) {
			return LlmCost.NONE;
		}
		LlmPrices prices = this.model.prices();
		if (prices == null) {
			return LlmCost.UNKNOWN;
		}
		long outputTokens = (this.contentCharacters + CHARACTERS_PER_TOKEN - 1) / CHARACTERS_PER_TOKEN;
		return prices.cost(new LlmUsage(this.request.estimatedInputTokens(), outputTokens)).asEstimate();
	}

}
