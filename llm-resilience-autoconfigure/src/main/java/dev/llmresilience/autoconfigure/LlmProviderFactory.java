package dev.llmresilience.autoconfigure;

import dev.llmresilience.autoconfigure.LlmResilienceProperties.Provider;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.ProviderType;
import dev.llmresilience.provider.LlmProvider;

/**
 * Makes the providers of a {@link ProviderType type} that this module does not build by
 * itself, such as {@link ProviderType#SPRING_AI}, which another module supplies. The
 * catalog asks the factory bean of a provider's type for it; a provider whose type no
 * factory bean supplies fails the start-up.
 *
 * @author llm-resilience
 */
public interface LlmProviderFactory {

	/**
	 * Return the type of provider this factory makes.
	 * @return the type
	 */
	ProviderType type();

	/**
	 * Make the provider that a {@code llm.resilience.providers} entry describes, once its
	 * properties are validated.
	 * @param id the provider's id, its key under {@code llm.resilience.providers}
	 * @param properties the provider's properties
	 * @return the provider
	 * @throws InvalidLlmPropertyException if the properties name something the
	 * application does not have
	 */
	LlmProvider create(String id, Provider properties);

}
