package dev.llmresilience.autoconfigure;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.util.StringUtils;

/**
 * Masks provider API keys in {@code /actuator/env} and {@code /actuator/configprops},
 * also when {@code show-values} is {@code always}: Spring Boot itself masks no key by
 * name. A key is masked under its own property and under any other that holds it, since
 * it usually comes from an environment variable ({@code api-key: ${ANTHROPIC_API_KEY}})
 * that {@code /actuator/env} lists as well.
 */
class ApiKeySanitizingFunction implements SanitizingFunction {

	/**
	 * Shorter keys are not looked for in other values, which they could match by chance.
	 */
	private static final int MIN_KEY_LENGTH = 8;

	private final LlmResilienceProperties properties;

	ApiKeySanitizingFunction(LlmResilienceProperties properties) {
		this.properties = properties;
	}

	@Override
	public SanitizableData apply(SanitizableData data) {
		// Property names arrive as written: llm.resilience.providers.x.api-key, apiKey in
		// configprops, LLM_RESILIENCE_PROVIDERS_X_APIKEY from the environment.
		String key = data.getLowerCaseKey().replaceAll("[^a-z0-9]", "");
		boolean apiKey = key.startsWith("llmresilienceproviders") && key.endsWith("apikey");
		return (apiKey || holdsApiKey(data.getValue())) ? data.withValue(SanitizableData.SANITIZED_VALUE) : data;
	}

	private boolean holdsApiKey(Object value) {
		if (value == null) {
			return false;
		}
		String text = value.toString();
		return this.properties.getProviders()
			.values()
			.stream()
			.map(LlmResilienceProperties.Provider::getApiKey)
			.anyMatch((apiKey) -> StringUtils.hasText(apiKey) && apiKey.length() >= MIN_KEY_LENGTH
					&& text.contains(apiKey));
	}

}
