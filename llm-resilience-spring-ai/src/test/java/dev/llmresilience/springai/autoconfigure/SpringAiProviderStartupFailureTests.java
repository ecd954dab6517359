package dev.llmresilience.springai.autoconfigure;

import java.util.List;

import dev.llmresilience.LlmTemplate;
import dev.llmresilience.autoconfigure.InvalidLlmPropertyException;
import dev.llmresilience.autoconfigure.LlmResilienceAutoConfiguration;
import dev.llmresilience.springai.SpringAiTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that a {@code spring-ai} provider naming a bean the application lacks fails the
 * start-up, naming the property and the chat models there are.
 */
class SpringAiProviderStartupFailureTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(SpringAiTestSupport.webClient())
		.withConfiguration(
				AutoConfigurations.of(LlmResilienceAutoConfiguration.class, SpringAiProviderAutoConfiguration.class))
		.withUserConfiguration(ChatModelConfiguration.class)
		.withPropertyValues("llm.resilience.providers.bedrock.type=spring-ai",
				"llm.resilience.models.titan.provider=bedrock", "llm.resilience.chains.main[0]=titan");

	@Test
	void providerNamingABeanThatDoesNotExistFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("llm.resilience.providers.bedrock.chat-model=bedrockChatModel")
			.run((context) -> {
				InvalidLlmPropertyException failure = InvalidPropertyFailure.of(context.getStartupFailure());
				assertThat(failure.getProperty()).isEqualTo("llm.resilience.providers.bedrock.chat-model");
				assertThat(failure.getMessage()).contains("no bean 'bedrockChatModel' exists");
				assertThat(failure.getAction()).contains("[cannedChatModel]");
			});
	}

	@Test
	void providerNamingABeanThatIsNoChatModelFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("llm.resilience.providers.bedrock.chat-model=notAChatModel")
			.run((context) -> {
				InvalidLlmPropertyException failure = InvalidPropertyFailure.of(context.getStartupFailure());
				assertThat(failure.getProperty()).isEqualTo("llm.resilience.providers.bedrock.chat-model");
				assertThat(failure.getMessage())
					.contains("bean 'notAChatModel' is not a Spring AI ChatModel but a String");
			});
	}

	@Test
	void providerNamingAChatModelThatNeedsLlmResilienceItselfFailsNamingTheProperty() {
		this.contextRunner.withUserConfiguration(TemplateChatModelConfiguration.class)
			.withPropertyValues("llm.resilience.providers.bedrock.chat-model=templateChatModel")
			.run((context) -> {
				InvalidLlmPropertyException failure = InvalidPropertyFailure.of(context.getStartupFailure());
				assertThat(failure.getProperty()).isEqualTo("llm.resilience.providers.bedrock.chat-model");
				assertThat(failure.getMessage()).contains("needs llm-resilience itself");
			});
	}

	@Test
	void providerNamingAChatModelBeanStarts() {
		this.contextRunner.withPropertyValues("llm.resilience.providers.bedrock.chat-model=cannedChatModel")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Configuration(proxyBeanMethods = false)
	static class ChatModelConfiguration {

		@Bean
		ChatModel cannedChatModel() {
			return new ChatModel() {

				@Override
				public ChatResponse call(Prompt prompt) {
					throw new UnsupportedOperationException("not called at start-up");
				}

			};
		}

		@Bean
		String notAChatModel() {
			return "a string";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TemplateChatModelConfiguration {

		@Bean
		ChatModel templateChatModel(LlmTemplate template) {
			return (prompt) -> new ChatResponse(List.of());
		}

	}

}
