package dev.llmresilience.autoconfigure;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.llmresilience.queue.ProviderPacer;
import dev.llmresilience.queue.RateBudget;

/**
 * Builds the {@link ProviderPacer} from the rate limits configured per provider and per model.
 */
final class ProviderPacerFactory {

	private ProviderPacerFactory() {
	}

	static ProviderPacer create(LlmResilienceProperties properties, Clock clock) {
		Map<String, RateBudget> providers = new LinkedHashMap<>();
		properties.getProviders()
			.forEach((id, provider) -> budget("providers." + id, provider.getRequestsPerMinute(),
					provider.getTokensPerMinute(), providers, id));
		Map<String, RateBudget> models = new LinkedHashMap<>();
		properties.getModels()
			.forEach((id, model) -> budget("models." + id, model.getRequestsPerMinute(), model.getTokensPerMinute(),
					models, id));
		// waiting for a provider's limit is bounded like waiting for its retry-after
		return new ProviderPacer(providers, models, clock,
				PropertyChecks.positive("llm.resilience.retry.max-server-wait", properties.getRetry().getMaxServerWait()));
	}

	private static void budget(String path, long requestsPerMinute, long tokensPerMinute,
			Map<String, RateBudget> budgets, String id) {
		PropertyChecks.atLeast("llm.resilience." + path + ".requests-per-minute", requestsPerMinute, 0);
		PropertyChecks.atLeast("llm.resilience." + path + ".tokens-per-minute", tokensPerMinute, 0);
		if (requestsPerMinute > 0 || tokensPerMinute > 0) {
			budgets.put(id, new RateBudget(requestsPerMinute, tokensPerMinute));
		}
	}

}
