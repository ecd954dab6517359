package dev.llmresilience.pipeline;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmMessage;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmTool;
import dev.llmresilience.StopReason;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import dev.llmresilience.test.ReceivedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A tool loop that begins on Claude, falls back to GPT mid-way when Claude is overloaded,
 * and comes back to Claude: each provider gets the whole conversation in its own wire
 * format, over HTTP, from a {@link LlmResilience} built in plain Java.
 */
class CrossProviderToolLoopTests {

	private static final String CLAUDE = "claude-sonnet-fake";

	private static final String GPT = "gpt-fake";

	/** The id of GPT's call, as some OpenAI-compatible servers write them. */
	private static final String GPT_CALL_ID = "functions.get_time:1";

	private static final ObjectMapper MAPPER = new ObjectMapper();

	private final FakeProviderServer fake = FakeProviderServer.start();

	private final LlmResilience llm = FakeProviderChains.builder(this.fake)
		.model("claude", "anthropic", CLAUDE, 1024)
		.model("gpt", "openai", GPT, 1024)
		.chain("default", "claude", "gpt")
		.build();

	private final List<LlmMessage> conversation = new ArrayList<>(
			List.of(LlmMessage.user("What is the weather in Paris, and what time is it there?")));

	@AfterEach
	void close() {
		this.llm.close();
		this.fake.close();
	}

	@Test
	void toolLoopFallsBackToGptMidWayAndReturnsToClaudeWithTheWholeConversation() {
		this.fake.model(CLAUDE).enqueue(FakeReply.toolCall("toolu_01", "get_weather", "{\"city\":\"Paris\"}"));
		LlmResponse first = call();
		assertThat(first.model()).isEqualTo("claude");
		assertThat(first.stopReason()).isEqualTo(StopReason.TOOL_USE);
		assertThat(first.toolCalls()).extracting(LlmContent.ToolCall::id, LlmContent.ToolCall::name)
			.containsExactly(tuple("toolu_01", "get_weather"));
		answerToolCalls(first, "Sunny, 24 degrees");

		this.fake.model(CLAUDE).reply(FakeReply.error(529));
		this.fake.model(GPT).enqueue(FakeReply.toolCall(GPT_CALL_ID, "get_time", "{\"zone\":\"Europe/Paris\"}"));
		LlmResponse second = call();
		assertFellBackToGpt(second);
		assertThat(second.toolCalls()).extracting(LlmContent.ToolCall::id).containsExactly(GPT_CALL_ID);
		assertGptReceivedTheConversationInItsFormat(this.fake.requests().forModel(GPT).get(0));
		answerToolCalls(second, "15:00");

		this.fake.model(CLAUDE).reset();
		this.fake.model(CLAUDE).text("Sunny and 24 degrees; it is 15:00.");
		LlmResponse third = call();
		assertThat(third.model()).isEqualTo("claude");
		assertThat(third.fallback()).isFalse();
		assertThat(third.stopReason()).isEqualTo(StopReason.END_TURN);
		assertThat(third.text()).isEqualTo("Sunny and 24 degrees; it is 15:00.");
		assertClaudeReceivedGptsCallInItsFormat(last(CLAUDE));
	}

