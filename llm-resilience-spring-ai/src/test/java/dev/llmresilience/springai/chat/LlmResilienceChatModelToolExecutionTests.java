package dev.llmresilience.springai.chat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.llmresilience.autoconfigure.LlmResilienceAutoConfiguration;
import dev.llmresilience.springai.SpringAiTestSupport;
import dev.llmresilience.springai.autoconfigure.LlmResilienceChatModelAutoConfiguration;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the tool calls that Spring AI 1.1's chat models execute themselves unless
 * their options say not to: with internal tool execution off,
 * {@link LlmResilienceChatModel} returns the tool calls through {@link ChatClient}, over
 * real HTTP against a fake provider. Spring AI 2.0's generation has its own.
 */
class LlmResilienceChatModelToolExecutionTests {

	private final FakeProviderServer server = FakeProviderServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(SpringAiTestSupport.webClient())
		.withConfiguration(AutoConfigurations.of(ToolCallingAutoConfiguration.class,
				LlmResilienceAutoConfiguration.class, LlmResilienceChatModelAutoConfiguration.class))
		.withPropertyValues("llm.resilience.providers.claude.type=anthropic",
				"llm.resilience.providers.claude.base-url=" + this.server.baseUrl(),
				"llm.resilience.providers.claude.api-key=test-key", "llm.resilience.models.primary.provider=claude",
				"llm.resilience.models.primary.name=claude-primary", "llm.resilience.chains.default[0]=primary");

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void toolCallsAreReturnedWhenInternalToolExecutionIsOffAndTheResultsGoBack() {
		this.server.model("claude-primary")
			.enqueue(FakeReply.toolCall("toolu_7", "weather", "{\"city\":\"Rome\"}"))
			.text("Warm in Rome");
		WeatherTools tools = new WeatherTools();
		this.contextRunner.run((context) -> {
			LlmResilienceChatModel chatModel = chatModel(context);
			ChatResponse response = ChatClient.create(chatModel)
				.prompt()
				.options(LlmResilienceChatOptions.builder().internalToolExecutionEnabled(false).build())
				.user("Weather in Rome?")
				.tools(tools)
				.call()
				.chatResponse();
			assertThat(tools.cities).isEmpty();
			assertThat(response.hasToolCalls()).isTrue();
			AssistantMessage.ToolCall call = response.getResult().getOutput().getToolCalls().get(0);
			assertThat(call.id()).isEqualTo("toolu_7");
			assertThat(call.name()).isEqualTo("weather");
			assertThat(call.arguments()).isEqualTo("{\"city\":\"Rome\"}");
			assertThat(response.getResult().getMetadata().getFinishReason()).isEqualTo("TOOL_USE");
			Prompt followUp = new Prompt(List.of(new UserMessage("Weather in Rome?"), response.getResult().getOutput(),
					ToolResponseMessage.builder()
						.responses(List.of(new ToolResponseMessage.ToolResponse("toolu_7", "weather", "\"Warm\"")))
						.build()));
			assertThat(chatModel.call(followUp).getResult().getOutput().getText()).isEqualTo("Warm in Rome");
		});
		assertThat(this.server.requests().last().toolResultIds()).containsExactly("toolu_7");
	}

	@Test
	void theInternalToolExecutionDefaultComesFromTheProperties() {
		this.contextRunner
			.withPropertyValues("llm.resilience.spring-ai.chat-model.internal-tool-execution-enabled=false")
			.run((context) -> assertThat(((LlmResilienceChatOptions) chatModel(context).getDefaultOptions())
				.getInternalToolExecutionEnabled()).isFalse());
	}

	private static LlmResilienceChatModel chatModel(AssertableApplicationContext context) {
		return context.getBean(LlmResilienceChatModelAutoConfiguration.BEAN_NAME, LlmResilienceChatModel.class);
	}

	static class WeatherTools {

		final List<String> cities = new CopyOnWriteArrayList<>();

		@Tool(description = "The current weather of a city")
		String weather(String city) {
			this.cities.add(city);
			return "Sunny, 24 degrees";
		}

	}

}
