package dev.llmresilience.springai;

import java.util.ArrayList;
import java.util.List;

/**
 * The configuration the chain tests share: Spring AI's auto-configured chat model
 * ({@link SpringAiTestSupport#CHAT_MODEL_BEAN}), with Spring AI's retry as configured,
 * and a chain {@code default} of a native OpenAI model {@code primary}
 * ({@code gpt-primary}) then that bean's model {@code backup} ({@code gpt-backup}), both
 * served by one fake provider.
 */
final class NativeThenSpringAiChain {

	private NativeThenSpringAiChain() {
	}

	/**
	 * Return the properties of the chain.
	 * @param baseUrl the fake provider's base URL
	 * @return the properties
	 */
	static String[] properties(String baseUrl) {
		List<String> properties = new ArrayList<>(List.of(SpringAiTestSupport.chatModelProperties(baseUrl)));
		properties.addAll(List.of("llm.resilience.providers.native.type=openai",
				"llm.resilience.providers.native.base-url=" + baseUrl,
				"llm.resilience.providers.springai.type=spring-ai",
				"llm.resilience.providers.springai.chat-model=" + SpringAiTestSupport.CHAT_MODEL_BEAN,
				"llm.resilience.models.primary.provider=native", "llm.resilience.models.primary.name=gpt-primary",
				"llm.resilience.models.backup.provider=springai", "llm.resilience.models.backup.name=gpt-backup",
				"llm.resilience.chains.default[0]=primary", "llm.resilience.chains.default[1]=backup"));
		return properties.toArray(String[]::new);
	}

}
