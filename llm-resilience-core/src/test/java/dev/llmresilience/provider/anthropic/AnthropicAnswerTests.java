package dev.llmresilience.provider.anthropic;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmresilience.LlmCapability;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmContent.Citation;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmOutputSchema;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmTool;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.StopReason;
import dev.llmresilience.error.LlmInvalidResponseException;
import dev.llmresilience.provider.ResponseMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;

import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.MODEL;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.json;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.modelWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link AnthropicAnswer}: an unstreamed Messages API body read into an
 * {@link LlmResponse}, every documented content block type, every stop reason, and the
 * structured output, native or through the answer tool.
 */
class AnthropicAnswerTests {

	private static final LlmRequest PROMPT = LlmRequest.ofPrompt("Hi");

	private static final LlmOutputSchema REPORT = new LlmOutputSchema("weather_report", json("""
			{"type":"object","properties":{"city":{"type":"string"},"celsius":{"type":"integer"}},
			"required":["city","celsius"]}"""), true);

	private static final LlmRequest STRUCTURED = LlmRequest.builder()
		.user("Weather in Zürich?")
		.outputSchema(REPORT)
		.build();

	private static final LlmModel NATIVE = modelWith(1024, LlmCapability.STRUCTURED_OUTPUT);

	private static final ResponseMetadata METADATA = new ResponseMetadata(200, HttpHeaders.EMPTY, "req_01",
			RateLimitStatus.NONE);

	@Test
	void textKeepsItsCitationsOfEveryLocationType() {
		JsonNode charLocation = json("""
				{"type":"char_location","cited_text":"Revenue grew 12% in 2024.","document_index":0,
				"document_title":"Annual report","start_char_index":0,"end_char_index":25}""");
		JsonNode pageLocation = json("""
				{"type":"page_location","cited_text":"Growth was strong.","document_index":1,
				"document_title":"Paper","start_page_number":3,"end_page_number":4}""");
		JsonNode blockLocation = json("""
				{"type":"content_block_location","cited_text":"Sales rose.","document_index":2,
				"document_title":null,"start_block_index":0,"end_block_index":1}""");
		JsonNode webLocation = json(
				"""
						{"type":"web_search_result_location","cited_text":"Sunny in Zürich today",
						"url":"https://weather.example/zurich","title":"Zürich weather","encrypted_index":"Eo8BCioIAhgBIiQ"}""");
		LlmResponse response = read(MODEL, PROMPT, message("""
				[{"type":"text","text":"According to the report, "},
				{"type":"text","text":"revenue grew 12%%","citations":[%s,%s,%s]},
				{"type":"text","text":" and Zürich is sunny.","citations":[%s]}]""".formatted(charLocation,
				pageLocation, blockLocation, webLocation), "end_turn"));
		assertThat(response.content()).containsExactly(LlmContent.text("According to the report, "),
				new LlmContent.Text("revenue grew 12%",
						List.of(new Citation("char_location", "Revenue grew 12% in 2024.", "Annual report", null,
								charLocation),
								new Citation("page_location", "Growth was strong.", "Paper", null, pageLocation),
								new Citation("content_block_location", "Sales rose.", null, null, blockLocation))),
				new LlmContent.Text(" and Zürich is sunny.", List.of(new Citation("web_search_result_location",
						"Sunny in Zürich today", "Zürich weather", "https://weather.example/zurich", webLocation))));
		assertThat(response.text()).isEqualTo("According to the report, revenue grew 12% and Zürich is sunny.");
	}

	@Test
	void toolUseIsAToolCallWithItsInput() {
		LlmResponse response = read(MODEL, PROMPT, message("""
				[{"type":"text","text":"Checking."},
				{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Zürich","days":[1,2]}},
				{"type":"tool_use","id":"toolu_02","name":"get_time","input":{}}]""", "tool_use"));
		assertThat(response.toolCalls()).containsExactly(
				new LlmContent.ToolCall("toolu_01", "get_weather", json("{\"city\":\"Zürich\",\"days\":[1,2]}")),
				new LlmContent.ToolCall("toolu_02", "get_time", json("{}")));
		assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
	}

	@Test
	void thinkingKeepsItsSignatureAndRedactedThinkingItsData() {
		LlmResponse response = read(MODEL, PROMPT, message("""
				[{"type":"thinking","thinking":"Let me see.","signature":"EqQBCkgIARABGAIiQ"},
				{"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix"},
				{"type":"text","text":"Hello"}]""", "end_turn"));
		assertThat(response.content()).containsExactly(new LlmContent.Reasoning("Let me see.", "EqQBCkgIARABGAIiQ"),
				new LlmContent.RedactedReasoning("EmwKAhgBEgy3va3pzix"), LlmContent.text("Hello"));
		assertThat(response.text()).isEqualTo("Hello");
	}

