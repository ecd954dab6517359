package dev.llmresilience.springai.autoconfigure;

import java.time.Clock;
import java.util.Arrays;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.autoconfigure.InvalidLlmPropertyException;
import dev.llmresilience.autoconfigure.LlmProviderFactory;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Provider;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.ProviderType;
import dev.llmresilience.provider.LlmProvider;
import dev.llmresilience.springai.provider.SpringAiChatModelProvider;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.BeanCurrentlyInCreationException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Makes the {@code spring-ai} providers: each calls the Spring AI {@link ChatModel} bean
 * that its {@code chat-model} property names. A name that is no bean, or no chat model,
 * fails the start-up naming the property.
 */
public class SpringAiChatModelProviderFactory implements LlmProviderFactory {

	private final ListableBeanFactory beanFactory;

	private final ObjectMapper objectMapper;

	private final Clock clock;

	/**
	 * Create a new instance.
	 * @param beanFactory where the chat model beans are
	 * @param objectMapper reads error bodies
	 * @param clock the clock that a retry-after date is measured against
	 */
	public SpringAiChatModelProviderFactory(ListableBeanFactory beanFactory, ObjectMapper objectMapper, Clock clock) {
		this.beanFactory = beanFactory;
		this.objectMapper = objectMapper;
		this.clock = clock;
	}

	@Override
	public ProviderType type() {
		return ProviderType.SPRING_AI;
	}

	@Override
	public LlmProvider create(String id, Provider properties) {
		String name = properties.getChatModel();
		ChatModel chatModel = chatModel(id, name);
		return new SpringAiChatModelProvider(id, name, chatModel, properties.getFirstByteTimeout(),
				properties.getStreamIdleTimeout(), this.objectMapper, this.clock);
	}

	private ChatModel chatModel(String id, String name) {
		String property = "llm.resilience.providers." + id + ".chat-model";
		String[] chatModels = this.beanFactory.getBeanNamesForType(ChatModel.class, true, false);
		String fix = (chatModels.length > 0) ? "Set it to one of " + Arrays.toString(chatModels) + "."
				: "Define the Spring AI ChatModel bean, for example with a Spring AI model starter.";
		if (!this.beanFactory.containsBean(name)) {
			throw new InvalidLlmPropertyException(property, "no bean '" + name + "' exists", fix);
		}
		if (!this.beanFactory.isTypeMatch(name, ChatModel.class)) {
			throw new InvalidLlmPropertyException(property, "bean '" + name + "' is not a Spring AI ChatModel but a "
					+ ClassUtils.getShortName(String.valueOf(this.beanFactory.getType(name))), fix);
		}
		try {
			return this.beanFactory.getBean(name, ChatModel.class);
		}
		catch (BeanCreationException ex) {
			if (!ex.contains(BeanCurrentlyInCreationException.class)) {
				throw ex;
			}
			throw new InvalidLlmPropertyException(property,
					"bean '" + name + "' needs llm-resilience itself, as a ChatModel served by LlmTemplate does",
					"Name a ChatModel that calls a provider directly, such as a Spring AI model starter's.");
		}
	}

}
