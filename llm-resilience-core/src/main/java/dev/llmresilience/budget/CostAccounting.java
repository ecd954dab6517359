package dev.llmresilience.budget;

import java.util.List;
import java.util.Map;

import dev.llmresilience.LlmRequest;

import org.springframework.lang.Nullable;

/**
 * Accounts for what requests cost: tells the {@link SpendListener listeners} what each
 * attempt was billed.
 */
public final class CostAccounting {

	/** Accounting that tells nobody. */
	public static final CostAccounting NONE = new CostAccounting(List.of());

	private final List<SpendListener> listeners;

	private final RequestSpend unheard;

	/**
	 * Create a new instance.
	 * @param listeners told of every attempt billed, in order
	 */
	public CostAccounting(List<SpendListener> listeners) {
		this.listeners = List.copyOf(listeners);
		this.unheard = new RequestSpend(null, Map.of(), List.of());
	}

	/**
	 * Return the account of one request.
	 * @param chain the name of the chain that serves it, or {@code null} for a request
	 * that names a single model
	 * @param request the request, for its tags
	 * @return the account
	 */
	public RequestSpend forRequest(@Nullable String chain, LlmRequest request) {
		if (this.listeners.isEmpty()) {
			return this.unheard;
		}
		return new RequestSpend(chain, request.tags(), this.listeners);
	}

}