	@Test
	void serverToolBlocksCompactionAndLaterBlockTypesAreAnthropicProviderBlocks() {
		JsonNode search = json(
				"""
						{"type":"server_tool_use","id":"srvtoolu_01","name":"web_search","input":{"query":"Zürich weather"}}""");
		JsonNode results = json("""
				{"type":"web_search_tool_result","tool_use_id":"srvtoolu_01","content":[{"type":"web_search_result",
				"title":"Zürich weather","url":"https://weather.example/zurich","encrypted_content":"EqgfCioIARgB",
				"page_age":"June 1, 2025"}]}""");
		JsonNode compaction = json("""
				{"type":"compaction","content":"The user asked about Zürich.","encrypted_content":"Ep4CCkYIBRgC"}""");
		JsonNode later = json("{\"type\":\"container_upload\",\"file_id\":\"file_01\"}");
		LlmResponse response = read(MODEL, PROMPT,
				message("[%s,%s,%s,%s]".formatted(compaction, search, results, later), "end_turn"));
		assertThat(response.content()).containsExactly(
				new LlmContent.ProviderBlock("anthropic", "compaction", compaction),
				new LlmContent.ProviderBlock("anthropic", "server_tool_use", search),
				new LlmContent.ProviderBlock("anthropic", "web_search_tool_result", results),
				new LlmContent.ProviderBlock("anthropic", "container_upload", later));
		assertThat(response.toolCalls()).isEmpty();
		assertThat(response.text()).isEmpty();
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource({ "end_turn, END_TURN", "max_tokens, MAX_TOKENS", "stop_sequence, STOP_SEQUENCE", "tool_use, TOOL_USE",
			"pause_turn, PAUSE_TURN", "refusal, REFUSAL", "model_context_window_exceeded, MAX_TOKENS",
			"something_new, OTHER" })
	void everyStopReasonIsMappedAndKeptRaw(String raw, StopReason stopReason) {
		LlmResponse response = read(MODEL, PROMPT, message("[{\"type\":\"text\",\"text\":\"x\"}]", raw));
		assertThat(response.stopReason()).isEqualTo(stopReason);
		assertThat(response.rawStopReason()).isEqualTo(raw);
	}

	@Test
	void nativeStructuredOutputIsParsed() {
		LlmResponse response = read(NATIVE, STRUCTURED, message(
				"[{\"type\":\"text\",\"text\":\"{\\\"city\\\":\\\"Zürich\\\",\\\"celsius\\\":18}\"}]", "end_turn"));
		assertThat(response.structuredOutput()).isEqualTo(json("{\"city\":\"Zürich\",\"celsius\":18}"));
		assertThat(response.text()).isEqualTo("{\"city\":\"Zürich\",\"celsius\":18}");
	}

	@Test
	void answerToolCallIsTheAnswerTextAndItsToolUseStopEndsTheTurn() {
		LlmResponse response = read(MODEL, STRUCTURED, message("""
				[{"type":"tool_use","id":"toolu_01","name":"weather_report","input":{"city":"Zürich","celsius":18}}]""",
				"tool_use"));
		assertThat(response.content()).containsExactly(LlmContent.text("{\"city\":\"Zürich\",\"celsius\":18}"));
		assertThat(response.toolCalls()).isEmpty();
		assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
		assertThat(response.rawStopReason()).isEqualTo("tool_use");
		assertThat(response.structuredOutput()).isEqualTo(json("{\"city\":\"Zürich\",\"celsius\":18}"));
	}

	@Test
	void textAroundTheAnswerToolCallIsLeftOutAndReasoningBeforeItStays() {
		LlmResponse response = read(MODEL, STRUCTURED, message("""
				[{"type":"thinking","thinking":"Easy.","signature":"EqQBCkgIARABGAIiQ"},
				{"type":"text","text":"Here it is: "},
				{"type":"tool_use","id":"toolu_01","name":"weather_report","input":{"city":"Zürich","celsius":18}},
				{"type":"text","text":"Anything else?"}]""", "tool_use"));
		assertThat(response.content()).containsExactly(new LlmContent.Reasoning("Easy.", "EqQBCkgIARABGAIiQ"),
				LlmContent.text("{\"city\":\"Zürich\",\"celsius\":18}"));
		assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
		assertThat(response.structuredOutput()).isEqualTo(json("{\"city\":\"Zürich\",\"celsius\":18}"));
	}

	@Test
	void textOfAnAnswerThatCallsOnlyTheCallersToolsStays() {
		LlmRequest request = STRUCTURED.mutate()
			.tool(new LlmTool("get_weather", null, json("{\"type\":\"object\"}")))
			.build();
		LlmResponse response = read(MODEL, request, message("""
				[{"type":"text","text":"Checking."},
				{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Zürich"}},
				{"type":"text","text":" Back soon."}]""", "tool_use"));
		assertThat(response.text()).isEqualTo("Checking. Back soon.");
		assertThat(response.toolCalls()).extracting(LlmContent.ToolCall::name).containsExactly("get_weather");
	}

	@Test
	void callOfTheCallersToolBeforeTheAnswerIsAToolCallWithoutStructuredOutput() {
		LlmRequest request = STRUCTURED.mutate()
			.tool(new LlmTool("get_weather", null, json("{\"type\":\"object\"}")))
			.build();
		LlmResponse response = read(MODEL, request, message("""
				[{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Zürich"}}]""", "tool_use"));
		assertThat(response.toolCalls()).extracting(LlmContent.ToolCall::name).containsExactly("get_weather");
		assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
		assertThat(response.structuredOutput()).isNull();
	}

	@Test
	void toolNamedLikeTheSchemaIsAnOrdinaryCallForAModelWithNativeStructuredOutput() {
		LlmResponse response = read(NATIVE, STRUCTURED, message("""
				[{"type":"tool_use","id":"toolu_01","name":"weather_report","input":{"city":"Zürich"}}]""",
				"tool_use"));
		assertThat(response.toolCalls()).hasSize(1);
		assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "end_turn", "stop_sequence" })
	void finishedStructuredAnswerThatIsNotJsonIsInvalidResponse(String stopReason) {
		String body = message("[{\"type\":\"text\",\"text\":\"Sure! Zürich is at 18 degrees.\"}]", stopReason);
		assertThatExceptionOfType(LlmInvalidResponseException.class).isThrownBy(() -> read(NATIVE, STRUCTURED, body))
			.withMessageContaining("output schema")
			.withMessageNotContaining("Zürich");
	}

