package dev.llmresilience.springai.autoconfigure;

import dev.llmresilience.autoconfigure.InvalidLlmPropertyException;
import dev.llmresilience.resilience.ModelCatalog;

import org.springframework.lang.Nullable;

/**
 * Checks at start-up where the prompts of the auto-configured chat model go when their
 * options name nothing: a chain or a model that is configured, not both. A name that
 * names nothing would fail every prompt that relies on it, so the start-up fails instead,
 * naming the property. Shared by both generations' auto-configurations of the chat model.
 */
final class ChatModelTargetCheck {

	private static final String PREFIX = "llm.resilience.spring-ai.chat-model.";

	private ChatModelTargetCheck() {
	}

	/**
	 * Check the default target.
	 * @param chain the configured chain, or {@code null}
	 * @param model the configured model id, or {@code null}
	 * @param catalog the configured chains and models
	 * @throws InvalidLlmPropertyException if the target is not configured, or both are
	 * set
	 */
	static void check(@Nullable String chain, @Nullable String model, ModelCatalog catalog) {
		if (chain != null && model != null) {
			throw new InvalidLlmPropertyException(PREFIX + "model",
					"it is set together with " + PREFIX + "chain, and a prompt goes to a chain or a model",
					"Set one of " + PREFIX + "chain and " + PREFIX + "model.");
		}
		if (chain != null && !catalog.getChains().containsKey(chain)) {
			throw new InvalidLlmPropertyException(PREFIX + "chain", "no chain '" + chain + "' is configured",
					"Set it to one of " + catalog.getChains().keySet() + ", or remove it for the default chain.");
		}
		if (model != null && !catalog.getModels().containsKey(model)) {
			throw new InvalidLlmPropertyException(PREFIX + "model", "no model '" + model + "' is configured",
					"Set it to one of " + catalog.getModels().keySet() + ".");
		}
	}

}
