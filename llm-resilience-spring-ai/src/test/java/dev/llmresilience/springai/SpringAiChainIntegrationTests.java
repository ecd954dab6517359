package dev.llmresilience.springai;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmMessage;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.LlmTool;
import dev.llmresilience.actuate.LlmHealthIndicator;
import dev.llmresilience.autoconfigure.LlmResilienceAutoConfiguration;
import dev.llmresilience.error.LlmAuthenticationException;
import dev.llmresilience.error.LlmConnectionException;
import dev.llmresilience.resilience.ModelCatalog;
import dev.llmresilience.springai.provider.SpringAiChatModelProvider;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A chain whose last link is the chat model bean of Spring AI's own auto-configuration,
 * pointed at a fake provider over real HTTP, after a native OpenAI model of
 * llm-resilience on the same fake.
 */
class SpringAiChainIntegrationTests {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final FakeProviderServer server = FakeProviderServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(SpringAiTestSupport.springAiChatModel())
		.withConfiguration(AutoConfigurations.of(LlmResilienceAutoConfiguration.class))
		.withConfiguration(SpringAiTestSupport.providers())
		.withConfiguration(SpringAiTestSupport.health())
		.withPropertyValues(NativeThenSpringAiChain.properties(this.server.baseUrl()))
		.withPropertyValues("llm.resilience.retry.max-attempts=2", "llm.resilience.retry.initial-backoff=1ms",
				"llm.resilience.retry.max-backoff=1ms");

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void theChainHasTheSpringAiModelBeanAsAProvider() {
		this.contextRunner.run((context) -> {
			ModelCatalog catalog = context.getBean(ModelCatalog.class);
			assertThat(catalog.providerOf(catalog.getModels().get("backup"))).isInstanceOfSatisfying(
					SpringAiChatModelProvider.class, (provider) -> assertThat(provider.getChatModel())
						.isSameAs(context.getBean(SpringAiTestSupport.CHAT_MODEL_BEAN)));
		});
	}

