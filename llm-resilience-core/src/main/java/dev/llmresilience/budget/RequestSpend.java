package dev.llmresilience.budget;

import java.util.List;
import java.util.Map;

import dev.llmresilience.LlmCost;
import dev.llmresilience.LlmModel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.lang.Nullable;

/**
 * The account of one request, which its attempts are billed to.
 */
public final class RequestSpend {

	private static final Log logger = LogFactory.getLog(RequestSpend.class);

	@Nullable
	private final String chain;

	private final Map<String, String> tags;

	private final List<SpendListener> listeners;

	RequestSpend(@Nullable String chain, Map<String, String> tags, List<SpendListener> listeners) {
		this.chain = chain;
		this.tags = tags;
		this.listeners = listeners;
	}

	/**
	 * Bill an attempt: tell the listeners, unless it cost nothing.
	 * @param model the model as the attempt's deployment serves it
	 * @param providerType the wire format of its provider
	 * @param deployment the deployment's name, or {@code null} for a model configured
	 * without deployments
	 * @param cost what the attempt cost
	 */
	public void billed(LlmModel model, String providerType, @Nullable String deployment, LlmCost cost) {
		if (this.listeners.isEmpty() || cost == LlmCost.NONE) {
			return;
		}
		SpendListener.Spend spend = new SpendListener.Spend(model, providerType, deployment, this.chain, this.tags,
				cost);
		for (SpendListener listener : this.listeners) {
			try {
				listener.spent(spend);
			}
			catch (RuntimeException ex) {
				// a listener that fails must not fail the call it is told of
				logger.warn(
						"Spend listener " + listener.getClass().getName() + " failed with " + ex.getClass().getName());
			}
		}
	}

}
