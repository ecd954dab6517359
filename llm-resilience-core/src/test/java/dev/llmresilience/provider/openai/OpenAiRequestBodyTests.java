package dev.llmresilience.provider.openai;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmresilience.LlmCapability;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmMessage;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmOutputSchema;
import dev.llmresilience.LlmReasoning;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmTool;
import dev.llmresilience.LlmToolChoice;
import dev.llmresilience.test.FakeProviderServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;

import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.MODEL;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.json;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.modelWith;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the neutral parts of the requests {@link OpenAiProvider} sends: turns of
 * content blocks, tools, tool choice, output schema and reasoning, as the server receives
 * them.
 */
class OpenAiRequestBodyTests {

	private static final JsonNode CITY = json("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");

	private static final LlmTool WEATHER = new LlmTool("get_weather", "Current weather in a city", CITY);

	private static final LlmOutputSchema REPORT = new LlmOutputSchema("weather_report", CITY, true);

	private static final String PDF = "JVBERi0xLjQK";

	private static final String PNG = "iVBORw0KGgo=";

	@AutoClose
	static FakeProviderServer fake = FakeProviderServer.start();

	@BeforeAll
	static void scriptFake() {
		// JSON, so that requests with an output schema get an answer that follows it
		fake.defaults().text("{\"city\":\"Zürich\"}");
	}

	@Test
	void plainTextConversationIsSentInTheSameBytesAsBeforeContentBlocks() {
		LlmRequest request = LlmRequest.builder()
			.system("Be brief.")
			.user("Hi")
			.assistant("Hello")
			.user(LlmContent.text("Name a colour"))
			.temperature(0.2)
			.build();
		String expected = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
				+ "{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"},"
				+ "{\"role\":\"user\",\"content\":\"Name a colour\"}],\"max_tokens\":1024,\"temperature\":0.2";
		call(MODEL, request);
		assertThat(fake.requests().last().bodyText()).isEqualTo(expected + "}");
		StepVerifier.create(provider().stream(MODEL, request).last())
			.expectNextCount(1)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(fake.requests().last().bodyText())
			.isEqualTo(expected + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
	}

	@Test
	void imagesGoAsDataUrlOrUrlAfterTheText() {
		JsonNode messages = messages(LlmRequest.builder()
			.user(LlmContent.text("Which is larger?"), LlmContent.image("image/png", PNG),
					LlmContent.image(URI.create("https://example.com/b.jpg")))
			.build());
		assertThat(messages).isEqualTo(json("""
				[{"role":"user","content":[{"type":"text","text":"Which is larger?"},
				 {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
				 {"type":"image_url","image_url":{"url":"https://example.com/b.jpg"}}]}]"""));
	}

	@Test
	void pdfGivenAsDataIsAFilePartNamedByItsTitle() {
		JsonNode messages = messages(
				LlmRequest.builder().user(LlmContent.pdf(PDF, "report.pdf"), LlmContent.pdf(PDF, null)).build());
		assertThat(messages).isEqualTo(
				json("""
						[{"role":"user","content":[
						 {"type":"file","file":{"filename":"report.pdf","file_data":"data:application/pdf;base64,JVBERi0xLjQK"}},
						 {"type":"file","file":{"filename":"document.pdf","file_data":"data:application/pdf;base64,JVBERi0xLjQK"}}]}]"""));
	}

	@Test
	void plainTextDocumentIsATextPartAfterItsTitle() {
		JsonNode messages = messages(LlmRequest.builder()
			.user(LlmContent.plainText("Rain at noon.", "Forecast"), LlmContent.plainText("Sun later.", null))
			.build());
		assertThat(messages).isEqualTo(json("""
				[{"role":"user","content":[{"type":"text","text":"Forecast:\\nRain at noon."},
				 {"type":"text","text":"Sun later."}]}]"""));
	}

