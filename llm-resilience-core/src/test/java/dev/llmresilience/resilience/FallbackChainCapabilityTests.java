package dev.llmresilience.resilience;

import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.LlmCapability;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmOutputSchema;
import dev.llmresilience.LlmReasoning;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmTool;
import dev.llmresilience.LlmToolChoice;
import dev.llmresilience.StopReason;
import dev.llmresilience.error.LlmAllModelsFailedException;
import dev.llmresilience.pipeline.FakeProviderChains;
import dev.llmresilience.pipeline.LlmResilience;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import dev.llmresilience.test.ReceivedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link FallbackChain} with models whose capabilities are configured: a model
 * that cannot take a request's content is skipped with the reason recorded and never
 * called, and the next one answers; a model whose capabilities are unknown takes
 * everything. Over HTTP against a {@link FakeProviderServer}, so that what each model was
 * sent can be read on the wire; each model is tried twice before the next one.
 */
class FallbackChainCapabilityTests {

	private static final ObjectMapper MAPPER = new ObjectMapper();

	private static final String PNG = "iVBORw0KGgo=";

	private static final JsonNode OBJECT_SCHEMA = json("""
			{"type":"object","properties":{"city":{"type":"string"},"temperature":{"type":"number"}},
			 "required":["city","temperature"]}""");

	private static final LlmOutputSchema WEATHER_REPORT = new LlmOutputSchema("weather_report", OBJECT_SCHEMA, true);

	private final FakeProviderServer fake = FakeProviderServer.start();

	private final List<LlmResilience> built = new ArrayList<>();

	@AfterEach
	void close() {
		this.built.forEach(LlmResilience::close);
		this.fake.close();
	}

