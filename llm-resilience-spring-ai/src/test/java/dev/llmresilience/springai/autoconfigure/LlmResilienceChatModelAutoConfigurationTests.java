package dev.llmresilience.springai.autoconfigure;

import java.time.Duration;
import java.util.List;

import dev.llmresilience.LlmPriority;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.autoconfigure.InvalidLlmPropertyException;
import dev.llmresilience.autoconfigure.LlmResilienceAutoConfiguration;
import dev.llmresilience.springai.SpringAiTestSupport;
import dev.llmresilience.springai.chat.LlmResilienceChatModel;
import dev.llmresilience.springai.chat.LlmResilienceChatOptions;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmResilienceChatModelAutoConfiguration}.
 */
class LlmResilienceChatModelAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(SpringAiTestSupport.webClient())
		.withConfiguration(AutoConfigurations.of(LlmResilienceAutoConfiguration.class,
				LlmResilienceChatModelAutoConfiguration.class))
		.withPropertyValues("llm.resilience.providers.claude.type=anthropic",
				"llm.resilience.providers.claude.api-key=test-key", "llm.resilience.models.sonnet.provider=claude",
				"llm.resilience.models.sonnet.name=claude-sonnet", "llm.resilience.models.haiku.provider=claude",
				"llm.resilience.models.haiku.name=claude-haiku", "llm.resilience.chains.default[0]=sonnet",
				"llm.resilience.chains.default[1]=haiku", "llm.resilience.chains.cheap[0]=haiku");

	@Test
	void createsTheChatModelAsTheOnlyChatModel() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ChatModel.class)
				.hasBean(LlmResilienceChatModelAutoConfiguration.BEAN_NAME);
			assertThat(context.getBean(ChatModel.class)).isInstanceOf(LlmResilienceChatModel.class);
		});
	}

	@Test
	void defaultOptionsComeFromTheProperties() {
		this.contextRunner.withPropertyValues("llm.resilience.spring-ai.chat-model.chain=cheap",
				"llm.resilience.spring-ai.chat-model.priority=high", "llm.resilience.spring-ai.chat-model.timeout=20s")
			.run((context) -> {
				LlmResilienceChatOptions options = (LlmResilienceChatOptions) context
					.getBean(LlmResilienceChatModel.class)
					.getDefaultOptions();
				assertThat(options.getChain()).isEqualTo("cheap");
				assertThat(options.getModel()).isNull();
				assertThat(options.getPriority()).isEqualTo(LlmPriority.HIGH);
				assertThat(options.getTimeout()).isEqualTo(Duration.ofSeconds(20));
			});
	}

	@Test
	void anApplicationChatModelStaysTheOneInjectedByType() {
		this.contextRunner.withUserConfiguration(ApplicationChatModelConfiguration.class).run((context) -> {
			assertThat(context).getBeans(ChatModel.class).hasSize(2);
			ChatModel applicationModel = context.getBean("applicationChatModel", ChatModel.class);
			assertThat(context.getBean(ChatModel.class)).isSameAs(applicationModel);
			assertThat(context.getBean(ChatModelUser.class).chatModel).isSameAs(applicationModel);
			assertThat(context.getBean(LlmResilienceChatModel.class))
				.isSameAs(context.getBean(LlmResilienceChatModelAutoConfiguration.BEAN_NAME));
		});
	}

	@Test
	void backsOffToABeanOfTheSameName() {
		this.contextRunner.withUserConfiguration(SameNameConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(LlmResilienceChatModel.class);
			assertThat(((LlmResilienceChatOptions) context.getBean(LlmResilienceChatModel.class).getDefaultOptions())
				.getChain()).isEqualTo("cheap");
		});
	}

	@Test
	void usesTheToolCallingManagerOfTheApplication() {
		ToolCallingManager manager = ToolCallingManager.builder().build();
		this.contextRunner.withBean(ToolCallingManager.class, () -> manager)
			.run((context) -> assertThat(context).hasSingleBean(LlmResilienceChatModel.class));
	}

	@Test
	void isOffWhenDisabled() {
		this.contextRunner.withPropertyValues("llm.resilience.spring-ai.chat-model.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LlmResilienceChatModel.class));
	}

	@Test
	void isOffWithoutATemplate() {
		this.contextRunner.withPropertyValues("llm.resilience.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LlmResilienceChatModel.class));
	}

	@Test
	void isOffWithoutSpringAiOnTheClassPath() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ChatModel.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LlmResilienceChatModel.class));
	}

	@Test
	void aChainAndAModelTogetherFailTheStartUpNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("llm.resilience.spring-ai.chat-model.chain=cheap",
					"llm.resilience.spring-ai.chat-model.model=sonnet")
			.run((context) -> {
				InvalidLlmPropertyException failure = InvalidPropertyFailure.of(context.getStartupFailure());
				assertThat(failure.getProperty()).isEqualTo("llm.resilience.spring-ai.chat-model.model");
				assertThat(failure.getMessage()).contains("a prompt goes to a chain or a model");
			});
	}

	@Test
	void aChainThatIsNotConfiguredFailsTheStartUpNamingTheProperty() {
		this.contextRunner.withPropertyValues("llm.resilience.spring-ai.chat-model.chain=premium").run((context) -> {
			InvalidLlmPropertyException failure = InvalidPropertyFailure.of(context.getStartupFailure());
			assertThat(failure.getProperty()).isEqualTo("llm.resilience.spring-ai.chat-model.chain");
			assertThat(failure.getMessage()).contains("no chain 'premium' is configured");
			assertThat(failure.getAction()).contains("cheap").contains("default");
		});
	}

	@Test
	void aModelThatIsNotConfiguredFailsTheStartUpNamingTheProperty() {
		this.contextRunner.withPropertyValues("llm.resilience.spring-ai.chat-model.model=opus").run((context) -> {
			InvalidLlmPropertyException failure = InvalidPropertyFailure.of(context.getStartupFailure());
			assertThat(failure.getProperty()).isEqualTo("llm.resilience.spring-ai.chat-model.model");
			assertThat(failure.getMessage()).contains("no model 'opus' is configured");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationChatModelConfiguration {

		@Bean
		ChatModel applicationChatModel() {
			return (prompt) -> new ChatResponse(List.of());
		}

		@Bean
		ChatModelUser chatModelUser(ChatModel chatModel) {
			return new ChatModelUser(chatModel);
		}

	}

	static class ChatModelUser {

		final ChatModel chatModel;

		@Autowired
		ChatModelUser(ChatModel chatModel) {
			this.chatModel = chatModel;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SameNameConfiguration {

		@Bean(LlmResilienceChatModelAutoConfiguration.BEAN_NAME)
		LlmResilienceChatModel llmResilienceChatModel(LlmTemplate template) {
			return SpringAiTestSupport.chatModel(template, LlmResilienceChatOptions.builder().chain("cheap").build());
		}

	}

}
