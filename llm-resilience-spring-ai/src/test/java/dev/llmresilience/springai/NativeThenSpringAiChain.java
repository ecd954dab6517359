package dev.llmresilience.springai;

/**
 * The configuration the chain tests share: Spring AI's auto-configured
 * {@code openAiChatModel}, without retries of its own, and a chain {@code default} of a
 * native OpenAI model {@code primary} ({@code gpt-primary}) then that bean's model
 * {@code backup} ({@code gpt-backup}), both served by one fake provider.
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
		return new String[] { "spring.ai.openai.base-url=" + baseUrl, "spring.ai.openai.api-key=test-key",
				"llm.resilience.providers.native.type=openai", "llm.resilience.providers.native.base-url=" + baseUrl,
				"llm.resilience.providers.springai.type=spring-ai",
				"llm.resilience.providers.springai.chat-model=openAiChatModel",
				"llm.resilience.models.primary.provider=native", "llm.resilience.models.primary.name=gpt-primary",
				"llm.resilience.models.backup.provider=springai", "llm.resilience.models.backup.name=gpt-backup",
				"llm.resilience.chains.default[0]=primary", "llm.resilience.chains.default[1]=backup" };
	}

}