	@Test
	void imageToATextOnlyModelIsSkippedAndTheNextModelAnswers() {
		LlmResponse response = call(
				chain(anthropic("text-only", LlmCapability.TOOLS), anthropic("seeing", LlmCapability.VISION)),
				LlmRequest.builder()
					.user(LlmContent.text("What is this?"), LlmContent.image("image/png", PNG))
					.build());
		assertThat(response.model()).isEqualTo("seeing");
		assertThat(response.fallback()).isTrue();
		assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("text-only", Outcome.SKIPPED, "MissingCapability:VISION"),
					tuple("seeing", Outcome.SUCCESS, null));
		assertThat(this.fake.requests().count("text-only-model")).isZero();
		assertThat(this.fake.requests().last().messages().at("/0/content/1/source/data").asText()).isEqualTo(PNG);
	}

	@Test
	void toolsToAModelDeclaredWithoutToolsAreSkipped() {
		LlmResponse response = call(
				chain(openAi("no-tools", LlmCapability.VISION), openAi("with-tools", LlmCapability.TOOLS)),
				LlmRequest.builder().user("Weather in Paris?").tool(weatherTool()).build());
		assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("no-tools", Outcome.SKIPPED, "MissingCapability:TOOLS"),
					tuple("with-tools", Outcome.SUCCESS, null));
		assertThat(this.fake.requests().count("no-tools-model")).isZero();
		assertThat(this.fake.requests().last().toolNames()).containsExactly("get_weather");
	}

	@Test
	void requiredReasoningSkipsAModelThatCannotReason() {
		LlmResponse response = call(
				chain(anthropic("plain", LlmCapability.TOOLS), anthropic("thinker", LlmCapability.REASONING)),
				LlmRequest.builder().user("Prove it.").reasoning(LlmReasoning.of(LlmReasoning.Effort.LOW)).build());
		assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("plain", Outcome.SKIPPED, "MissingCapability:REASONING"),
					tuple("thinker", Outcome.SUCCESS, null));
		assertThat(this.fake.requests().last().body().at("/thinking/type").asText()).isEqualTo("enabled");
	}

	@Test
	void optionalReasoningIsSentWithoutItToModelsThatCannotReason() {
		LlmResilience llm = chain(anthropic("plain-claude", LlmCapability.TOOLS),
				openAi("plain-gpt", LlmCapability.TOOLS));
		LlmRequest request = LlmRequest.builder()
			.user("Prove it.")
			.reasoning(LlmReasoning.of(LlmReasoning.Effort.HIGH).asOptional())
			.build();
		this.fake.model("plain-claude-model").reply(FakeReply.error(529));
		LlmResponse response = call(llm, request);
		assertThat(response.model()).isEqualTo("plain-gpt");
		ReceivedRequest toClaude = this.fake.requests().forModel("plain-claude-model").get(0);
		ReceivedRequest toGpt = this.fake.requests().forModel("plain-gpt-model").get(0);
		assertThat(toClaude.body().has("thinking")).isFalse();
		assertThat(toGpt.body().has("reasoning_effort")).isFalse();
	}

	@Test
	void optionalReasoningIsSentToModelsThatCanReason() {
		LlmResilience llm = chain(anthropic("claude", LlmCapability.REASONING), openAi("gpt", LlmCapability.REASONING));
		LlmRequest request = LlmRequest.builder()
			.user("Prove it.")
			.reasoning(LlmReasoning.of(LlmReasoning.Effort.HIGH).asOptional())
			.build();
		this.fake.model("claude-model").reply(FakeReply.error(529));
		call(llm, request);
		assertThat(this.fake.requests().forModel("claude-model").get(0).body().at("/thinking/budget_tokens").asInt())
			.isEqualTo(4095);
		assertThat(this.fake.requests().forModel("gpt-model").get(0).body().path("reasoning_effort").asText())
			.isEqualTo("high");
	}

	@Test
	void structuredOutputToAModelWithNeitherStructuredOutputNorToolsIsSkipped() {
		this.fake.defaults().reply(FakeReply.answer("{\"city\":\"Paris\",\"temperature\":24}"));
		LlmResponse response = call(
				chain(openAi("bare", LlmCapability.VISION), openAi("native", LlmCapability.STRUCTURED_OUTPUT)),
				LlmRequest.builder().user("Weather in Paris?").outputSchema(WEATHER_REPORT).build());
		assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("bare", Outcome.SKIPPED, "MissingCapability:STRUCTURED_OUTPUT"),
					tuple("native", Outcome.SUCCESS, null));
		assertThat(this.fake.requests().count("bare-model")).isZero();
		assertThat(response.structuredOutput().path("city").asText()).isEqualTo("Paris");
	}

	@Test
	void pdfByUrlSkipsAnOpenAiModelForOneThatFetchesIt() {
		LlmResponse response = call(chain(openAi("gpt"), anthropic("claude")),
				LlmRequest.builder()
					.user(LlmContent.text("Summarise it."),
							LlmContent.pdf(URI.create("https://example.com/report.pdf"), "Report"))
					.build());
		assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("gpt", Outcome.SKIPPED, "PdfUrlNotSupported"),
					tuple("claude", Outcome.SUCCESS, null));
		assertThat(this.fake.requests().count("gpt-model")).isZero();
		assertThat(this.fake.requests().last().messages().at("/0/content/1/source/url").asText())
			.isEqualTo("https://example.com/report.pdf");
	}

	@Test
	void chainWhereNoModelCanTakeTheRequestFailsSayingWhyWithoutCallingAny() {
		LlmResilience llm = chain(anthropic("claude", LlmCapability.TOOLS), openAi("gpt", LlmCapability.VISION));
		LlmRequest request = LlmRequest.builder()
			.user(LlmContent.text("What is this?"), LlmContent.image("image/png", PNG))
			.tool(weatherTool())
			.build();
		assertThatExceptionOfType(LlmAllModelsFailedException.class)
			.isThrownBy(() -> llm.template().callBlocking(request))
			.withMessage("No model could take the request: "
					+ "[claude SKIPPED MissingCapability:VISION, gpt SKIPPED MissingCapability:TOOLS]")
			.withNoCause()
			.satisfies(
					(ex) -> assertThat(ex.getAttempts()).extracting(LlmAttempt::outcome).containsOnly(Outcome.SKIPPED));
		assertThat(this.fake.requests().count()).isZero();
	}

	@Test
	void modelsOfUnknownCapabilitiesAreNeverSkippedForContent() {
		LlmRequest request = LlmRequest.builder()
			.user(LlmContent.text("Read both."), LlmContent.image("image/png", PNG), LlmContent.pdf("JVBERi0=", null))
			.tool(weatherTool())
			.reasoning(LlmReasoning.of(LlmReasoning.Effort.LOW))
			.build();
		this.fake.defaults().reply(FakeReply.toolCall("toolu_1", "get_weather", "{\"city\":\"Paris\"}"));
		LlmResponse response = call(chain(anthropic("claude"), openAi("gpt")), request);
		assertThat(response.model()).isEqualTo("claude");
		assertThat(response.attempts()).extracting(LlmAttempt::outcome).containsExactly(Outcome.SUCCESS);
		JsonNode sent = this.fake.requests().last().body();
		assertThat(sent.at("/messages/0/content").findValuesAsText("type")).contains("image", "document");
		assertThat(sent.at("/tools/0/name").asText()).isEqualTo("get_weather");
		assertThat(sent.has("thinking")).isTrue();
	}

	@Test
	void requiredThinkingWithAForcedAnswerToolSkipsAnAnthropicModelForOneThatTakesBoth() {
		this.fake.defaults().reply(FakeReply.answer("{\"city\":\"Paris\",\"temperature\":24}"));
		LlmRequest request = LlmRequest.builder()
			.user("Weather in Paris?")
			.reasoning(LlmReasoning.of(LlmReasoning.Effort.LOW))
			.outputSchema(WEATHER_REPORT)
			.build();
		LlmResponse response = call(chain(anthropic("claude"), openAi("gpt")), request);
		assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("claude", Outcome.SKIPPED, "ThinkingWithForcedTool"),
					tuple("gpt", Outcome.SUCCESS, null));
		assertThat(this.fake.requests().count("claude-model")).isZero();
		JsonNode sent = this.fake.requests().last().body();
		assertThat(sent.path("reasoning_effort").asText()).isEqualTo("low");
		assertThat(sent.at("/response_format/json_schema/name").asText()).isEqualTo("weather_report");
		assertThat(response.structuredOutput()).isEqualTo(json("{\"city\":\"Paris\",\"temperature\":24}"));
	}

	@Test
	void requiredThinkingWithAForcedToolChoiceSkipsAnAnthropicModel() {
		LlmRequest request = LlmRequest.builder()
			.user("Weather in Paris?")
			.tool(weatherTool())
			.toolChoice(LlmToolChoice.REQUIRED)
			.reasoning(LlmReasoning.of(LlmReasoning.Effort.LOW))
			.build();
		LlmResponse response = call(chain(anthropic("claude"), openAi("gpt")), request);
		assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("claude", Outcome.SKIPPED, "ThinkingWithForcedTool"),
					tuple("gpt", Outcome.SUCCESS, null));
		JsonNode sent = this.fake.requests().last().body();
		assertThat(sent.path("tool_choice").asText()).isEqualTo("required");
		assertThat(sent.path("reasoning_effort").asText()).isEqualTo("low");
	}

	@Test
	void optionalThinkingGivesWayToTheForcedAnswerToolOfAnAnthropicModel() {
		this.fake.defaults()
			.reply(FakeReply.toolCall("toolu_1", "weather_report", "{\"city\":\"Paris\",\"temperature\":24}"));
		LlmRequest request = LlmRequest.builder()
			.user("Weather in Paris?")
			.reasoning(LlmReasoning.of(LlmReasoning.Effort.LOW).asOptional())
			.outputSchema(WEATHER_REPORT)
			.build();
		LlmResponse response = call(chain(anthropic("claude"), openAi("gpt")), request);
		assertThat(response.model()).isEqualTo("claude");
		assertThat(response.structuredOutput()).isEqualTo(json("{\"city\":\"Paris\",\"temperature\":24}"));
		JsonNode sent = this.fake.requests().last().body();
		assertThat(sent.path("tool_choice")).isEqualTo(json("{\"type\":\"tool\",\"name\":\"weather_report\"}"));
		assertThat(sent.has("thinking")).isFalse();
	}

	@Test
	void structuredOutputOfANativeModelIsParsed() {
		this.fake.defaults().reply(FakeReply.answer("{\"city\":\"Paris\",", "\"temperature\":24}"));
		LlmResponse response = call(chain(openAi("native", LlmCapability.STRUCTURED_OUTPUT), anthropic("claude")),
				LlmRequest.builder().user("Weather in Paris?").outputSchema(WEATHER_REPORT).build());
		assertThat(response.model()).isEqualTo("native");
		assertThat(response.structuredOutput()).isEqualTo(json("{\"city\":\"Paris\",\"temperature\":24}"));
		JsonNode sent = this.fake.requests().last().body();
		assertThat(sent.at("/response_format/json_schema/name").asText()).isEqualTo("weather_report");
		assertThat(sent.has("tools")).isFalse();
	}

	@Test
	void structuredOutputOfAnAnswerToolModelIsParsedAfterAFallback() {
		LlmResilience llm = chain(openAi("native", LlmCapability.STRUCTURED_OUTPUT),
				anthropic("tool-only", LlmCapability.TOOLS));
		this.fake.model("native-model").reply(FakeReply.error(503));
		this.fake.model("tool-only-model")
			.reply(FakeReply.toolCall("toolu_1", "weather_report", "{\"city\":\"Paris\",\"temperature\":24}"));
		LlmRequest request = LlmRequest.builder().user("Weather in Paris?").outputSchema(WEATHER_REPORT).build();
		LlmResponse response = call(llm, request);
		assertThat(response.model()).isEqualTo("tool-only");
		assertThat(response.fallback()).isTrue();
		assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
		assertThat(response.toolCalls()).isEmpty();
		assertThat(response.structuredOutput()).isEqualTo(json("{\"city\":\"Paris\",\"temperature\":24}"));
		JsonNode sent = this.fake.requests().last().body();
		assertThat(sent.at("/tools/0/name").asText()).isEqualTo("weather_report");
		assertThat(sent.path("tool_choice")).isEqualTo(json("{\"type\":\"tool\",\"name\":\"weather_report\"}"));
		assertThat(sent.has("output_config")).isFalse();

		List<LlmStreamEvent> events = llm.template().stream(request).collectList().block(TIMEOUT);
		// the answer tool's input streams as the answer's text
		List<String> deltas = events.stream()
			.filter(LlmStreamEvent.TextDelta.class::isInstance)
			.map((event) -> ((LlmStreamEvent.TextDelta) event).text())
			.toList();
		assertThat(deltas).hasSize(3);
		assertThat(String.join("", deltas)).isEqualTo("{\"city\":\"Paris\",\"temperature\":24}");
		LlmResponse streamed = ((LlmStreamEvent.Completion) events.get(events.size() - 1)).response();
		assertThat(streamed.structuredOutput()).isEqualTo(response.structuredOutput());
	}

	private LlmResilience chain(LlmModel... models) {
		LlmResilience.Builder builder = FakeProviderChains.builder(this.fake);
		for (LlmModel model : models) {
			builder.model(model);
		}
		LlmResilience llm = builder.chain("default", List.of(models).stream().map(LlmModel::id).toArray(String[]::new))
			.build();
		this.built.add(llm);
		return llm;
	}

	private static LlmResponse call(LlmResilience llm, LlmRequest request) {
		return llm.template().call(request).block(TIMEOUT);
	}

	/**
	 * A model of provider {@code anthropic} named {@code <id>-model}, with these
	 * capabilities, or with unknown ones if none are given.
	 */
	private static LlmModel anthropic(String id, LlmCapability... capabilities) {
		return model(id, "anthropic", capabilities);
	}

	private static LlmModel openAi(String id, LlmCapability... capabilities) {
		return model(id, "openai", capabilities);
	}

	private static LlmModel model(String id, String provider, LlmCapability... capabilities) {
		EnumSet<LlmCapability> declared = (capabilities.length > 0) ? EnumSet.copyOf(List.of(capabilities)) : null;
		return new LlmModel(id, provider, id + "-model", 4096, null, Map.of(), declared);
	}

	private static LlmTool weatherTool() {
		return new LlmTool("get_weather", "The weather in a city", json("{\"type\":\"object\"}"));
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
