package dev.llmresilience.provider.anthropic;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmOutputSchema;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmTool;
import dev.llmresilience.StopReason;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.MESSAGE_START;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.MESSAGE_STOP;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.blockDelta;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.blockStart;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.blockStop;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.inputJsonDelta;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.json;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.messageDelta;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the answer tool of {@link AnthropicProvider} over HTTP, called and streamed:
 * text the model writes beside the answer tool's call is no part of the answer, whose
 * structured output is the answer tool's input alone, and the answer tool's call is no
 * call for the application to run; text before a call of the request's own tools stays
 * that turn's.
 */
class AnthropicAnswerToolTests {

	private static final String TEXT_START = "{\"type\":\"text\",\"text\":\"\"}";

	private static final String REPORT_JSON = "{\"city\":\"Zürich\",\"celsius\":18}";

	private static final LlmOutputSchema REPORT = new LlmOutputSchema("weather_report", json("""
			{"type":"object","properties":{"city":{"type":"string"},"celsius":{"type":"integer"}},
			"required":["city","celsius"]}"""), true);

	private static final LlmTool WEATHER = new LlmTool("get_weather", "Current weather of a city",
			json("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"));

	private static final LlmRequest STRUCTURED = LlmRequest.builder()
		.user("Weather in Zürich?")
		.outputSchema(REPORT)
		.build();

	private static final LlmRequest STRUCTURED_WITH_TOOLS = STRUCTURED.mutate().tool(WEATHER).build();

	private static final LlmContent.ToolCall WEATHER_CALL = new LlmContent.ToolCall("toolu_01", "get_weather",
			json("{\"city\":\"Zürich\"}"));

	/** A model that meets an output schema with the answer tool. */
	private static final LlmModel MODEL = AnthropicProviderFixtures.MODEL;

	@AutoClose
	static FakeProviderServer fake = FakeProviderServer.start();

	private final AnthropicProvider provider = AnthropicProviderFixtures.create(fake.baseUrl());

	@Test
	void preambleBeforeTheAnswerToolIsLeftOutOfTheAnswer() {
		fake.respondWith((request) -> FakeReply.answer("Let me fill ", "that in.")
			.andToolCall("toolu_02", "weather_report", REPORT_JSON));
		LlmResponse called = call(STRUCTURED);
		assertAnsweredWithoutPreamble(called);
		assertThat(called.raw().toString()).contains("that in.");
		List<LlmStreamEvent> events = stream(STRUCTURED);
		assertThat(events.subList(0, events.size() - 1))
			.allSatisfy((event) -> assertThat(event).isInstanceOf(LlmStreamEvent.TextDelta.class));
		assertThat(text(events)).isEqualTo(REPORT_JSON);
		assertAnsweredWithoutPreamble(completion(events));
	}

	@Test
	void preambleBeforeTheAnswerToolBesideTheRequestsOwnToolsIsLeftOutOfTheAnswer() {
		fake.respondWith((request) -> FakeReply.answer("I know this one.")
			.andToolCall("toolu_02", "weather_report", REPORT_JSON));
		assertAnsweredWithoutPreamble(call(STRUCTURED_WITH_TOOLS));
		List<LlmStreamEvent> events = stream(STRUCTURED_WITH_TOOLS);
		assertThat(text(events)).isEqualTo(REPORT_JSON);
		assertThat(events).noneMatch(LlmStreamEvent.ToolCallStart.class::isInstance);
		assertAnsweredWithoutPreamble(completion(events));
	}

	private static void assertAnsweredWithoutPreamble(LlmResponse response) {
		assertThat(response.content()).containsExactly(LlmContent.text(REPORT_JSON));
		assertThat(response.text()).isEqualTo(REPORT_JSON);
		assertThat(response.toolCalls()).isEmpty();
		assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
		assertThat(response.structuredOutput()).isEqualTo(json(REPORT_JSON));
	}

	@Test
	void textBeforeACallOfTheRequestsOwnToolStaysAndStreamsBeforeTheCall() {
		fake.respondWith((request) -> FakeReply.answer("Checking.")
			.andToolCall(WEATHER_CALL.id(), WEATHER_CALL.name(), WEATHER_CALL.rawInput()));
		LlmResponse called = call(STRUCTURED_WITH_TOOLS);
		assertThat(called.content()).containsExactly(LlmContent.text("Checking."), WEATHER_CALL);
		assertThat(called.stopReason()).isEqualTo(StopReason.TOOL_USE);
		assertThat(called.structuredOutput()).isNull();
		List<LlmStreamEvent> events = stream(STRUCTURED_WITH_TOOLS);
		assertThat(events).startsWith(new LlmStreamEvent.TextDelta("Checking."),
				new LlmStreamEvent.ToolCallStart(WEATHER_CALL.id(), WEATHER_CALL.name()));
		assertThat(completion(events).content()).isEqualTo(called.content());
	}