	@Test
	void toolResultsAreToolMessagesWithPortableIdsBeforeTheUserMessage() {
		JsonNode messages = messages(LlmRequest.builder()
			.user(LlmContent.toolResult("call_1", "18°C"), LlmContent.toolResult("functions.get_time:1", "12:00"),
					LlmContent.text("And tomorrow?"))
			.build());
		assertThat(messages).isEqualTo(json("""
				[{"role":"tool","tool_call_id":"call_1","content":"18°C"},
				 {"role":"tool","tool_call_id":"functions_get_time_1_vlv4kzfN","content":"12:00"},
				 {"role":"user","content":[{"type":"text","text":"And tomorrow?"}]}]"""));
	}

	@Test
	void userTurnOfOnlyToolResultsSendsNoUserMessage() {
		JsonNode messages = messages(LlmRequest.builder().user(LlmContent.toolResult("call_1", "18°C")).build());
		assertThat(messages).isEqualTo(json("[{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"18°C\"}]"));
	}

	@Test
	void failedToolResultIsItsTextAfterError() {
		JsonNode messages = messages(
				LlmRequest.builder().user(LlmContent.toolError("call_1", "city not found")).build());
		assertThat(messages.at("/0/content").textValue()).isEqualTo("Error: city not found");
	}

	@Test
	void imagesReturnedByAToolFollowInAUserMessage() {
		LlmContent.ToolResult result = new LlmContent.ToolResult("call_1",
				List.of(LlmContent.text("the chart"), LlmContent.image("image/png", PNG)), false);
		JsonNode messages = messages(LlmRequest.builder().user(result, LlmContent.text("Describe it")).build());
		assertThat(messages).isEqualTo(json("""
				[{"role":"tool","tool_call_id":"call_1","content":"the chart"},
				 {"role":"user","content":[{"type":"text","text":"The tool call call_1 also returned:"},
				  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
				  {"type":"text","text":"Describe it"}]}]"""));
	}

	@Test
	void assistantTurnSendsItsTextAndToolCallsWithTheArgumentsAsWritten() {
		JsonNode messages = messages(assistantTurn(LlmContent.text("Let me check."),
				new LlmContent.ToolCall("call_1", "get_weather", json("{\"city\":\"Paris\"}"), "{\"city\": \"Paris\"}"),
				new LlmContent.ToolCall("functions.get_time:1", "get_time", json("{}"))));
		assertThat(messages.get(1)).isEqualTo(
				json("""
						{"role":"assistant","content":"Let me check.","tool_calls":[
						 {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\": \\"Paris\\"}"}},
						 {"id":"functions_get_time_1_vlv4kzfN","type":"function","function":{"name":"get_time","arguments":"{}"}}]}"""));
	}

	@Test
	void assistantTurnOfOnlyToolCallsHasNullContent() {
		JsonNode messages = messages(assistantTurn(new LlmContent.ToolCall("call_1", "get_time", json("{}"))));
		assertThat(messages.get(1).has("content")).isTrue();
		assertThat(messages.get(1).get("content").isNull()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"city\": \"Par", "{\"city\": Paris}", "Paris", "" })
	void toolCallWhoseArgumentsAreNotAJsonObjectIsSentBackWithTheArgumentsAsWritten(String arguments) {
		JsonNode messages = messages(assistantTurn(new LlmContent.ToolCall("call_1", "get_weather", null, arguments)));
		assertThat(messages.at("/1/tool_calls/0/function/arguments").textValue()).isEqualTo(arguments);
	}

	@Test
	void refusalIsSentBackAsTheAssistantsText() {
		JsonNode messages = messages(assistantTurn(new LlmContent.Refusal("I can't help with that.")));
		assertThat(messages.get(1)).isEqualTo(json("{\"role\":\"assistant\",\"content\":\"I can't help with that.\"}"));
	}

