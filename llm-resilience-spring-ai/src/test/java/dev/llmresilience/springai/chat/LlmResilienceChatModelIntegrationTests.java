package dev.llmresilience.springai.chat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmCost;
import dev.llmresilience.LlmPriority;
import dev.llmresilience.autoconfigure.LlmResilienceAutoConfiguration;
import dev.llmresilience.error.LlmAuthenticationException;
import dev.llmresilience.error.LlmTimeoutException;
import dev.llmresilience.error.LlmUnknownTargetException;
import dev.llmresilience.springai.SpringAiTestSupport;
import dev.llmresilience.springai.autoconfigure.LlmResilienceChatModelAutoConfiguration;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import dev.llmresilience.test.ReceivedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.ai.chat.client.AdvisorParams;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.MessageChatMemoryAdvisor;
import org.springframework.ai.chat.client.advisor.SimpleLoggerAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.content.Media;
import org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.util.MimeTypeUtils;

import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Spring AI's {@link ChatClient} served by the auto-configured
 * {@link LlmResilienceChatModel}, over real HTTP against a fake provider: a chain of an
 * Anthropic model, then an OpenAI model.
 */
class LlmResilienceChatModelIntegrationTests {

	private final FakeProviderServer server = FakeProviderServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(SpringAiTestSupport.webClient())
		.withConfiguration(AutoConfigurations.of(ToolCallingAutoConfiguration.class,
				LlmResilienceAutoConfiguration.class, LlmResilienceChatModelAutoConfiguration.class))
		.withPropertyValues("llm.resilience.providers.claude.type=anthropic",
				"llm.resilience.providers.claude.base-url=" + this.server.baseUrl(),
				"llm.resilience.providers.claude.api-key=test-key", "llm.resilience.providers.gpt.type=openai",
				"llm.resilience.providers.gpt.base-url=" + this.server.baseUrl(),
				"llm.resilience.providers.gpt.api-key=test-key", "llm.resilience.models.primary.provider=claude",
				"llm.resilience.models.primary.name=claude-primary", "llm.resilience.models.backup.provider=gpt",
				"llm.resilience.models.backup.name=gpt-backup", "llm.resilience.chains.default[0]=primary",
				"llm.resilience.chains.default[1]=backup", "llm.resilience.retry.max-attempts=2",
				"llm.resilience.retry.initial-backoff=1ms", "llm.resilience.retry.max-backoff=1ms");

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void toolLoopWithAnAdvisorFallsBackMidLoopAndTheToolResultReachesTheSecondProvider() {
		this.server.model("claude-primary")
			.enqueue(FakeReply.toolCall("toolu_1", "weather", "{\"city\":\"Paris\"}"))
			.reply(FakeReply.error(529));
		this.server.model("gpt-backup").text("Sunny in Paris");
		WeatherTools tools = new WeatherTools();
		ChatMemory memory = MessageWindowChatMemory.builder().build();
		this.contextRunner.run((context) -> {
			ChatClient client = ChatClient.builder(chatModel(context))
				.defaultAdvisors(MessageChatMemoryAdvisor.builder(memory).build(), new SimpleLoggerAdvisor())
				.build();
			ChatResponse response = client.prompt()
				.advisors((advisor) -> advisor.param(ChatMemory.CONVERSATION_ID, "weather"))
				.user("What is the weather in Paris?")
				.tools(tools)
				.call()
				.chatResponse();
			assertThat(response.getResult().getOutput().getText()).isEqualTo("Sunny in Paris");
			assertThat(tools.cities).containsExactly("Paris");
			assertThat((Boolean) response.getMetadata().get(LlmResilienceChatModel.FALLBACK_KEY)).isTrue();
			assertThat((String) response.getMetadata().get(LlmResilienceChatModel.MODEL_ID_KEY)).isEqualTo("backup");
			assertThat((String) response.getMetadata().get(LlmResilienceChatModel.PROVIDER_KEY)).isEqualTo("gpt");
			List<LlmAttempt> attempts = response.getMetadata().get(LlmResilienceChatModel.ATTEMPTS_KEY);
			assertThat(attempts).extracting(LlmAttempt::model).containsExactly("primary", "primary", "backup");
			assertThat(this.server.requests().forModel("claude-primary")).hasSize(3)
				.first()
				.satisfies((first) -> assertThat(first.toolNames()).containsExactly("weather"));
			ReceivedRequest second = this.server.requests().forModel("gpt-backup").get(0);
			assertThat(second.toolCallIds()).containsExactly("toolu_1");
			assertThat(second.toolResultIds()).containsExactly("toolu_1");
			assertThat(second.bodyText()).contains("Sunny, 24 degrees");
			// the memory advisor keeps the exchange, as with any chat model
			assertThat(memory.get("weather")).extracting(Message::getText)
				.containsExactly("What is the weather in Paris?", "Sunny in Paris");
		});
	}

