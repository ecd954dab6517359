package dev.llmresilience.springai.autoconfigure;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.autoconfigure.LlmResilienceAutoConfiguration;
import dev.llmresilience.resilience.ModelCatalog;
import dev.llmresilience.springai.chat.LlmResilienceChatModel;
import dev.llmresilience.springai.chat.LlmResilienceChatOptions;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Fallback;

/**
 * Auto-configuration of {@link LlmResilienceChatModel}, a Spring AI chat model served by
 * the {@link LlmTemplate}, as the bean {@code llmResilienceChatModel}.
 * <p>
 * The bean is a {@link Fallback @Fallback} candidate: where the application has a chat
 * model of its own, injection by type keeps getting that one, and this one is picked by
 * its name or its type; where it is the only chat model, it is injected wherever a
 * {@link ChatModel} is asked for, Spring AI's {@code ChatClient.Builder} included.
 *
 * @author llm-resilience
 */
@AutoConfiguration(after = LlmResilienceAutoConfiguration.class,
		afterName = "org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration")
@ConditionalOnClass(ChatModel.class)
@ConditionalOnBean(LlmTemplate.class)
@ConditionalOnBooleanProperty(name = "llm.resilience.spring-ai.chat-model.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LlmResilienceChatModelProperties.class)
public class LlmResilienceChatModelAutoConfiguration {

	/**
	 * The name of the auto-configured chat model bean.
	 */
	public static final String BEAN_NAME = "llmResilienceChatModel";

	@Bean(BEAN_NAME)
	@Fallback
	@ConditionalOnMissingBean(name = BEAN_NAME)
	LlmResilienceChatModel llmResilienceChatModel(LlmTemplate template, LlmResilienceChatModelProperties properties,
			ModelCatalog catalog, ObjectProvider<ToolCallingManager> toolCallingManager,
			ObjectProvider<ObjectMapper> objectMapper) {
		return new LlmResilienceChatModel(template, defaultOptions(properties, catalog),
				toolCallingManager.getIfUnique(() -> ToolCallingManager.builder().build()),
				objectMapper.getIfUnique(ObjectMapper::new));
	}

	private static LlmResilienceChatOptions defaultOptions(LlmResilienceChatModelProperties properties,
			ModelCatalog catalog) {
		ChatModelTargetCheck.check(properties.getChain(), properties.getModel(), catalog);
		return LlmResilienceChatOptions.builder()
			.chain(properties.getChain())
			.model(properties.getModel())
			.priority(properties.getPriority())
			.timeout(properties.getTimeout())
			.build();
	}

}
