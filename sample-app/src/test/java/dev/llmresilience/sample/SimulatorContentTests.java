package dev.llmresilience.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmresilience.LlmOutputSchema;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.StopReason;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.codec.ServerSentEvent;

import static dev.llmresilience.sample.SimulatorMessagesApiTests.json;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's answers to content beyond text: tool calls and their results, output
 * schemas, images, and prompts larger than a model's context window.
 */
class SimulatorContentTests extends AbstractRunningAppTests {

	private static final String WEATHER_TOOL = """
			{"name":"get_weather","description":"The weather in a city",
			 "input_schema":{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},
			                 "required":["city"]}}""";

	private static final String REPORT_SCHEMA = """
			{"type":"object","properties":{"city":{"type":"string"},"temperature":{"type":"number"},
			 "unit":{"enum":["C","F"]},"warnings":{"type":"array","items":{"type":"string"}}},
			 "required":["city","temperature","unit","warnings"]}""";

	@Autowired
	private LlmTemplate template;

	@Test
	void requestOfferingToolsIsAnsweredWithACallWhoseInputFitsTheSchema() {
		Map<String, Object> body = body("sim-test", "Weather in Paris?", false);
		body.put("tools", List.of(json(WEATHER_TOOL)));
		JsonNode answer = answer(body);
		JsonNode call = answer.path("content").get(0);
		assertThat(call.path("type").asText()).isEqualTo("tool_use");
		assertThat(call.path("id").asText()).startsWith("toolu_");
		assertThat(call.path("name").asText()).isEqualTo("get_weather");
		assertThat(call.path("input")).isEqualTo(json("{\"city\":\"simulated\"}"));
		assertThat(answer.path("stop_reason").asText()).isEqualTo("tool_use");
	}

	@Test
	void toolCallIsStreamedAsInputJsonDeltas() {
		Map<String, Object> body = body("sim-test", "Weather in Paris?", true);
		body.put("tools", List.of(json(WEATHER_TOOL)));
		List<ServerSentEvent<String>> events = streamEvents(body);
		assertThat(json(events.get(1).data()).path("content_block"))
			.isEqualTo(json("{\"type\":\"tool_use\",\"id\":\"%s\",\"name\":\"get_weather\",\"input\":{}}"
				.formatted(json(events.get(1).data()).at("/content_block/id").asText())));
		List<JsonNode> deltas = events.stream()
			.filter((event) -> "content_block_delta".equals(event.event()))
			.map((event) -> json(event.data()).path("delta"))
			.toList();
		assertThat(deltas).hasSize(3)
			.allSatisfy((delta) -> assertThat(delta.path("type").asText()).isEqualTo("input_json_delta"));
		assertThat(deltas.stream().map((delta) -> delta.path("partial_json").asText()).reduce("", String::concat))
			.isEqualTo("{\"city\":\"simulated\"}");
		JsonNode messageDelta = json(events.get(events.size() - 2).data());
		assertThat(messageDelta.at("/delta/stop_reason").asText()).isEqualTo("tool_use");
		assertThat(messageDelta.at("/usage/output_tokens").asInt()).isEqualTo(3);
	}

	@Test
	void requestWithAToolResultIsAnsweredWithTextAboutIt() {
		Map<String, Object> body = body("sim-test", "Weather in Paris?", false);
		body.put("tools", List.of(json(WEATHER_TOOL)));
		body.put("messages",
				List.of(Map.of("role", "user", "content", "Weather in Paris?"),
						Map.of("role", "assistant", "content",
								List.of(Map.of("type", "tool_use", "id", "toolu_1", "name", "get_weather", "input",
										Map.of("city", "Paris")))),
						Map.of("role", "user", "content",
								List.of(Map.of("type", "tool_result", "tool_use_id", "toolu_1", "content", "Sunny")))));
		postMessages(body).exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.content[0].text")
			.isEqualTo("Hello from sim-test. The tool said: \"Sunny\". This is a simulated answer.")
			.jsonPath("$.stop_reason")
			.isEqualTo("end_turn");
	}

	@Test
	void outputSchemaIsAnsweredWithTheSmallestJsonThatFitsIt() {
		Map<String, Object> body = body("sim-test", "Weather in Paris?", false);
		body.put("output_config", Map.of("format", Map.of("type", "json_schema", "schema", json(REPORT_SCHEMA))));
		JsonNode answer = answer(body);
		assertThat(json(answer.at("/content/0/text").asText()))
			.isEqualTo(json("{\"city\":\"simulated\",\"temperature\":0,\"unit\":\"C\",\"warnings\":[]}"));
		assertThat(answer.path("stop_reason").asText()).isEqualTo("end_turn");
	}

	@Test
	void structuredOutputThroughTheTemplateIsParsed() {
		LlmRequest request = LlmRequest.builder()
			.user("Weather in Paris?")
			.outputSchema(new LlmOutputSchema("weather_report", json(REPORT_SCHEMA), true))
			.build();
		LlmResponse response = this.template.call(request).block(TIMEOUT);
		assertThat(response.model()).isEqualTo("primary");
		assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
		assertThat(response.structuredOutput())
			.isEqualTo(json("{\"city\":\"simulated\",\"temperature\":0,\"unit\":\"C\",\"warnings\":[]}"));
	}

	@Test
	void imagesAreAcceptedCountedAndMentioned() {
		Map<String, Object> body = body("sim-test", "", false);
		body.put("messages",
				List.of(Map.of("role", "user", "content",
						List.of(Map.of("type", "text", "text", "What is this?"), Map.of("type", "image", "source",
								Map.of("type", "base64", "media_type", "image/png", "data", "iVBORw0KGgo="))))));
		postMessages(body).exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.content[0].text")
			.isEqualTo("Hello from sim-test. You said: \"What is this?\" and sent 1 image. This is a simulated answer.")
			.jsonPath("$.usage.input_tokens")
			.isEqualTo(4 + 1600);
	}

	@Test
	void promptLargerThanTheContextWindowIsRefusedAsTooLong() {
		putFaults("sim-small-window", "{\"context-window\": 5}");
		postMessages(messagesBody("sim-small-window", "Tell me about circuit breakers", false)).exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error.type")
			.isEqualTo("invalid_request_error")
			.jsonPath("$.error.message")
			.isEqualTo("prompt is too long: 8 tokens > 5 maximum");
	}

	private JsonNode answer(Map<String, Object> body) {
		return postMessages(body).exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
	}

	/**
	 * Return a body of one user turn that tests may add fields to.
	 */
	private static Map<String, Object> body(String model, String prompt, boolean stream) {
		return new LinkedHashMap<>(messagesBody(model, prompt, stream));
	}

}