	@Test
	void responseMetadataHoldsUsageModelStopReasonAndTheAttempts() {
		this.server.model("claude-primary").text("Hello").inputTokens(12);
		this.contextRunner.run((context) -> {
			ChatResponse response = ChatClient.create(chatModel(context)).prompt().user("Hi").call().chatResponse();
			assertThat(response.getResult().getOutput().getText()).isEqualTo("Hello");
			assertThat(response.getResult().getMetadata().getFinishReason()).isEqualTo("END_TURN");
			assertThat(response.getMetadata().getModel()).isEqualTo("claude-primary");
			assertThat(response.getMetadata().getId()).isNotBlank();
			assertThat(response.getMetadata().getUsage().getPromptTokens()).isEqualTo(12);
			assertThat(response.getMetadata().getUsage().getCompletionTokens()).isPositive();
			assertThat((Boolean) response.getMetadata().get(LlmResilienceChatModel.FALLBACK_KEY)).isFalse();
			List<LlmAttempt> attempts = response.getMetadata().get(LlmResilienceChatModel.ATTEMPTS_KEY);
			assertThat(attempts).singleElement()
				.satisfies((attempt) -> assertThat(attempt.outcome()).isEqualTo(LlmAttempt.Outcome.SUCCESS));
			// no prices configured: the cost is unknown, not zero
			LlmCost cost = response.getMetadata().get(LlmResilienceChatModel.COST_KEY);
			assertThat(cost).isEqualTo(LlmCost.UNKNOWN);
		});
	}

	@Test
	void streamsAnAnswerThroughChatClient() {
		this.server.model("claude-primary").pieces("Hello", " from", " Claude");
		this.contextRunner.run((context) -> {
			ChatClient client = ChatClient.create(chatModel(context));
			StepVerifier.create(client.prompt().user("Hi").stream().content().filter((text) -> !text.isEmpty()))
				.expectNext("Hello", " from", " Claude")
				.expectComplete()
				.verify(TIMEOUT);
			List<ChatResponse> responses = client.prompt()
				.user("Hi")
				.stream()
				.chatResponse()
				.collectList()
				.block(TIMEOUT);
			ChatResponse last = responses.get(responses.size() - 1);
			assertThat(last.getResult().getMetadata().getFinishReason()).isEqualTo("END_TURN");
			assertThat(last.getMetadata().getUsage().getTotalTokens()).isPositive();
			assertThat((String) last.getMetadata().get(LlmResilienceChatModel.MODEL_ID_KEY)).isEqualTo("primary");
		});
		assertThat(this.server.requests().forModel("claude-primary"))
			.allSatisfy((request) -> assertThat(request.stream()).isTrue());
	}

	@Test
	void streamsAToolLoopThroughChatClient() {
		this.server.model("claude-primary")
			.enqueue(FakeReply.toolCall("toolu_1", "weather", "{\"city\":\"Lyon\"}"))
			.pieces("It is", " sunny");
		WeatherTools tools = new WeatherTools();
		this.contextRunner.run((context) -> {
			List<String> texts = ChatClient.create(chatModel(context))
				.prompt()
				.user("Weather in Lyon?")
				.tools(tools)
				.stream()
				.content()
				.collectList()
				.block(TIMEOUT);
			assertThat(String.join("", texts)).isEqualTo("It is sunny");
		});
		assertThat(tools.cities).containsExactly("Lyon");
		assertThat(this.server.requests().forModel("claude-primary").get(1).toolResultIds()).containsExactly("toolu_1");
	}

	@Test
	void structuredOutputThroughEntity() {
		this.server.model("claude-primary").text("{\"city\":\"Paris\",\"temperatureCelsius\":24}");
		this.contextRunner.run((context) -> {
			Weather weather = ChatClient.create(chatModel(context))
				.prompt()
				.user("The weather in Paris?")
				.call()
				.entity(Weather.class);
			assertThat(weather).isEqualTo(new Weather("Paris", 24));
		});
		// the converter's format instructions went with the prompt
		assertThat(this.server.requests().last().bodyText()).contains("temperatureCelsius");
	}

	@Test
	void nativeStructuredOutputReachesTheProviderAsAnOutputSchema() {
		this.server.model("gpt-backup").text("{\"city\":\"Oslo\",\"temperatureCelsius\":-3}");
		this.contextRunner.run((context) -> {
			Weather weather = ChatClient.create(chatModel(context))
				.prompt()
				.options(SpringAiTestSupport.clientOptions(LlmResilienceChatOptions.builder().model("backup").build()))
				.advisors(AdvisorParams.ENABLE_NATIVE_STRUCTURED_OUTPUT)
				.user("The weather in Oslo?")
				.call()
				.entity(Weather.class);
			assertThat(weather).isEqualTo(new Weather("Oslo", -3));
		});
		JsonNode format = this.server.requests().last().body().path("response_format");
		assertThat(format.path("type").asText()).isEqualTo("json_schema");
		assertThat(format.path("json_schema").path("schema").path("properties").has("temperatureCelsius")).isTrue();
	}