	@Test
	void reasoningAndBlocksOfOtherFormatsAreLeftOut() {
		JsonNode messages = messages(assistantTurn(new LlmContent.Reasoning("Think.", "sig"),
				new LlmContent.RedactedReasoning("opaque"),
				new LlmContent.ProviderBlock("anthropic", "server_tool_use", json("{\"type\":\"server_tool_use\"}")),
				LlmContent.text("Sunny.")));
		assertThat(messages.get(1)).isEqualTo(json("{\"role\":\"assistant\",\"content\":\"Sunny.\"}"));
	}

	@Test
	void assistantTurnOfOnlyReasoningIsDropped() {
		JsonNode messages = messages(assistantTurn(new LlmContent.Reasoning("Think.", null)));
		assertThat(messages).extracting((message) -> message.path("role").textValue()).containsExactly("user", "user");
	}

	@Test
	void userBlockOfThisFormatIsSentAsItCameAndOneOfAnotherIsLeftOut() {
		JsonNode audio = json("{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"UklGRg==\",\"format\":\"wav\"}}");
		JsonNode messages = messages(LlmRequest.builder()
			.user(new LlmContent.ProviderBlock("openai", "input_audio", audio),
					new LlmContent.ProviderBlock("anthropic", "container_upload", json("{}")),
					LlmContent.text("Transcribe it"))
			.build());
		assertThat(messages.at("/0/content"))
			.isEqualTo(json("[" + audio + ",{\"type\":\"text\",\"text\":\"Transcribe it\"}]"));
	}

	@Test
	void toolsAreSentAsFunctions() {
		JsonNode body = sent(MODEL,
				LlmRequest.builder()
					.user("Weather?")
					.tool(WEATHER)
					.tool(new LlmTool("get_time", null, json("{\"type\":\"object\"}")))
					.build());
		assertThat(body.get("tools")).isEqualTo(json("""
				[{"type":"function","function":{"name":"get_weather","description":"Current weather in a city",
				  "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}},
				 {"type":"function","function":{"name":"get_time","parameters":{"type":"object"}}}]"""));
		assertThat(body.has("tool_choice")).isFalse();
		assertThat(body.has("parallel_tool_calls")).isFalse();
	}

	@ParameterizedTest
	@CsvSource({ "AUTO, '\"auto\"'", "REQUIRED, '\"required\"'", "NONE, '\"none\"'",
			"TOOL, '{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}'" })
	void toolChoiceIsMapped(LlmToolChoice.Mode mode, String expected) {
		LlmToolChoice choice = (mode == LlmToolChoice.Mode.TOOL) ? LlmToolChoice.tool("get_weather")
				: new LlmToolChoice(mode, null);
		JsonNode body = sent(MODEL, LlmRequest.builder().user("Weather?").tool(WEATHER).toolChoice(choice).build());
		assertThat(body.get("tool_choice")).isEqualTo(json(expected));
	}

	@Test
	void parallelToolCallsIsSentOnlyWithTools() {
		LlmRequest.Builder request = LlmRequest.builder().user("Weather?").parallelToolCalls(false);
		assertThat(sent(MODEL, request.build()).has("parallel_tool_calls")).isFalse();
		JsonNode withTools = sent(MODEL, request.tool(WEATHER).build());
		assertThat(withTools.get("parallel_tool_calls").booleanValue()).isFalse();
	}

	@Test
	void outputSchemaIsResponseFormatForAModelNotDeclaredWithoutStructuredOutput() {
		LlmRequest request = LlmRequest.builder().user("Weather?").outputSchema(REPORT).build();
		JsonNode expected = json("""
				{"type":"json_schema","json_schema":{"name":"weather_report",
				 "schema":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}}""");
		for (LlmModel model : List.of(MODEL, modelWith(LlmCapability.STRUCTURED_OUTPUT))) {
			JsonNode body = sent(model, request);
			assertThat(body.get("response_format")).isEqualTo(expected);
			assertThat(body.has("tools")).isFalse();
		}
	}