	@ParameterizedTest
	@ValueSource(strings = { "max_tokens", "model_context_window_exceeded", "refusal" })
	void structuredAnswerThatWasCutOffOrRefusedHasNoStructuredOutput(String stopReason) {
		LlmResponse response = read(NATIVE, STRUCTURED,
				message("[{\"type\":\"text\",\"text\":\"{\\\"city\\\":\\\"Zü\"}]", stopReason));
		assertThat(response.structuredOutput()).isNull();
		assertThat(response.text()).isEqualTo("{\"city\":\"Zü");
	}

	@Test
	void answerToolCutOffAtMaxTokensIsItsPartialTextWithoutStructuredOutput() {
		LlmResponse response = read(MODEL, STRUCTURED, message("""
				[{"type":"tool_use","id":"toolu_01","name":"weather_report","input":"{\\"city\\":\\"Zü"}]""",
				"max_tokens"));
		assertThat(response.content()).containsExactly(LlmContent.text("{\"city\":\"Zü"));
		assertThat(response.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
		assertThat(response.structuredOutput()).isNull();
	}

	@Test
	void bodyThatIsNotAMessageIsInvalidResponse() {
		assertThatExceptionOfType(LlmInvalidResponseException.class)
			.isThrownBy(() -> read(MODEL, PROMPT, "{\"type\":\"completion\",\"completion\":\"Hi\"}"))
			.withMessageContaining("not a message");
	}

	@Test
	void toolUseWithoutIdOrNameIsInvalidResponse() {
		String body = message("[{\"type\":\"tool_use\",\"name\":\"get_weather\",\"input\":{}}]", "tool_use");
		assertThatExceptionOfType(LlmInvalidResponseException.class).isThrownBy(() -> read(MODEL, PROMPT, body))
			.withMessageContaining("no id or name");
	}

	@Test
	void toolInputThatIsNotAnObjectOfAFinishedAnswerIsInvalidResponse() {
		String body = message("""
				[{"type":"tool_use","id":"toolu_01","name":"get_weather","input":"{\\"city\\":\\"Secret"}]""",
				"tool_use");
		assertThatExceptionOfType(LlmInvalidResponseException.class).isThrownBy(() -> read(MODEL, PROMPT, body))
			.withMessageContaining("not a JSON object")
			.withMessageNotContaining("Secret");
	}

	private static LlmResponse read(LlmModel model, LlmRequest request, String body) {
		return AnthropicProviderFixtures.answer(model, request).read(json(body), METADATA);
	}

	private static String message(String content, String stopReason) {
		return """
				{"id":"msg_01","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001",
				"content":%s,"stop_reason":"%s","stop_sequence":null,
				"usage":{"input_tokens":12,"output_tokens":34}}""".formatted(content, stopReason);
	}

}
