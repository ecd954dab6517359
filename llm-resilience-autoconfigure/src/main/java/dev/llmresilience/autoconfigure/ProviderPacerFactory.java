package dev.llmresilience.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import dev.llmresilience.autoconfigure.LlmResilienceProperties.HoldScope;
import dev.llmresilience.budget.LocalRateBudget;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.budget.RateBudget;
import dev.llmresilience.cluster.RateLimitSharing;

import org.springframework.lang.Nullable;

/**
 * Builds the {@link ProviderPacer} from the rate limits configured per provider, per
 * model and per deployment, local or shared with the other replicas, and the scope of
 * each provider's holds.
 */
final class ProviderPacerFactory {

	private ProviderPacerFactory() {
	}

	/**
	 * Create the pacer.
	 * @param properties the properties
	 * @param clock the clock
	 * @param sharing shares budgets and holds with the other replicas, or {@code null} to
	 * keep them local
	 * @return the pacer
	 */
	static ProviderPacer create(LlmResilienceProperties properties, Clock clock, @Nullable RateLimitSharing sharing) {
		Map<String, RateBudget> providers = new LinkedHashMap<>();
		properties.getProviders()
			.forEach((id, provider) -> budget("providers." + id, provider.getRequestsPerMinute(),
					provider.getTokensPerMinute(), providers, id, sharing));
		Map<String, RateBudget> models = new LinkedHashMap<>();
		properties.getModels().forEach((id, model) -> {
			budget("models." + id, model.getRequestsPerMinute(), model.getTokensPerMinute(), models, id, sharing);
			// a deployment's budget is kept under its breaker's name, model/deployment
			model.getDeployments()
				.forEach((name, deployment) -> budget("models." + id + ".deployments." + name,
						deployment.getRequestsPerMinute(), deployment.getTokensPerMinute(), models, id + "/" + name,
						sharing));
		});
		Set<String> providerWideHolds = new LinkedHashSet<>();
		properties.getProviders().forEach((id, provider) -> {
			if (provider.getHoldScope() == HoldScope.PROVIDER) {
				providerWideHolds.add(id);
			}
		});
		// waiting for a provider's limit is bounded like waiting for its retry-after
		Duration maxWait = properties.getRetry().getMaxServerWait();
		if (sharing == null) {
			return new ProviderPacer(providers, models, clock, maxWait, (scope, until) -> {
			}, providerWideHolds);
		}
		ProviderPacer pacer = new ProviderPacer(providers, models, clock, maxWait, sharing::publishHold,
				providerWideHolds);
		// replicas sharing a key prefix may configure other providers: their holds are
		// not ours
		sharing.receiveHolds((scope, until) -> {
			if (properties.getProviders().containsKey(ProviderPacer.providerOf(scope))) {
				pacer.holdUntil(scope, until);
			}
		});
		return pacer;
	}

	private static void budget(String path, long requestsPerMinute, long tokensPerMinute,
			Map<String, RateBudget> budgets, String id, @Nullable RateLimitSharing sharing) {
		if (requestsPerMinute > 0 || tokensPerMinute > 0) {
			// "providers.x" and "models.x" keep a provider and a model of the same id
			// apart
			budgets.put(id, (sharing != null) ? sharing.budget(path, requestsPerMinute, tokensPerMinute)
					: new LocalRateBudget(requestsPerMinute, tokensPerMinute));
		}
	}

}