	@Test
	void fallsBackToTheSpringAiModelWhenTheNativeModelFails() {
		this.server.model("gpt-primary").reply(FakeReply.error(503));
		this.server.model("gpt-backup").text("Hello from Spring AI");
		this.contextRunner.run((context) -> {
			LlmResponse response = context.getBean(LlmTemplate.class).call(LlmRequest.ofPrompt("Hi")).block(TIMEOUT);
			assertThat(response.text()).isEqualTo("Hello from Spring AI");
			assertThat(response.model()).isEqualTo("backup");
			assertThat(response.provider()).isEqualTo("springai");
			assertThat(response.fallback()).isTrue();
			assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome)
				.containsExactly(tuple("primary", LlmAttempt.Outcome.FAILURE),
						tuple("primary", LlmAttempt.Outcome.FAILURE), tuple("backup", LlmAttempt.Outcome.SUCCESS));
			assertThat(this.server.requests().count("gpt-primary")).isEqualTo(2);
			assertThat(this.server.requests().count("gpt-backup")).isOne();
		});
	}

	@Test
	void streamsFromTheSpringAiModelWhenTheNativeModelFails() {
		this.server.model("gpt-primary").reply(FakeReply.error(529));
		this.server.model("gpt-backup").pieces("Hello", " from", " Spring AI");
		this.contextRunner
			.run((context) -> StepVerifier.create(context.getBean(LlmTemplate.class).stream(LlmRequest.ofPrompt("Hi")))
				.expectNext(new LlmStreamEvent.TextDelta("Hello"), new LlmStreamEvent.TextDelta(" from"),
						new LlmStreamEvent.TextDelta(" Spring AI"))
				.assertNext((event) -> {
					LlmResponse response = ((LlmStreamEvent.Completion) event).response();
					assertThat(response.text()).isEqualTo("Hello from Spring AI");
					assertThat(response.model()).isEqualTo("backup");
					assertThat(response.fallback()).isTrue();
				})
				.expectComplete()
				.verify(TIMEOUT));
		assertThat(this.server.requests().forModel("gpt-backup")).singleElement()
			.satisfies((request) -> assertThat(request.stream()).isTrue());
	}

	@Test
	void onlyThePipelineRetriesTheSpringAiModelOneHttpRequestAnAttempt() {
		this.server.model("gpt-backup").enqueue(FakeReply.error(503), FakeReply.error(500));
		this.contextRunner.withPropertyValues("llm.resilience.retry.max-attempts=3").run((context) -> {
			LlmResponse response = context.getBean(LlmTemplate.class)
				.call(LlmRequest.builder().model("backup").user("Hi").build())
				.block(TIMEOUT);
			assertThat(response.text()).isEqualTo("Hello");
			assertThat(response.attempts()).hasSize(3);
			assertThat(this.server.requests().count("gpt-backup")).isEqualTo(3);
		});
	}

	@Test
	void toolResultReachesTheSpringAiModelWhenTheNativeModelFailsInTheMiddleOfAToolLoop() throws Exception {
		this.server.model("gpt-primary")
			.enqueue(FakeReply.toolCall("call_1", "weather", "{\"city\":\"Paris\"}"))
			.reply(FakeReply.error(503));
		this.server.model("gpt-backup").text("Sunny in Paris");
		LlmTool weather = new LlmTool("weather", "The weather of a city",
				JSON.readTree("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"));
		this.contextRunner.run((context) -> {
			LlmTemplate template = context.getBean(LlmTemplate.class);
			LlmRequest first = LlmRequest.builder().user("Weather in Paris?").tool(weather).build();
			LlmResponse toolCall = template.call(first).block(TIMEOUT);
			assertThat(toolCall.model()).isEqualTo("primary");
			LlmContent.ToolCall call = toolCall.toolCalls().get(0);
			LlmRequest second = first.mutate()
				.message(toolCall.toMessage())
				.message(LlmMessage.user(LlmContent.toolResult(call.id(), "21 degrees, sunny")))
				.build();
			LlmResponse answer = template.call(second).block(TIMEOUT);
			assertThat(answer.text()).isEqualTo("Sunny in Paris");
			assertThat(answer.model()).isEqualTo("backup");
			assertThat(this.server.requests().forModel("gpt-backup")).singleElement().satisfies((request) -> {
				assertThat(request.toolCallIds()).containsExactly("call_1");
				assertThat(request.toolResultIds()).containsExactly("call_1");
				assertThat(request.bodyText()).contains("21 degrees, sunny");
				assertThat(request.toolNames()).containsExactly("weather");
			});
		});
	}

	@Test
	void breakerOfTheSpringAiModelOpensThenTheChainSkipsItAndHealthTellsIt() {
		this.server.model("gpt-backup").reply(FakeReply.error(503));
		this.contextRunner
			.withPropertyValues("llm.resilience.chains.default[0]=backup", "llm.resilience.chains.default[1]=primary",
					"llm.resilience.retry.max-attempts=1",
					"llm.resilience.circuit-breaker.sliding-window-type=count-based",
					"llm.resilience.circuit-breaker.sliding-window-size=2",
					"llm.resilience.circuit-breaker.minimum-number-of-calls=2")
			.run((context) -> {
				LlmTemplate template = context.getBean(LlmTemplate.class);
				for (int i = 0; i < 3; i++) {
					assertThat(template.call(LlmRequest.ofPrompt("Hi")).block(TIMEOUT).model()).isEqualTo("primary");
				}
				assertThat(this.server.requests().count("gpt-backup")).isEqualTo(2);
				assertThat(this.server.requests().count("gpt-primary")).isEqualTo(3);
				var health = context.getBean(LlmHealthIndicator.class).health().block(TIMEOUT);
				// a model of the chain is out, the chain still answers
				assertThat(health.getStatus().getCode()).isEqualTo("DEGRADED");
				assertThat(health.getDetails().get("models").toString()).contains("backup").contains("OPEN");
			});
	}

	@Test
	void errorOfTheSpringAiModelReachesTheCallerTyped() {
		this.server.model("gpt-primary").reply(FakeReply.error(503));
		this.server.model("gpt-backup").reply(FakeReply.error(401));
		this.contextRunner
			.run((context) -> StepVerifier.create(context.getBean(LlmTemplate.class).call(LlmRequest.ofPrompt("Hi")))
				.expectErrorSatisfies((error) -> {
					assertThat(error).isInstanceOf(LlmAuthenticationException.class);
					assertThat(((LlmAuthenticationException) error).getModel()).isEqualTo("backup");
				})
				.verify(TIMEOUT));
		// not retried: a wrong key stays wrong
		assertThat(this.server.requests().count("gpt-backup")).isOne();
	}

	@Test
	void springAiRetryOnStillLeavesOneHttpRequestAnAttempt() {
		this.server.model("gpt-backup")
			.enqueue(FakeReply.error(503).header("retry-after-ms", "1"),
					FakeReply.error(500).header("retry-after-ms", "1"));
		this.contextRunner.withPropertyValues(SpringAiTestSupport.ownRetryProperties(10))
			.withPropertyValues("llm.resilience.retry.max-attempts=3")
			.run((context) -> {
				LlmResponse response = context.getBean(LlmTemplate.class)
					.call(LlmRequest.builder().model("backup").user("Hi").build())
					.block(TIMEOUT);
				assertThat(response.text()).isEqualTo("Hello");
				assertThat(response.attempts()).extracting(LlmAttempt::outcome)
					.containsExactly(LlmAttempt.Outcome.FAILURE, LlmAttempt.Outcome.FAILURE,
							LlmAttempt.Outcome.SUCCESS);
				assertThat(this.server.requests().count("gpt-backup")).isEqualTo(3);
			});
	}

	@Test
	void aStreamOfTheSpringAiModelIsOneHttpRequestAnAttempt() {
		this.server.model("gpt-backup").enqueue(FakeReply.error(503).header("retry-after-ms", "1"));
		this.server.model("gpt-backup").pieces("Hello", " again");
		this.contextRunner.withPropertyValues(SpringAiTestSupport.ownRetryProperties(10))
			.run((context) -> StepVerifier
				.create(context.getBean(LlmTemplate.class)
					.stream(LlmRequest.builder().model("backup").user("Hi").build()))
				.expectNext(new LlmStreamEvent.TextDelta("Hello"), new LlmStreamEvent.TextDelta(" again"))
				.assertNext((event) -> assertThat(((LlmStreamEvent.Completion) event).response().attempts())
					.extracting(LlmAttempt::outcome)
					.containsExactly(LlmAttempt.Outcome.FAILURE, LlmAttempt.Outcome.SUCCESS))
				.expectComplete()
				.verify(TIMEOUT));
		assertThat(this.server.requests().count("gpt-backup")).isEqualTo(2);
	}

	@Test
	void aBrokenConnectionOfTheSpringAiModelIsOneAttempt() {
		this.server.model("gpt-backup").enqueue(FakeReply.reset());
		this.contextRunner.withPropertyValues(SpringAiTestSupport.ownRetryProperties(10)).run((context) -> {
			LlmResponse response = context.getBean(LlmTemplate.class)
				.call(LlmRequest.builder().model("backup").user("Hi").build())
				.block(TIMEOUT);
			assertThat(response.text()).isEqualTo("Hello");
			assertThat(response.attempts()).extracting(LlmAttempt::errorType)
				.containsExactly(LlmConnectionException.class.getSimpleName(), null);
			assertThat(this.server.requests().count("gpt-backup")).isEqualTo(2);
		});
	}

	@Test
	void theSameChatModelCalledDirectlyKeepsSpringAiRetry() {
		// the header keeps the wait of a retry that goes by it short
		this.server.model("gpt-backup").enqueue(FakeReply.error(503).header("retry-after-ms", "1"));
		this.contextRunner.withPropertyValues(SpringAiTestSupport.ownRetryProperties(3)).run((context) -> {
			ChatModel chatModel = context.getBean(SpringAiTestSupport.CHAT_MODEL_BEAN, ChatModel.class);
			ChatResponse response = chatModel
				.call(new Prompt("Hi", SpringAiTestSupport.chatModelOptions("gpt-backup")));
			assertThat(response.getResult().getOutput().getText()).isEqualTo("Hello");
			assertThat(this.server.requests().count("gpt-backup")).isEqualTo(2);
		});
	}

}
