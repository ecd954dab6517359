package dev.llmresilience.autoconfigure;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks provider API keys in {@code /actuator/env} and {@code /actuator/configprops}, also when
 * {@code show-values} is {@code always}: Spring Boot itself masks no key by name.
 */
class ApiKeySanitizingFunction implements SanitizingFunction {

	@Override
	public SanitizableData apply(SanitizableData data) {
		// Property names arrive as written: llm.resilience.providers.x.api-key, apiKey in
		// configprops, LLM_RESILIENCE_PROVIDERS_X_APIKEY from the environment.
		String key = data.getLowerCaseKey().replaceAll("[^a-z0-9]", "");
		boolean apiKey = key.startsWith("llmresilienceproviders") && key.endsWith("apikey");
		return apiKey ? data.withValue(SanitizableData.SANITIZED_VALUE) : data;
	}

}