	@Test
	void streamedToolLoopShowsToolCallEventsAndNoTraceOfTheFallback() {
		this.fake.model(CLAUDE).enqueue(FakeReply.toolCall("toolu_01", "get_weather", "{\"city\":\"Paris\"}"));
		List<LlmStreamEvent> first = stream();
		assertThat(first.get(0)).isEqualTo(new LlmStreamEvent.ToolCallStart("toolu_01", "get_weather"));
		assertThat(first.subList(1, first.size() - 2)).isNotEmpty()
			.allSatisfy((event) -> assertThat(event).isInstanceOf(LlmStreamEvent.ToolInputDelta.class));
		assertThat(inputOf(first)).isEqualTo("{\"city\":\"Paris\"}");
		assertThat(((LlmStreamEvent.ToolCallEnd) first.get(first.size() - 2)).call().input())
			.isEqualTo(json("{\"city\":\"Paris\"}"));
		answerToolCalls(completion(first), "Sunny, 24 degrees");

		this.fake.model(CLAUDE).reply(FakeReply.error(529));
		this.fake.model(GPT).enqueue(FakeReply.toolCall(GPT_CALL_ID, "get_time", "{\"zone\":\"Europe/Paris\"}"));
		List<LlmStreamEvent> second = stream();
		// Claude's failures came before any event: the caller sees GPT's answer only
		assertThat(second.get(0)).isEqualTo(new LlmStreamEvent.ToolCallStart(GPT_CALL_ID, "get_time"));
		assertThat(inputOf(second)).isEqualTo("{\"zone\":\"Europe/Paris\"}");
		assertThat(second.get(second.size() - 2)).isInstanceOf(LlmStreamEvent.ToolCallEnd.class);
		assertFellBackToGpt(completion(second));
		assertGptReceivedTheConversationInItsFormat(this.fake.requests().forModel(GPT).get(0));
		answerToolCalls(completion(second), "15:00");

		this.fake.model(CLAUDE).reset();
		this.fake.model(CLAUDE).pieces("Sunny and 24 degrees; ", "it is 15:00.");
		List<LlmStreamEvent> third = stream();
		assertThat(third).startsWith(new LlmStreamEvent.TextDelta("Sunny and 24 degrees; "),
				new LlmStreamEvent.TextDelta("it is 15:00."));
		assertThat(completion(third).model()).isEqualTo("claude");
		assertThat(completion(third).stopReason()).isEqualTo(StopReason.END_TURN);
		assertClaudeReceivedGptsCallInItsFormat(last(CLAUDE));
	}

	@Test
	void claudesSignedThinkingIsLeftOutForGptAndSentBackToClaude() {
		this.fake.model(CLAUDE)
			.enqueue(FakeReply.toolCall("toolu_01", "get_weather", "{\"city\":\"Paris\"}")
				.withThinking("The user wants the weather first.", "sig-claude-1"));
		LlmResponse first = call();
		assertThat(first.blocks(LlmContent.Reasoning.class))
			.containsExactly(new LlmContent.Reasoning("The user wants the weather first.", "sig-claude-1"));
		answerToolCalls(first, "Sunny, 24 degrees");

		this.fake.model(CLAUDE).reply(FakeReply.error(503));
		this.fake.model(GPT).enqueue(FakeReply.toolCall(GPT_CALL_ID, "get_time", "{\"zone\":\"Europe/Paris\"}"));
		answerToolCalls(call(), "15:00");
		ReceivedRequest toGpt = this.fake.requests().forModel(GPT).get(0);
		assertThat(toGpt.bodyText()).doesNotContain("The user wants the weather first.", "sig-claude-1");
		assertThat(toGpt.messages().get(1).fieldNames()).toIterable().containsExactly("role", "content", "tool_calls");

		this.fake.model(CLAUDE).reset();
		call();
		JsonNode claudesTurn = last(CLAUDE).messages().get(1).path("content");
		assertThat(claudesTurn.get(0)).isEqualTo(json(
				"{\"type\":\"thinking\",\"thinking\":\"The user wants the weather first.\",\"signature\":\"sig-claude-1\"}"));
		assertThat(claudesTurn.get(1).path("type").asText()).isEqualTo("tool_use");
	}

	@Test
	void gptsCallWhoseArgumentsAreNotJsonGoesBackToGptAsWrittenAndToClaudeWithAnEmptyInput() {
		String arguments = "{\"zone\": Europe/Paris}";
		this.fake.model(GPT).enqueue(FakeReply.toolCall(GPT_CALL_ID, "get_time", arguments));
		LlmResponse first = call("gpt");
		LlmContent.ToolCall broken = first.toolCalls().get(0);
		assertThat(broken.input()).isNull();
		assertThat(broken.rawInput()).isEqualTo(arguments);
		this.conversation.add(first.toMessage());
		this.conversation.add(LlmMessage.user(LlmContent.toolError(GPT_CALL_ID, "The arguments were not JSON.")));

		call("gpt");
		JsonNode toGpt = last(GPT).messages().get(1).path("tool_calls").get(0);
		assertThat(toGpt.at("/function/arguments").textValue()).isEqualTo(arguments);

		call("claude");
		JsonNode toClaude = last(CLAUDE).messages().get(1).path("content").get(0);
		assertThat(toClaude.path("type").asText()).isEqualTo("tool_use");
		assertThat(toClaude.path("name").asText()).isEqualTo("get_time");
		assertThat(toClaude.path("input")).isEqualTo(json("{}"));
	}

	private LlmResponse call(String model) {
		return this.llm.template().call(request().mutate().model(model).build()).block(TIMEOUT);
	}