	@Test
	void optionsOfThePromptChooseTheModelAndPortableOptionsReachTheProvider() {
		this.contextRunner.run((context) -> {
			ChatClient client = ChatClient.create(chatModel(context));
			client.prompt()
				.options(SpringAiTestSupport.clientOptions(
						LlmResilienceChatOptions.builder().model("backup").priority(LlmPriority.HIGH).build()))
				.user("Hi")
				.call()
				.content();
			client.prompt()
				.options(SpringAiTestSupport.clientOptions(
						ChatOptions.builder().maxTokens(123).temperature(0.25).stopSequences(List.of("END")).build()))
				.user("Hi")
				.call()
				.content();
		});
		assertThat(this.server.requests().count("gpt-backup")).isOne();
		JsonNode body = this.server.requests().forModel("claude-primary").get(0).body();
		assertThat(body.path("max_tokens").asInt()).isEqualTo(123);
		assertThat(body.path("temperature").asDouble()).isEqualTo(0.25);
		assertThat(body.path("stop_sequences").get(0).asText()).isEqualTo("END");
	}

	@Test
	void anOptionWithoutANeutralFormIsRefusedBeforeAnyCall() {
		this.contextRunner.run((context) -> {
			ChatClient client = ChatClient.create(chatModel(context));
			assertThatExceptionOfType(UnsupportedPromptException.class)
				.isThrownBy(() -> client.prompt()
					.options(SpringAiTestSupport.clientOptions(ChatOptions.builder().topK(5).build()))
					.user("Hi")
					.call()
					.content())
				.withMessageContaining("topK");
		});
		assertThat(this.server.requests().count()).isZero();
	}

	@Test
	void theModelOfPortableOptionsIsAConfiguredModelIdNotAProviderModelName() {
		this.contextRunner.run((context) -> {
			ChatClient client = ChatClient.create(chatModel(context));
			assertThatExceptionOfType(LlmUnknownTargetException.class)
				.isThrownBy(() -> client.prompt()
					.options(SpringAiTestSupport.clientOptions(ChatOptions.builder().model("gpt-4o").build()))
					.user("Hi")
					.call()
					.content())
				.withMessageContaining("gpt-4o");
			client.prompt()
				.options(SpringAiTestSupport.clientOptions(ChatOptions.builder().model("backup").build()))
				.user("Hi")
				.call()
				.content();
		});
		assertThat(this.server.requests().all()).extracting(ReceivedRequest::model).containsExactly("gpt-backup");
	}

	@Test
	void theTimeoutOfTheOptionsBoundsTheCall() {
		this.server.model("claude-primary").latency(Duration.ofSeconds(30));
		this.contextRunner.run((context) -> {
			ChatClient client = ChatClient.create(chatModel(context));
			assertThatExceptionOfType(LlmTimeoutException.class).isThrownBy(() -> client.prompt()
				.options(SpringAiTestSupport.clientOptions(
						LlmResilienceChatOptions.builder().model("primary").timeout(Duration.ofMillis(300)).build()))
				.user("Hi")
				.call()
				.content());
		});
	}

	@Test
	void imagesReachTheProviderAsImageBlocks() {
		byte[] png = { (byte) 0x89, 'P', 'N', 'G' };
		this.contextRunner.run((context) -> ChatClient.create(chatModel(context))
			.prompt()
			.user((user) -> user.text("What are these?")
				.media(new Media(MimeTypeUtils.IMAGE_PNG, new ByteArrayResource(png)),
						Media.builder()
							.mimeType(MimeTypeUtils.IMAGE_JPEG)
							.data(URI.create("https://images.example/cat.jpg"))
							.build()))
			.call()
			.content());
		JsonNode content = this.server.requests().last().messages().get(0).path("content");
		assertThat(content.get(0).path("type").asText()).isEqualTo("text");
		assertThat(content.get(1).path("type").asText()).isEqualTo("image");
		assertThat(content.get(1).path("source").path("type").asText()).isEqualTo("base64");
		assertThat(content.get(1).path("source").path("media_type").asText()).isEqualTo("image/png");
		assertThat(content.get(2).path("source").path("url").asText()).isEqualTo("https://images.example/cat.jpg");
	}

	@Test
	void typedErrorsReachTheChatClientCaller() {
		this.server.model("claude-primary").reply(FakeReply.error(401));
		this.contextRunner.run((context) -> {
			ChatClient client = ChatClient.create(chatModel(context));
			LlmResilienceChatOptions primaryOnly = LlmResilienceChatOptions.builder().model("primary").build();
			assertThatExceptionOfType(LlmAuthenticationException.class).isThrownBy(() -> client.prompt()
				.options(SpringAiTestSupport.clientOptions(primaryOnly))
				.user("Hi")
				.call()
				.content());
			StepVerifier
				.create(client.prompt()
					.options(SpringAiTestSupport.clientOptions(primaryOnly))
					.user("Hi")
					.stream()
					.content())
				.expectError(LlmAuthenticationException.class)
				.verify(TIMEOUT);
		});
	}

	private static LlmResilienceChatModel chatModel(AssertableApplicationContext context) {
		return context.getBean(LlmResilienceChatModelAutoConfiguration.BEAN_NAME, LlmResilienceChatModel.class);
	}

	record Weather(String city, int temperatureCelsius) {
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