	@Test
	void structuredOutputIsTheAnswerToolsInputAloneAfterTextAndACallOfTheRequestsOwnTool() {
		fake.respondWith((request) -> FakeReply.answer("Checking.")
			.andToolCall(WEATHER_CALL.id(), WEATHER_CALL.name(), WEATHER_CALL.rawInput())
			.andToolCall("toolu_02", "weather_report", REPORT_JSON));
		LlmResponse called = call(STRUCTURED_WITH_TOOLS);
		assertThat(called.content()).containsExactly(LlmContent.text("Checking."), WEATHER_CALL,
				LlmContent.text(REPORT_JSON));
		assertThat(called.toolCalls()).containsExactly(WEATHER_CALL);
		assertThat(called.structuredOutput()).isEqualTo(json(REPORT_JSON));
		List<LlmStreamEvent> events = stream(STRUCTURED_WITH_TOOLS);
		assertThat(events).startsWith(new LlmStreamEvent.TextDelta("Checking."),
				new LlmStreamEvent.ToolCallStart(WEATHER_CALL.id(), WEATHER_CALL.name()));
		assertThat(events).filteredOn(LlmStreamEvent.ToolCallEnd.class::isInstance)
			.containsExactly(new LlmStreamEvent.ToolCallEnd(WEATHER_CALL));
		assertThat(text(events)).isEqualTo("Checking." + REPORT_JSON);
		assertThat(completion(events).content()).isEqualTo(called.content());
		assertThat(completion(events).structuredOutput()).isEqualTo(json(REPORT_JSON));
	}

	@Test
	void answerWrittenAsTextWithoutTheAnswerToolIsStillTheAnswerAndStreamsWhole() {
		fake.respondWith((request) -> FakeReply.answer("{\"city\":\"Zürich\",", "\"celsius\":18}"));
		assertThat(call(STRUCTURED).structuredOutput()).isEqualTo(json(REPORT_JSON));
		List<LlmStreamEvent> events = stream(STRUCTURED);
		assertThat(events.subList(0, events.size() - 1)).containsExactly(
				new LlmStreamEvent.TextDelta("{\"city\":\"Zürich\","), new LlmStreamEvent.TextDelta("\"celsius\":18}"));
		assertThat(completion(events).structuredOutput()).isEqualTo(json(REPORT_JSON));
	}

	@Test
	void streamedTextAroundTheAnswerToolIsNeverEmitted() {
		String answerCall = "{\"type\":\"tool_use\",\"id\":\"toolu_02\",\"name\":\"weather_report\",\"input\":{}}";
		String events = String.join("", MESSAGE_START, blockStart(0, TEXT_START), text(0, "Here it is: "), blockStop(0),
				blockStart(1, answerCall), inputJsonDelta(1, "{\\\"city\\\":\\\"Zürich\\\","),
				inputJsonDelta(1, "\\\"celsius\\\":18}"), blockStop(1), blockStart(2, TEXT_START),
				text(2, "Anything else?"), blockStop(2), messageDelta("tool_use", 20), MESSAGE_STOP);
		fake.respondWith((request) -> FakeReply.raw(200, "text/event-stream", events.getBytes(StandardCharsets.UTF_8))
			.inChunks(List.of(7, 3)));
		List<LlmStreamEvent> streamed = stream(STRUCTURED);
		assertThat(streamed.subList(0, streamed.size() - 1)).containsExactly(
				new LlmStreamEvent.TextDelta("{\"city\":\"Zürich\","), new LlmStreamEvent.TextDelta("\"celsius\":18}"));
		assertAnsweredWithoutPreamble(completion(streamed));
	}

	private static String text(int index, String text) {
		return blockDelta(index, "{\"type\":\"text_delta\",\"text\":\"" + text + "\"}");
	}

	private LlmResponse call(LlmRequest request) {
		return this.provider.call(MODEL, request).block(TIMEOUT);
	}

	private List<LlmStreamEvent> stream(LlmRequest request) {
		return this.provider.stream(MODEL, request).collectList().block(TIMEOUT);
	}

	private static String text(List<LlmStreamEvent> events) {
		return events.stream()
			.filter(LlmStreamEvent.TextDelta.class::isInstance)
			.map((event) -> ((LlmStreamEvent.TextDelta) event).text())
			.collect(Collectors.joining());
	}

	private static LlmResponse completion(List<LlmStreamEvent> events) {
		LlmStreamEvent last = events.get(events.size() - 1);
		assertThat(last).isInstanceOf(LlmStreamEvent.Completion.class);
		return ((LlmStreamEvent.Completion) last).response();
	}

}