	private LlmResponse call() {
		return this.llm.template().call(request()).block(TIMEOUT);
	}

	private List<LlmStreamEvent> stream() {
		return this.llm.template().stream(request()).collectList().block(TIMEOUT);
	}

	private LlmRequest request() {
		JsonNode weather = json("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");
		JsonNode time = json("{\"type\":\"object\",\"properties\":{\"zone\":{\"type\":\"string\"}}}");
		return LlmRequest.builder()
			.messages(this.conversation)
			.tool(new LlmTool("get_weather", "The weather in a city", weather))
			.tool(new LlmTool("get_time", "The time in a time zone", time))
			.build();
	}

	/**
	 * Run the answer's tool calls, as the application does: the answer goes into the
	 * conversation, then the result of each call.
	 */
	private void answerToolCalls(LlmResponse response, String result) {
		this.conversation.add(response.toMessage());
		this.conversation.add(LlmMessage.user(response.toolCalls()
			.stream()
			.map((call) -> LlmContent.toolResult(call.id(), result))
			.toArray(LlmContent[]::new)));
	}

	private ReceivedRequest last(String model) {
		List<ReceivedRequest> requests = this.fake.requests().forModel(model);
		return requests.get(requests.size() - 1);
	}

	private static void assertFellBackToGpt(LlmResponse response) {
		assertThat(response.model()).isEqualTo("gpt");
		assertThat(response.provider()).isEqualTo("openai");
		assertThat(response.fallback()).isTrue();
		assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
		assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome)
			.containsExactly(tuple("claude", Outcome.FAILURE), tuple("claude", Outcome.FAILURE),
					tuple("gpt", Outcome.SUCCESS));
	}

	/**
	 * GPT gets the tools, Claude's call as an assistant message with {@code tool_calls},
	 * and its result as a {@code role: tool} message.
	 */
	private static void assertGptReceivedTheConversationInItsFormat(ReceivedRequest toGpt) {
		assertThat(toGpt.uri()).isEqualTo("/v1/chat/completions");
		assertThat(toGpt.toolNames()).containsExactly("get_weather", "get_time");
		assertThat(toGpt.roles()).containsExactly("user", "assistant", "tool");
		JsonNode call = toGpt.messages().get(1).path("tool_calls").get(0);
		assertThat(call.path("id").asText()).isEqualTo("toolu_01");
		assertThat(call.path("type").asText()).isEqualTo("function");
		assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
		assertThat(json(call.at("/function/arguments").asText())).isEqualTo(json("{\"city\":\"Paris\"}"));
		JsonNode result = toGpt.messages().get(2);
		assertThat(result.path("tool_call_id").asText()).isEqualTo("toolu_01");
		assertThat(result.path("content").asText()).isEqualTo("Sunny, 24 degrees");
	}

	/**
	 * Claude gets both calls as {@code tool_use} blocks and both results as
	 * {@code tool_result} blocks, GPT's id in the form Anthropic accepts.
	 */
	private static void assertClaudeReceivedGptsCallInItsFormat(ReceivedRequest toClaude) {
		assertThat(toClaude.uri()).isEqualTo("/v1/messages");
		assertThat(toClaude.toolNames()).containsExactly("get_weather", "get_time");
		assertThat(toClaude.roles()).containsExactly("user", "assistant", "user", "assistant", "user");
		assertThat(toClaude.toolCallIds()).containsExactly("toolu_01", "functions_get_time_1_vlv4kzfN");
		assertThat(toClaude.toolResultIds()).containsExactly("toolu_01", "functions_get_time_1_vlv4kzfN");
		JsonNode gptsCall = toClaude.messages().get(3).path("content").get(0);
		assertThat(gptsCall.path("name").asText()).isEqualTo("get_time");
		assertThat(gptsCall.path("input")).isEqualTo(json("{\"zone\":\"Europe/Paris\"}"));
	}

	private static String inputOf(List<LlmStreamEvent> events) {
		StringBuilder input = new StringBuilder();
		events.stream()
			.filter(LlmStreamEvent.ToolInputDelta.class::isInstance)
			.forEach((event) -> input.append(((LlmStreamEvent.ToolInputDelta) event).partialJson()));
		return input.toString();
	}

	private static LlmResponse completion(List<LlmStreamEvent> events) {
		return ((LlmStreamEvent.Completion) events.get(events.size() - 1)).response();
	}

	private static JsonNode json(String text) {
		try {
			return MAPPER.readTree(text);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