	@Test
	void outputSchemaIsAForcedAnswerToolForAModelDeclaredWithoutStructuredOutput() {
		JsonNode body = sent(modelWith(LlmCapability.TOOLS),
				LlmRequest.builder().user("Weather?").outputSchema(REPORT).build());
		assertThat(body.has("response_format")).isFalse();
		assertThat(body.get("tools")).isEqualTo(json("""
				[{"type":"function","function":{"name":"weather_report",
				  "description":"Give the whole answer as this tool's arguments, following its schema.",
				  "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]"""));
		assertThat(body.get("tool_choice"))
			.isEqualTo(json("{\"type\":\"function\",\"function\":{\"name\":\"weather_report\"}}"));
	}

	@Test
	void answerToolWithTheCallersToolsRequiresSomeToolCall() {
		JsonNode body = sent(modelWith(LlmCapability.TOOLS),
				LlmRequest.builder().user("Weather?").tool(WEATHER).outputSchema(REPORT).build());
		assertThat(body.get("tools")).extracting((tool) -> tool.at("/function/name").textValue())
			.containsExactly("get_weather", "weather_report");
		assertThat(body.get("tool_choice").textValue()).isEqualTo("required");
	}

	@ParameterizedTest
	@CsvSource({ "LOW, , low", "MEDIUM, , medium", "HIGH, , high", ", 1024, low", ", 2048, low", ", 4096, medium",
			", 16000, high", "LOW, 16000, low" })
	void reasoningIsSentAsReasoningEffort(LlmReasoning.Effort effort, Integer budgetTokens, String expected) {
		LlmRequest request = LlmRequest.builder()
			.user("Hi")
			.reasoning(new LlmReasoning(effort, budgetTokens, false))
			.build();
		assertThat(sent(MODEL, request).get("reasoning_effort").textValue()).isEqualTo(expected);
		assertThat(sent(modelWith(LlmCapability.REASONING), request).get("reasoning_effort").textValue())
			.isEqualTo(expected);
	}

	@Test
	void reasoningIsNotSentToAModelDeclaredWithoutIt() {
		LlmRequest request = LlmRequest.builder()
			.user("Hi")
			.reasoning(LlmReasoning.of(LlmReasoning.Effort.HIGH).asOptional())
			.build();
		assertThat(sent(modelWith(LlmCapability.TOOLS), request).has("reasoning_effort")).isFalse();
	}

	@Test
	void pdfGivenByUrlIsNotSupportedInATurnOrAToolResult() {
		LlmContent.Document pdfUrl = LlmContent.pdf(URI.create("https://example.com/a.pdf"), null);
		OpenAiProvider provider = provider();
		assertThat(provider.unsupported(MODEL, LlmRequest.builder().user(pdfUrl).build()))
			.isEqualTo("PdfUrlNotSupported");
		LlmContent.ToolResult result = new LlmContent.ToolResult("call_1", List.of(pdfUrl), false);
		assertThat(provider.unsupported(MODEL, LlmRequest.builder().user(result).build()))
			.isEqualTo("PdfUrlNotSupported");
		assertThat(provider.unsupported(MODEL,
				LlmRequest.builder()
					.user(LlmContent.pdf(PDF, null), LlmContent.image(URI.create("https://example.com/b.jpg")))
					.build()))
			.isNull();
	}

	private static LlmRequest assistantTurn(LlmContent... content) {
		return LlmRequest.builder()
			.user("Weather in Paris?")
			.message(LlmMessage.assistant(content))
			.user("Thanks")
			.build();
	}

	private static JsonNode messages(LlmRequest request) {
		return sent(MODEL, request).get("messages");
	}

	private static JsonNode sent(LlmModel model, LlmRequest request) {
		call(model, request);
		return fake.requests().last().body();
	}

	private static void call(LlmModel model, LlmRequest request) {
		StepVerifier.create(provider().call(model, request)).expectNextCount(1).expectComplete().verify(TIMEOUT);
	}

	private static OpenAiProvider provider() {
		return OpenAiProviderFixtures.create(fake.baseUrl());
	}

}
