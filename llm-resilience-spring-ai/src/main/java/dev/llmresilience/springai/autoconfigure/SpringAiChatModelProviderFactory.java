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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.BeanCurrentlyInCreationException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Makes the {@code spring-ai} providers: each calls the Spring AI {@link ChatModel} bean
 * that its {@code chat-model} property names. A name that is no bean, or no chat model,
 * fails the start-up naming the property.
 * <p>
 * Spring AI's models retry a whole call inside {@code call()} with the retry template of
 * Spring AI's auto-configuration, which would multiply the pipeline's own retries and
 * hide every failure from the circuit breaker until its retries are spent. That template
 * is shared by all of the application's Spring AI models and cannot be bypassed for one
 * call, so its setting is checked at start-up: anything but
 * {@code spring.ai.retry.max-attempts=1} is reported with a warning.
 */
public class SpringAiChatModelProviderFactory implements LlmProviderFactory {

	private static final Logger logger = LoggerFactory.getLogger(SpringAiChatModelProviderFactory.class);

	/** The auto-configuration whose retry template Spring AI's models use. */
	private static final String SPRING_AI_RETRY = "org.springframework.ai.retry.autoconfigure.SpringAiRetryAutoConfiguration";

	/** Spring AI's default of {@code spring.ai.retry.max-attempts}. */
	private static final int SPRING_AI_DEFAULT_ATTEMPTS = 10;

	private final ListableBeanFactory beanFactory;

	private final Environment environment;

	private final ObjectMapper objectMapper;

	private final Clock clock;

	/**
	 * Create a new instance.
	 * @param beanFactory where the chat model beans are
	 * @param environment where Spring AI's retry settings are
	 * @param objectMapper reads error bodies
	 * @param clock the clock that a retry-after date is measured against
	 */
	public SpringAiChatModelProviderFactory(ListableBeanFactory beanFactory, Environment environment,
			ObjectMapper objectMapper, Clock clock) {
		this.beanFactory = beanFactory;
		this.environment = environment;
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
		warnIfSpringAiRetries(id, name);
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

	private void warnIfSpringAiRetries(String id, String name) {
		if (!ClassUtils.isPresent(SPRING_AI_RETRY, getClass().getClassLoader())) {
			return;
		}
		int attempts = this.environment.getProperty("spring.ai.retry.max-attempts", Integer.class,
				SPRING_AI_DEFAULT_ATTEMPTS);
		if (attempts > 1) {
			logger.warn(
					"Spring AI retries the calls of ChatModel bean '{}' (llm.resilience.providers.{}) up to {}"
							+ " times within each attempt of llm-resilience; set spring.ai.retry.max-attempts=1 so that"
							+ " only llm-resilience retries, and its circuit breaker sees every failure",
					name, id, attempts);
		}
	}

}
