package dev.llmresilience.provider.anthropic;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmresilience.LlmCapability;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmMessage;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmOutputSchema;
import dev.llmresilience.LlmReasoning;
import dev.llmresilience.LlmReasoning.Effort;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmTool;
import dev.llmresilience.LlmToolChoice;
import dev.llmresilience.test.FakeProviderServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.MODEL;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.json;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.modelWith;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the Messages API body {@link AnthropicProvider} writes from a neutral
 * request: every content block type, tools and tool choice, the output schema, thinking,
 * and the plain form of text prompts that the wire keeps byte for byte.
 */
class AnthropicRequestBodyTests {

	private static final LlmTool WEATHER = new LlmTool("get_weather", "Current weather of a city", json("""
			{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

	private static final LlmTool TIME = new LlmTool("get_time", null, json("{\"type\":\"object\"}"));

	private static final LlmOutputSchema REPORT = new LlmOutputSchema("weather_report", json("""
			{"type":"object","properties":{"city":{"type":"string"},"celsius":{"type":"integer"}},
			"required":["city","celsius"],"additionalProperties":false}"""), true);

	/** A model of a large output limit whose capabilities are not configured. */
	private static final LlmModel LARGE = new LlmModel("sonnet", "anthropic", "claude-sonnet-4-5", 64000, 200000);

	@AutoClose
	static FakeProviderServer fake = FakeProviderServer.start();

	private final AnthropicProvider provider = AnthropicProviderFixtures.create(fake.baseUrl());

	@Test
	void plainTextPromptIsSentByteForByteAsBeforeTheContentModel() {
		LlmRequest request = LlmRequest.builder()
			.system("Be brief.")
			.user("Grüße aus Zürich – 2+2?")
			.assistant("4")
			.user("And 3+3?")
			.maxTokens(100)
			.temperature(0.2)
			.topP(0.9)
			.stopSequences(List.of("END"))
			.build();
		String before = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":100,\"system\":\"Be brief.\",\"messages\":["
				+ "{\"role\":\"user\",\"content\":\"Grüße aus Zürich – 2+2?\"},{\"role\":\"assistant\",\"content\":\"4\"},"
				+ "{\"role\":\"user\",\"content\":\"And 3+3?\"}],\"temperature\":0.2,\"top_p\":0.9,"
				+ "\"stop_sequences\":[\"END\"]";
		this.provider.call(MODEL, request).block(TIMEOUT);
		assertThat(fake.requests().last().bodyText()).isEqualTo(before + "}");
		this.provider.stream(MODEL, request).blockLast(TIMEOUT);
		assertThat(fake.requests().last().bodyText()).isEqualTo(before + ",\"stream\":true}");
	}

	@Test
	void singleTextTurnKeepsTheStringFormAndTurnsOfSeveralBlocksBecomeArrays() {
		LlmRequest request = LlmRequest.builder()
			.user("Hi")
			.message(LlmMessage.assistant(LlmContent.text("Hel"), LlmContent.text("lo")))
			.build();
		assertThat(messages(request)).isEqualTo(json("""
				[{"role":"user","content":"Hi"},
				{"role":"assistant","content":[{"type":"text","text":"Hel"},{"type":"text","text":"lo"}]}]"""));
	}

	@Test
	void imagesAndDocumentsAreSourcesOfTheirKind() {
		LlmRequest request = LlmRequest.builder()
			.user(LlmContent.text("Compare these."), LlmContent.image("image/png", "iVBORw0KGgo="),
					LlmContent.image(URI.create("https://example.com/cat.jpg")),
					LlmContent.pdf("JVBERi0xLjQ=", "Annual report"),
					LlmContent.pdf(URI.create("https://example.com/paper.pdf"), "Paper"),
					LlmContent.plainText("Grass is green.", null))
			.build();
		assertThat(messages(request)).isEqualTo(json("""
				[{"role":"user","content":[
				{"type":"text","text":"Compare these."},
				{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
				{"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}},
				{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0xLjQ="},
				"title":"Annual report"},
				{"type":"document","source":{"type":"url","url":"https://example.com/paper.pdf"},"title":"Paper"},
				{"type":"document","source":{"type":"text","media_type":"text/plain","data":"Grass is green."}}]}]"""));
	}

	@Test
	void toolCallsOfAssistantTurnsAndResultsOfUserTurnsAreToolUseAndToolResult() {
		LlmRequest request = LlmRequest.builder()
			.user("Weather and time in Paris?")
			.message(LlmMessage.assistant(LlmContent.text("Checking."),
					new LlmContent.ToolCall("toolu_01", "get_weather", json("{\"city\":\"Paris\"}")),
					new LlmContent.ToolCall("toolu_02", "get_time", null, "{\"zone\":\"Eur")))
			.user(new LlmContent.ToolResult("toolu_01",
					List.of(LlmContent.text("18 °C"), LlmContent.image("image/png", "iVBORw0KGgo=")), false),
					LlmContent.toolError("toolu_02", "cut off"))
			.build();
		assertThat(messages(request)).isEqualTo(json("""
				[{"role":"user","content":"Weather and time in Paris?"},
				{"role":"assistant","content":[{"type":"text","text":"Checking."},
				{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}},
				{"type":"tool_use","id":"toolu_02","name":"get_time","input":{}}]},
				{"role":"user","content":[
				{"type":"tool_result","tool_use_id":"toolu_01","content":[{"type":"text","text":"18 °C"},
				{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]},
				{"type":"tool_result","tool_use_id":"toolu_02","content":[{"type":"text","text":"cut off"}],
				"is_error":true}]}]"""));
	}

	@Test
	void toolCallIdsWithCharactersAnthropicRejectsBecomeTheSamePortableIdInCallAndResult() {
		LlmRequest request = LlmRequest.builder()
			.user("Weather?")
			.message(LlmMessage.assistant(
					new LlmContent.ToolCall("functions.get_weather:0", "get_weather", json("{\"city\":\"Paris\"}")),
					new LlmContent.ToolCall("call ümlaut/1", "get_time", json("{}"))))
			.user(LlmContent.toolResult("functions.get_weather:0", "18 °C"),
					LlmContent.toolResult("call ümlaut/1", "noon"))
			.build();
		JsonNode messages = messages(request);
		assertThat(messages.at("/1/content/0/id").asText()).isEqualTo("functions_get_weather_0_aD73et-M");
		assertThat(messages.at("/2/content/0/tool_use_id").asText()).isEqualTo("functions_get_weather_0_aD73et-M");
		assertThat(messages.at("/1/content/1/id").asText()).isEqualTo("call__mlaut_1_PMRzFiba");
		assertThat(messages.at("/2/content/1/tool_use_id").asText()).isEqualTo("call__mlaut_1_PMRzFiba");
	}

	@Test
	void toolCallIdsThatWouldBeAlikeOnceReplacedStayApartSoEachResultAnswersItsOwnCall() {
		LlmRequest request = LlmRequest.builder()
			.user("Weather?")
			.message(LlmMessage.assistant(new LlmContent.ToolCall("a.b", "get_weather", json("{\"city\":\"Paris\"}")),
					new LlmContent.ToolCall("a:b", "get_weather", json("{\"city\":\"Rome\"}")),
					new LlmContent.ToolCall("a_b", "get_weather", json("{\"city\":\"Oslo\"}"))))
			.user(LlmContent.toolResult("a_b", "2 °C"), LlmContent.toolResult("a:b", "25 °C"),
					LlmContent.toolResult("a.b", "18 °C"))
			.build();
		JsonNode messages = messages(request);
		List<String> callIds = messages.at("/1/content").findValuesAsText("id");
		assertThat(callIds).doesNotHaveDuplicates().contains("a_b");
		assertThat(messages.at("/2/content").findValuesAsText("tool_use_id")).containsExactly(callIds.get(2),
				callIds.get(1), callIds.get(0));
	}

	@Test
	void signedReasoningIsSentBackAsThinkingAndUnsignedReasoningIsLeftOut() {
		LlmRequest request = LlmRequest.builder()
			.user("Hi")
			.message(LlmMessage.assistant(new LlmContent.Reasoning("Let me think.", "EqQBCkgIARABGAIiQ"),
					new LlmContent.Reasoning("An OpenAI model's reasoning.", null),
					new LlmContent.RedactedReasoning("EmwKAhgBEgy3va3pzix"), LlmContent.text("Hello")))
			.user("Again")
			.build();
		assertThat(messages(request).get(1)).isEqualTo(json("""
				{"role":"assistant","content":[
				{"type":"thinking","thinking":"Let me think.","signature":"EqQBCkgIARABGAIiQ"},
				{"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix"},
				{"type":"text","text":"Hello"}]}"""));
	}

	@Test
	void refusalIsSentBackAsText() {
		LlmRequest request = LlmRequest.builder()
			.user("Hi")
			.message(LlmMessage.assistant(new LlmContent.Refusal("I can't help with that.")))
			.user("Why?")
			.build();
		assertThat(messages(request).get(1)).isEqualTo(json("""
				{"role":"assistant","content":[{"type":"text","text":"I can't help with that."}]}"""));
	}

	@Test
	void providerBlocksOfTheAnthropicFormatArePassedThroughAndOthersLeftOut() {
		JsonNode search = json("""
				{"type":"server_tool_use","id":"srvtoolu_01","name":"web_search","input":{"query":"Zürich"}}""");
		JsonNode compaction = json("{\"type\":\"compaction\",\"content\":\"Summary.\",\"encrypted_content\":\"Ep4C\"}");
		LlmRequest request = LlmRequest.builder()
			.user("Hi")
			.message(LlmMessage.assistant(new LlmContent.ProviderBlock("anthropic", "server_tool_use", search),
					new LlmContent.ProviderBlock("openai", "annotation", json("{\"type\":\"url_citation\"}")),
					new LlmContent.ProviderBlock("anthropic", "compaction", compaction), LlmContent.text("Done.")))
			.build();
		assertThat(messages(request).get(1).path("content"))
			.isEqualTo(json("[%s,%s,{\"type\":\"text\",\"text\":\"Done.\"}]".formatted(search, compaction)));
	}

	@Test
	void turnLeftEmptyIsDropped() {
		LlmRequest request = LlmRequest.builder()
			.user("Hi")
			.message(LlmMessage.assistant(new LlmContent.Reasoning("Unsigned.", null),
					new LlmContent.ProviderBlock("openai", "annotation", json("{}"))))
			.user("Still there?")
			.build();
		assertThat(messages(request)).isEqualTo(
				json("[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"user\",\"content\":\"Still there?\"}]"));
	}

	@Test
	void toolsAreSentWithTheirDescriptionWhereTheyHaveOne() {
		LlmRequest request = LlmRequest.builder().user("Hi").tool(WEATHER).tool(TIME).build();
		ObjectNode body = body(MODEL, request);
		assertThat(body.path("tools")).isEqualTo(json("""
				[{"name":"get_weather","description":"Current weather of a city",
				"input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
				{"name":"get_time","input_schema":{"type":"object"}}]"""));
		assertThat(body.has("tool_choice")).isFalse();
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', value = { "AUTO | {\"type\":\"auto\"}", "REQUIRED | {\"type\":\"any\"}",
			"NONE | {\"type\":\"none\"}", "TOOL | {\"type\":\"tool\",\"name\":\"get_time\"}" })
	void toolChoiceIsMapped(LlmToolChoice.Mode mode, String expected) {
		LlmRequest request = LlmRequest.builder().user("Hi").tool(WEATHER).tool(TIME).toolChoice(choice(mode)).build();
		assertThat(body(MODEL, request).path("tool_choice")).isEqualTo(json(expected));
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|',
			value = { "AUTO | {\"type\":\"auto\",\"disable_parallel_tool_use\":true}",
					"REQUIRED | {\"type\":\"any\",\"disable_parallel_tool_use\":true}",
					"TOOL | {\"type\":\"tool\",\"name\":\"get_time\",\"disable_parallel_tool_use\":true}",
					"NONE | {\"type\":\"none\"}" })
	void parallelToolCallsTurnedOffDisableParallelToolUseWhereTheChoiceHasTheField(LlmToolChoice.Mode mode,
			String expected) {
		LlmRequest request = LlmRequest.builder()
			.user("Hi")
			.tool(WEATHER)
			.tool(TIME)
			.toolChoice(choice(mode))
			.parallelToolCalls(false)
			.build();
		assertThat(body(MODEL, request).path("tool_choice")).isEqualTo(json(expected));
	}

	@Test
	void parallelToolCallsTurnedOffWithoutAChoiceIsAutoWithoutParallelUse() {
		LlmRequest request = LlmRequest.builder().user("Hi").tool(WEATHER).parallelToolCalls(false).build();
		assertThat(body(MODEL, request).path("tool_choice"))
			.isEqualTo(json("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}"));
	}

	@Test
	void toolChoiceWithoutToolsIsNotSent() {
		LlmRequest request = LlmRequest.builder().user("Hi").toolChoice(LlmToolChoice.REQUIRED).build();
		ObjectNode body = body(MODEL, request);
		assertThat(body.has("tools")).isFalse();
		assertThat(body.has("tool_choice")).isFalse();
	}

	@Test
	void outputSchemaIsNativeOutputConfigForAModelDeclaringStructuredOutput() {
		LlmRequest request = LlmRequest.builder().user("Weather in Paris?").outputSchema(REPORT).build();
		ObjectNode body = body(modelWith(1024, LlmCapability.STRUCTURED_OUTPUT), request);
		assertThat(body.path("output_config"))
			.isEqualTo(json("{\"format\":{\"type\":\"json_schema\",\"schema\":%s}}".formatted(REPORT.schema())));
		assertThat(body.has("tools")).isFalse();
		assertThat(body.has("tool_choice")).isFalse();
	}

	@Test
	void outputSchemaIsAnAnswerToolForcedByToolChoiceForOtherModels() {
		LlmRequest request = LlmRequest.builder().user("Weather in Paris?").outputSchema(REPORT).build();
		for (LlmModel model : List.of(MODEL, modelWith(1024, LlmCapability.TOOLS))) {
			ObjectNode body = body(model, request);
			assertThat(body.path("tools")).hasSize(1);
			assertThat(body.at("/tools/0/name").asText()).isEqualTo("weather_report");
			assertThat(body.at("/tools/0/description").asText()).isNotEmpty();
			assertThat(body.at("/tools/0/input_schema")).isEqualTo(REPORT.schema());
			assertThat(body.path("tool_choice")).isEqualTo(json("{\"type\":\"tool\",\"name\":\"weather_report\"}"));
			assertThat(body.has("output_config")).isFalse();
		}
	}

	@Test
	void answerToolBesideTheCallersToolsIsOneOfThemAndSomeToolMustBeCalled() {
		LlmRequest request = LlmRequest.builder().user("Weather in Paris?").tool(WEATHER).outputSchema(REPORT).build();
		ObjectNode body = body(MODEL, request);
		assertThat(body.path("tools")).extracting((tool) -> tool.path("name").asText())
			.containsExactly("get_weather", "weather_report");
		assertThat(body.path("tool_choice")).isEqualTo(json("{\"type\":\"any\"}"));
	}

	@Test
	void answerToolIsForcedWhenTheCallerAllowsNoToolCalls() {
		LlmRequest request = LlmRequest.builder()
			.user("Weather in Paris?")
			.tool(WEATHER)
			.toolChoice(LlmToolChoice.NONE)
			.outputSchema(REPORT)
			.build();
		assertThat(body(MODEL, request).path("tool_choice"))
			.isEqualTo(json("{\"type\":\"tool\",\"name\":\"weather_report\"}"));
	}

	@Test
	void optionalThinkingIsLeftOutSoThatTheAnswerToolIsForced() {
		LlmRequest request = LlmRequest.builder()
			.user("Weather in Paris?")
			.outputSchema(REPORT)
			.reasoning(LlmReasoning.of(Effort.LOW).asOptional())
			.build();
		ObjectNode body = body(LARGE, request);
		assertThat(body.at("/tools/0/name").asText()).isEqualTo("weather_report");
		assertThat(body.path("tool_choice")).isEqualTo(json("{\"type\":\"tool\",\"name\":\"weather_report\"}"));
		assertThat(body.has("thinking")).isFalse();
		assertThat(this.provider.unsupported(LARGE, request)).isNull();
	}

	@Test
	void optionalThinkingIsLeftOutSoThatTheAnswerToolBesideTheCallersToolsIsForced() {
		LlmRequest request = LlmRequest.builder()
			.user("Weather in Paris?")
			.tool(WEATHER)
			.outputSchema(REPORT)
			.reasoning(LlmReasoning.of(Effort.LOW).asOptional())
			.build();
		ObjectNode body = body(LARGE, request);
		assertThat(body.path("tool_choice")).isEqualTo(json("{\"type\":\"any\"}"));
		assertThat(body.has("thinking")).isFalse();
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|',
			value = { "REQUIRED | {\"type\":\"any\"}", "TOOL | {\"type\":\"tool\",\"name\":\"get_time\"}" })
	void optionalThinkingIsLeftOutSoThatTheCallersForcedToolChoiceIsSentAsAsked(LlmToolChoice.Mode mode,
			String expected) {
		LlmRequest request = LlmRequest.builder()
			.user("Hi")
			.tool(WEATHER)
			.tool(TIME)
			.toolChoice(choice(mode))
			.reasoning(LlmReasoning.of(Effort.LOW).asOptional())
			.build();
		ObjectNode body = body(LARGE, request);
		assertThat(body.path("tool_choice")).isEqualTo(json(expected));
		assertThat(body.has("thinking")).isFalse();
		assertThat(this.provider.unsupported(LARGE, request)).isNull();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "-",
			value = { "AUTO | {\"type\":\"auto\"}", "NONE | {\"type\":\"none\"}", "- | -" })
	void thinkingIsSentWithToolChoicesThatForceNoCall(LlmToolChoice.Mode mode, String expected) {
		for (LlmReasoning reasoning : List.of(LlmReasoning.of(Effort.LOW), LlmReasoning.of(Effort.LOW).asOptional())) {
			LlmRequest request = LlmRequest.builder()
				.user("Hi")
				.tool(WEATHER)
				.toolChoice((mode != null) ? choice(mode) : null)
				.reasoning(reasoning)
				.build();
			ObjectNode body = body(LARGE, request);
			assertThat(body.path("tool_choice"))
				.isEqualTo((expected != null) ? json(expected) : MissingNode.getInstance());
			assertThat(body.path("thinking")).isEqualTo(json("{\"type\":\"enabled\",\"budget_tokens\":2048}"));
			assertThat(this.provider.unsupported(LARGE, request)).isNull();
		}
	}

	@Test
	void requiredThinkingWithAForcedToolCallIsNotSupported() {
		LlmReasoning required = LlmReasoning.of(Effort.LOW);
		LlmRequest answerTool = LlmRequest.builder().user("Hi").outputSchema(REPORT).reasoning(required).build();
		LlmRequest answerToolBesideTools = answerTool.mutate().tool(WEATHER).build();
		LlmRequest toolRequired = LlmRequest.builder()
			.user("Hi")
			.tool(WEATHER)
			.toolChoice(LlmToolChoice.REQUIRED)
			.reasoning(required)
			.build();
		LlmRequest toolNamed = toolRequired.mutate().toolChoice(LlmToolChoice.tool("get_weather")).build();
		for (LlmRequest request : List.of(answerTool, answerToolBesideTools, toolRequired, toolNamed)) {
			assertThat(this.provider.unsupported(LARGE, request)).isEqualTo("ThinkingWithForcedTool");
			assertThat(
					this.provider.unsupported(modelWith(64000, LlmCapability.REASONING, LlmCapability.TOOLS), request))
				.isEqualTo("ThinkingWithForcedTool");
		}
	}

	@Test
	void requiredThinkingIsSupportedWhereNoToolCallIsForced() {
		LlmReasoning required = LlmReasoning.of(Effort.LOW);
		LlmModel nativeOutput = modelWith(64000, LlmCapability.REASONING, LlmCapability.STRUCTURED_OUTPUT);
		LlmRequest structured = LlmRequest.builder().user("Hi").outputSchema(REPORT).reasoning(required).build();
		assertThat(this.provider.unsupported(nativeOutput, structured)).isNull();
		assertThat(body(nativeOutput, structured).has("thinking")).isTrue();
		// tool_choice without tools is not sent, so it forces nothing
		LlmRequest choiceWithoutTools = LlmRequest.builder()
			.user("Hi")
			.toolChoice(LlmToolChoice.REQUIRED)
			.reasoning(required)
			.build();
		assertThat(this.provider.unsupported(LARGE, choiceWithoutTools)).isNull();
		// a model that does not think gets no thinking; a chain skips it for its
		// capability before it asks the format
		LlmRequest toolRequired = LlmRequest.builder()
			.user("Hi")
			.tool(WEATHER)
			.toolChoice(LlmToolChoice.REQUIRED)
			.reasoning(required)
			.build();
		assertThat(this.provider.unsupported(modelWith(64000, LlmCapability.TOOLS), toolRequired)).isNull();
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource({ "LOW, 2048", "MEDIUM, 8192", "HIGH, 24576" })
	void thinkingBudgetComesFromTheEffort(Effort effort, int budget) {
		LlmRequest request = LlmRequest.builder().user("Hi").reasoning(LlmReasoning.of(effort)).build();
		assertThat(body(LARGE, request).path("thinking"))
			.isEqualTo(json("{\"type\":\"enabled\",\"budget_tokens\":%d}".formatted(budget)));
	}

	@Test
	void thinkingBudgetSetInTokensWinsOverTheEffort() {
		LlmRequest request = LlmRequest.builder()
			.user("Hi")
			.reasoning(new LlmReasoning(Effort.HIGH, 3000, false))
			.build();
		assertThat(body(LARGE, request).at("/thinking/budget_tokens").asInt()).isEqualTo(3000);
	}

	@Test
	void thinkingBudgetIsClampedBelowMaxTokens() {
		LlmRequest request = LlmRequest.builder()
			.user("Hi")
			.maxTokens(4000)
			.reasoning(LlmReasoning.of(Effort.HIGH))
			.build();
		ObjectNode body = body(LARGE, request);
		assertThat(body.path("max_tokens").asInt()).isEqualTo(4000);
		assertThat(body.at("/thinking/budget_tokens").asInt()).isEqualTo(3999);
	}

	@Test
	void optionalThinkingIsLeftOutWhenMaxTokensLeaveNoRoomForTheSmallestBudget() {
		LlmRequest request = LlmRequest.builder()
			.user("Hi")
			.maxTokens(1024)
			.reasoning(LlmReasoning.of(Effort.LOW).asOptional())
			.build();
		assertThat(body(LARGE, request).has("thinking")).isFalse();
	}

	@Test
	void thinkingIsNotSentToAModelDeclaredWithoutReasoning() {
		LlmRequest request = LlmRequest.builder()
			.user("Hi")
			.reasoning(LlmReasoning.of(Effort.HIGH).asOptional())
			.build();
		assertThat(body(modelWith(64000, LlmCapability.TOOLS), request).has("thinking")).isFalse();
		assertThat(body(modelWith(64000, LlmCapability.REASONING), request).has("thinking")).isTrue();
	}

	private static LlmToolChoice choice(LlmToolChoice.Mode mode) {
		return (mode == LlmToolChoice.Mode.TOOL) ? LlmToolChoice.tool("get_time") : new LlmToolChoice(mode, null);
	}

	private JsonNode messages(LlmRequest request) {
		return body(MODEL, request).path("messages");
	}

	private ObjectNode body(LlmModel model, LlmRequest request) {
		return this.provider.body(model, request, false);
	}

}
