package dev.llmresilience.springai.provider;

import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmMessage;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmOutputSchema;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmTool;
import dev.llmresilience.LlmToolChoice;
import dev.llmresilience.StopReason;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmAuthenticationException;
import dev.llmresilience.error.LlmConnectionException;
import dev.llmresilience.error.LlmInvalidRequestException;
import dev.llmresilience.error.LlmInvalidResponseException;
import dev.llmresilience.error.LlmModelNotFoundException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.error.LlmServerException;
import dev.llmresilience.error.LlmTimeoutException;
import dev.llmresilience.springai.SpringAiTestSupport;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import dev.llmresilience.test.ReceivedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.test.StepVerifier;

import org.springframework.ai.chat.model.ChatModel;

import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SpringAiChatModelProvider}, calling a Spring AI chat model
 * ({@link SpringAiTestSupport#chatModelWithoutRetry}) that speaks to a fake provider over
 * real HTTP.
 */
class SpringAiChatModelProviderTests {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final FakeProviderServer server = FakeProviderServer.start();

	private final LlmModel model = new LlmModel("backup", "spring", "gpt-backup", 1024, null);

	private final SpringAiChatModelProvider provider = provider(this.server.baseUrl(), Duration.ofSeconds(5));

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void answersWithTextUsageStopReasonAndTheModelNameSent() {
		this.server.model("gpt-backup").text("Hello from Spring AI").inputTokens(12);
		LlmResponse response = this.provider.call(this.model, LlmRequest.ofPrompt("Hi")).block(TIMEOUT);
		assertThat(response.text()).isEqualTo("Hello from Spring AI");
		assertThat(response.model()).isEqualTo("backup");
		assertThat(response.provider()).isEqualTo("spring");
		assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
		assertThat(response.usage().inputTokens()).isEqualTo(12);
		assertThat(response.usage().outputTokens()).isPositive();
		assertThat(response.requestId()).isNotBlank();
		ReceivedRequest request = this.server.requests().last();
		assertThat(request.model()).isEqualTo("gpt-backup");
		assertThat(request.body().path("max_tokens").asInt()).isEqualTo(1024);
		assertThat(request.stream()).isFalse();
	}

	@Test
	void sendsTheToolsAsDefinitionsAndReturnsTheToolCallsUnrun() throws Exception {
		this.server.model("gpt-backup").reply(FakeReply.toolCall("call_1", "weather", "{\"city\":\"Paris\"}"));
		LlmRequest request = LlmRequest.builder()
			.system("Be brief.")
			.user("Weather in Paris?")
			.tool(new LlmTool("weather", "The weather of a city",
					JSON.readTree("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}")))
			.build();
		LlmResponse response = this.provider.call(this.model, request).block(TIMEOUT);
		assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
		assertThat(response.toolCalls()).singleElement().satisfies((call) -> {
			assertThat(call.id()).isEqualTo("call_1");
			assertThat(call.name()).isEqualTo("weather");
			assertThat(call.input().path("city").asText()).isEqualTo("Paris");
		});
		ReceivedRequest received = this.server.requests().last();
		assertThat(received.toolNames()).containsExactly("weather");
		assertThat(received.roles()).containsExactly("system", "user");
		assertThat(this.server.requests().count()).isOne();
	}

	@Test
	void sendsToolCallsAndTheirResultsBack() throws Exception {
		LlmRequest request = LlmRequest.builder()
			.user("Weather in Paris?")
			.message(LlmMessage
				.assistant(new LlmContent.ToolCall("toolu_1", "weather", JSON.readTree("{\"city\":\"Paris\"}"))))
			.message(LlmMessage.user(LlmContent.toolResult("toolu_1", "Sunny, 21 degrees")))
			.tool(new LlmTool("weather", null, JSON.readTree("{\"type\":\"object\"}")))
			.build();
		LlmResponse response = this.provider.call(this.model, request).block(TIMEOUT);
		assertThat(response.text()).isEqualTo("Hello");
		ReceivedRequest received = this.server.requests().last();
		assertThat(received.roles()).containsExactly("user", "assistant", "tool");
		assertThat(received.toolCallIds()).containsExactly("toolu_1");
		assertThat(received.toolResultIds()).containsExactly("toolu_1");
		assertThat(received.bodyText()).contains("Sunny, 21 degrees");
	}

	@Test
	void streamsTextDeltasThenOneCompletion() {
		this.server.model("gpt-backup").pieces("Hel", "lo", " there");
		StepVerifier.create(this.provider.stream(this.model, LlmRequest.ofPrompt("Hi")))
			.expectNext(new LlmStreamEvent.TextDelta("Hel"), new LlmStreamEvent.TextDelta("lo"),
					new LlmStreamEvent.TextDelta(" there"))
			.assertNext((event) -> {
				LlmResponse response = ((LlmStreamEvent.Completion) event).response();
				assertThat(response.text()).isEqualTo("Hello there");
				assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
				assertThat(response.usage().inputTokens()).isPositive();
			})
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.server.requests().last().stream()).isTrue();
	}

	@Test
	void streamsAToolCallAsStartInputAndEnd() {
		this.server.model("gpt-backup").reply(FakeReply.toolCall("call_7", "weather", "{\"city\":\"Oslo\"}"));
		StepVerifier.create(this.provider.stream(this.model, LlmRequest.ofPrompt("Weather in Oslo?")))
			.expectNext(new LlmStreamEvent.ToolCallStart("call_7", "weather"))
			.expectNext(new LlmStreamEvent.ToolInputDelta("call_7", "{\"city\":\"Oslo\"}"))
			.assertNext((event) -> assertThat(((LlmStreamEvent.ToolCallEnd) event).call().input().path("city").asText())
				.isEqualTo("Oslo"))
			.assertNext((event) -> assertThat(((LlmStreamEvent.Completion) event).response().stopReason())
				.isEqualTo(StopReason.TOOL_USE))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void streamThatEndsWithoutAFinishReasonFailsTyped() {
		this.server.model("gpt-backup").reply(FakeReply.cutOffStream(2));
		StepVerifier.create(this.provider.stream(this.model, LlmRequest.ofPrompt("Hi")))
			.thenConsumeWhile(LlmStreamEvent.TextDelta.class::isInstance)
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOfAny(LlmInvalidResponseException.class,
					LlmConnectionException.class))
			.verify(TIMEOUT);
	}

	static Stream<Arguments> statuses() {
		return Stream.of(Arguments.of(400, LlmInvalidRequestException.class),
				Arguments.of(401, LlmAuthenticationException.class), Arguments.of(404, LlmModelNotFoundException.class),
				Arguments.of(429, LlmRateLimitException.class), Arguments.of(500, LlmServerException.class),
				Arguments.of(503, LlmServerException.class), Arguments.of(529, LlmOverloadedException.class));
	}

	@ParameterizedTest(name = "HTTP {0}")
	@MethodSource("statuses")
	void errorStatusOfACallBecomesItsTypedError(int status, Class<? extends LlmApiException> type) {
		this.server.model("gpt-backup").reply(FakeReply.error(status));
		StepVerifier.create(this.provider.call(this.model, LlmRequest.ofPrompt("Hi"))).expectErrorSatisfies((error) -> {
			assertThat(error).isExactlyInstanceOf(type);
			LlmApiException api = (LlmApiException) error;
			assertThat(api.getStatusCode()).isEqualTo(status);
			assertThat(api.getProvider()).isEqualTo("spring");
			assertThat(api.getModel()).isEqualTo("backup");
		}).verify(TIMEOUT);
		assertThat(this.server.requests().count()).isOne();
	}

	@ParameterizedTest(name = "HTTP {0}")
	@MethodSource("statuses")
	void errorStatusOfAStreamBecomesItsTypedError(int status, Class<? extends LlmApiException> type) {
		this.server.model("gpt-backup").reply(FakeReply.error(status));
		StepVerifier.create(this.provider.stream(this.model, LlmRequest.ofPrompt("Hi")))
			.expectErrorSatisfies((error) -> assertThat(error).isExactlyInstanceOf(type))
			.verify(TIMEOUT);
	}

	@Test
	void retryAfterOfAStreamedRateLimitIsKept() {
		this.server.model("gpt-backup").reply(FakeReply.error(429).retryAfter(Duration.ofSeconds(7)));
		StepVerifier.create(this.provider.stream(this.model, LlmRequest.ofPrompt("Hi")))
			.expectErrorSatisfies((error) -> assertThat(((LlmRateLimitException) error).getRetryAfter())
				.isEqualTo(Duration.ofSeconds(7)))
			.verify(TIMEOUT);
	}

	@Test
	void refusedConnectionIsAConnectionError() {
		String baseUrl = this.server.baseUrl();
		this.server.close();
		StepVerifier.create(provider(baseUrl, Duration.ofSeconds(5)).call(this.model, LlmRequest.ofPrompt("Hi")))
			.expectError(LlmConnectionException.class)
			.verify(TIMEOUT);
	}

	@Test
	void answerThatTakesLongerThanTheFirstByteTimeoutIsATimeout() {
		this.server.model("gpt-backup").reply(FakeReply.hang());
		StepVerifier
			.create(provider(this.server.baseUrl(), Duration.ofMillis(300)).call(this.model, LlmRequest.ofPrompt("Hi")))
			.expectErrorSatisfies((error) -> assertThat(((LlmTimeoutException) error).getPhase())
				.isEqualTo(LlmTimeoutException.Phase.FIRST_BYTE))
			.verify(TIMEOUT);
	}

	@Test
	void refusesWhatPortableOptionsCannotCarry() throws Exception {
		LlmRequest plain = LlmRequest.ofPrompt("Hi");
		assertThat(this.provider.unsupported(this.model, plain)).isNull();
		assertThat(this.provider.unsupported(this.model,
				plain.mutate()
					.tool(new LlmTool("weather", null, JSON.readTree("{\"type\":\"object\"}")))
					.toolChoice(LlmToolChoice.tool("weather"))
					.build()))
			.isEqualTo("ToolChoiceNotSupported");
		assertThat(this.provider.unsupported(this.model,
				plain.mutate()
					.outputSchema(new LlmOutputSchema("answer", JSON.readTree("{\"type\":\"object\"}"), true))
					.build()))
			.isEqualTo("OutputSchemaNotSupported");
		assertThat(this.provider.unsupported(this.model, plain.mutate().extraBody("seed", 1).build()))
			.isEqualTo("ExtraBodyNotSupported");
	}

	private static SpringAiChatModelProvider provider(String baseUrl, Duration firstByteTimeout) {
		// Spring AI's retry off, as it must be for a link of a chain
		ChatModel chatModel = SpringAiTestSupport.chatModelWithoutRetry(baseUrl);
		return new SpringAiChatModelProvider("spring", SpringAiTestSupport.CHAT_MODEL_BEAN, chatModel, firstByteTimeout,
				Duration.ofSeconds(5), new ObjectMapper(), Clock.systemUTC());
	}

}
