package dev.llmresilience.provider.openai;

import java.util.List;

import dev.llmresilience.LlmCapability;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmOutputSchema;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.StopReason;
import dev.llmresilience.error.LlmInvalidResponseException;
import dev.llmresilience.provider.ToolCalls;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;

import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.MODEL;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.json;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.modelWith;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the content of unstreamed answers of {@link OpenAiProvider}: text, reasoning,
 * citations, refusals, tool calls and structured output.
 */
class OpenAiAnswerTests {

	private static final LlmRequest PROMPT = LlmRequest.ofPrompt("Hi");

	private static final LlmRequest STRUCTURED = LlmRequest.builder()
		.user("Weather in Zürich?")
		.outputSchema(new LlmOutputSchema("weather_report", json("{\"type\":\"object\"}"), true))
		.build();

	@AutoClose
	static FakeProviderServer fake = FakeProviderServer.start();

	@Test
	void contentGivenAsAStringIsOneTextBlock() {
		LlmResponse response = answer(MODEL, PROMPT, message("\"content\":\"Grüße\"", "stop"));
		assertThat(response.content()).containsExactly(LlmContent.text("Grüße"));
	}

	@Test
	void contentGivenAsPartsIsOneTextBlockOfTheirText() {
		LlmResponse response = answer(MODEL, PROMPT, message(
				"\"content\":[{\"type\":\"text\",\"text\":\"Grü\"},{\"type\":\"image_url\"},{\"type\":\"text\",\"text\":\"ße\"}]",
				"stop"));
		assertThat(response.content()).containsExactly(LlmContent.text("Grüße"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "reasoning_content", "reasoning" })
	void reasoningComesBeforeTheText(String field) {
		LlmResponse response = answer(MODEL, PROMPT,
				message("\"content\":\"4\",\"" + field + "\":\"2+2 is 4.\"", "stop"));
		assertThat(response.content()).containsExactly(new LlmContent.Reasoning("2+2 is 4.", null),
				LlmContent.text("4"));
	}

	@Test
	void urlCitationAnnotationsAreCitationsOfTheText() {
		String annotation = "{\"type\":\"url_citation\",\"url_citation\":{\"end_index\":20,\"start_index\":0,"
				+ "\"title\":\"Zürich\",\"url\":\"https://example.com/zurich\"}}";
		LlmResponse response = answer(MODEL, PROMPT,
				message("\"content\":\"Zürich is in Europe.\",\"annotations\":[" + annotation + "]", "stop"));
		assertThat(response.content())
			.containsExactly(new LlmContent.Text("Zürich is in Europe.", List.of(new LlmContent.Citation("url_citation",
					null, "Zürich", "https://example.com/zurich", json(annotation)))));
	}

	@Test
	void refusalIsARefusalBlockWithStopReasonRefusal() {
		LlmResponse response = answer(MODEL, STRUCTURED,
				message("\"content\":null,\"refusal\":\"I can't help with that.\"", "stop"));
		assertThat(response.content()).containsExactly(new LlmContent.Refusal("I can't help with that."));
		assertThat(response.stopReason()).isEqualTo(StopReason.REFUSAL);
		assertThat(response.rawStopReason()).isEqualTo("stop");
		assertThat(response.structuredOutput()).isNull();
	}

	@Test
	void toolCallArgumentsGivenAsAStringAreParsed() {
		LlmResponse response = answer(MODEL, PROMPT, toolCall("\"id\":\"call_1\",",
				"\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\": \\\"Zürich\\\"}\""));
		assertThat(response.content()).containsExactly(new LlmContent.ToolCall("call_1", "get_weather",
				json("{\"city\":\"Zürich\"}"), "{\"city\": \"Zürich\"}"));
		assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
	}

	@Test
	void toolCallArgumentsGivenAsAnObjectAreRead() {
		LlmResponse response = answer(MODEL, PROMPT,
				toolCall("\"id\":\"call_1\",", "\"name\":\"get_weather\",\"arguments\":{\"city\":\"Zürich\"}"));
		assertThat(response.toolCalls())
			.containsExactly(new LlmContent.ToolCall("call_1", "get_weather", json("{\"city\":\"Zürich\"}")));
	}

	@Test
	void toolCallArgumentsThatAreNotJsonKeepTheirTextWithoutInput() {
		LlmResponse response = answer(MODEL, PROMPT,
				toolCall("\"id\":\"call_1\",", "\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\": Zürich}\""));
		assertThat(response.toolCalls())
			.containsExactly(new LlmContent.ToolCall("call_1", "get_weather", null, "{\"city\": Zürich}"));
		assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "\"id\":\"\",", "\"id\":null," })
	void toolCallWithoutIdGetsANewOne(String id) {
		LlmResponse response = answer(MODEL, PROMPT, toolCall(id, "\"name\":\"get_time\",\"arguments\":\"{}\""));
		LlmContent.ToolCall call = response.toolCalls().get(0);
		assertThat(call.id()).startsWith("call_").isEqualTo(ToolCalls.portableId(call.id()));
		assertThat(call.name()).isEqualTo("get_time");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "\"name\":\"\",", "\"name\":null," })
	void toolCallWithoutNameFailsWithInvalidResponse(String name) {
		fake.respondWith(
				(request) -> FakeReply.json(200, toolCall("\"id\":\"call_1\",", name + "\"arguments\":\"{}\"")));
		StepVerifier.create(OpenAiProviderFixtures.create(fake.baseUrl()).call(MODEL, PROMPT))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(LlmInvalidResponseException.class)
				.hasMessageContaining("no function name"))
			.verify(TIMEOUT);
	}

	@Test
	void structuredOutputIsTheTextParsed() {
		LlmResponse response = answer(MODEL, STRUCTURED,
				message("\"content\":\"{\\\"city\\\":\\\"Zürich\\\",\\\"celsius\\\":18}\"", "stop"));
		assertThat(response.structuredOutput()).isEqualTo(json("{\"city\":\"Zürich\",\"celsius\":18}"));
		assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
	}

	@ParameterizedTest
	@ValueSource(strings = { "stop", "tool_calls" })
	void answerToolCallIsTheTextOfAFinishedAnswer(String finishReason) {
		LlmModel model = modelWith(LlmCapability.TOOLS);
		String body = "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
				+ "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"weather_report\","
				+ "\"arguments\":\"{\\\"city\\\":\\\"Zürich\\\"}\"}}]},\"finish_reason\":\"" + finishReason + "\"}]}";
		LlmResponse response = answer(model, STRUCTURED, body);
		assertThat(response.content()).containsExactly(LlmContent.text("{\"city\":\"Zürich\"}"));
		assertThat(response.toolCalls()).isEmpty();
		assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
		assertThat(response.structuredOutput()).isEqualTo(json("{\"city\":\"Zürich\"}"));
	}

	@Test
	void finishedAnswerThatIsNotJsonFailsWithInvalidResponse() {
		fake.respondWith((request) -> FakeReply.json(200, message("\"content\":\"Sunny, 18°C\"", "stop")));
		StepVerifier.create(OpenAiProviderFixtures.create(fake.baseUrl()).call(MODEL, STRUCTURED))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(LlmInvalidResponseException.class)
				.hasMessageContaining("not the JSON its output schema asks for")
				.hasMessageNotContaining("Sunny"))
			.verify(TIMEOUT);
	}

	@Test
	void answerCutOffByTheTokenLimitHasNoStructuredOutputAndNoError() {
		LlmResponse response = answer(MODEL, STRUCTURED, message("\"content\":\"{\\\"city\\\":\\\"Zü\"", "length"));
		assertThat(response.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
		assertThat(response.structuredOutput()).isNull();
		assertThat(response.text()).isEqualTo("{\"city\":\"Zü");
	}

	private static LlmResponse answer(LlmModel model, LlmRequest request, String body) {
		fake.respondWith((received) -> FakeReply.json(200, body));
		return OpenAiProviderFixtures.create(fake.baseUrl()).call(model, request).block(TIMEOUT);
	}

	private static String message(String fields, String finishReason) {
		return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini-2024-07-18\","
				+ "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\"," + fields + "},\"finish_reason\":\""
				+ finishReason + "\"}]}";
	}

	private static String toolCall(String id, String function) {
		return message(
				"\"content\":null,\"tool_calls\":[{" + id + "\"type\":\"function\",\"function\":{" + function + "}}]",
				"tool_calls");
	}

}
