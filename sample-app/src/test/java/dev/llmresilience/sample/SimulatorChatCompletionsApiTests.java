package dev.llmresilience.sample;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static dev.llmresilience.sample.SimulatorMessagesApiTests.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's Chat Completions API, without faults: answers, streams, tools, output
 * schemas, headers and request errors in the shapes of OpenAI's API.
 */
class SimulatorChatCompletionsApiTests extends AbstractRunningAppTests {

	private static final String PROMPT = "Tell me about circuit breakers";

	private static final String ANSWER = "Hello from sim-test. You said: \"Tell me about circuit breakers\"."
			+ " This is a simulated answer.";

	private static final String WEATHER_TOOL = """
			{"type":"function","function":{"name":"get_weather","description":"The weather in a city",
			 "parameters":{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},
			               "required":["city"]}}}""";

	private static final String REPORT_SCHEMA = """
			{"type":"object","properties":{"city":{"type":"string"},"temperature":{"type":"number"},
			 "unit":{"enum":["C","F"]},"warnings":{"type":"array","items":{"type":"string"}}},
			 "required":["city","temperature","unit","warnings"]}""";

	@Test
	void answersWithAChatCompletionThatNamesTheModelAndEchoesThePrompt() {
		JsonNode body = answer(chatCompletionsBody("sim-test", PROMPT, false));
		assertThat(body.path("id").asText()).startsWith("chatcmpl-");
		assertThat(Instant.ofEpochSecond(body.path("created").asLong())).isBetween(Instant.now().minusSeconds(60),
				Instant.now().plusSeconds(1));
		ObjectNode withoutIdAndTime = body.deepCopy();
		withoutIdAndTime.remove(List.of("id", "created"));
		assertThat(withoutIdAndTime).isEqualTo(json("""
				{"object":"chat.completion","model":"sim-test",
				 "choices":[{"index":0,"message":{"role":"assistant","content":"%s","refusal":null},
				             "logprobs":null,"finish_reason":"stop"}],
				 "usage":{"prompt_tokens":8,"completion_tokens":15,"total_tokens":23}}
				""".formatted(ANSWER.replace("\"", "\\\""))));
	}

	@Test
	void sendsARequestIdAndRateLimitHeadersWithResetsInGoDurations() {
		postChatCompletions(chatCompletionsBody("sim-test", PROMPT, false)).exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.value("x-request-id", (id) -> assertThat(id).startsWith("req_"))
			.expectHeader()
			.valueEquals("x-ratelimit-limit-requests", "4000")
			.expectHeader()
			.valueEquals("x-ratelimit-remaining-requests", "3999")
			.expectHeader()
			.valueEquals("x-ratelimit-limit-tokens", "400000")
			.expectHeader()
			.valueEquals("x-ratelimit-remaining-tokens", Long.toString(400000 - 8 - 15))
			// the window of the one request just admitted ends a minute from now
			.expectHeader()
			.value("x-ratelimit-reset-requests", (reset) -> assertThat(reset).matches("1m0s|59(\\.\\d{1,3})?s"))
			.expectHeader()
			.value("x-ratelimit-reset-tokens", (reset) -> assertThat(reset).matches("1m0s|59(\\.\\d{1,3})?s"));
	}

	@Test
	void cutsTheAnswerAtTheOutputLimitWithFinishReasonLength() {
		for (String limit : List.of("max_tokens", "max_completion_tokens")) {
			Map<String, Object> body = body("sim-test", PROMPT, false);
			body.put(limit, 4);
			postChatCompletions(body).exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.choices[0].message.content")
				.isEqualTo("Hello from sim-test. You ")
				.jsonPath("$.choices[0].finish_reason")
				.isEqualTo("length")
				.jsonPath("$.usage.completion_tokens")
				.isEqualTo(4);
		}
	}

	@Test
	void streamsChunksThenAUsageChunkThenDone() {
		Map<String, Object> body = body("sim-test", PROMPT, true);
		body.put("stream_options", Map.of("include_usage", true));
		List<ServerSentEvent<String>> events = events(postChatCompletions(body));
		// the role, 15 words, the finish reason, the usage, [DONE]
		assertThat(events).hasSize(19).allSatisfy((event) -> assertThat(event.event()).isNull());
		assertThat(events.get(18).data()).isEqualTo("[DONE]");
		List<JsonNode> chunks = events.subList(0, 18).stream().map((event) -> json(event.data())).toList();
		String id = chunks.get(0).path("id").asText();
		assertThat(id).startsWith("chatcmpl-");
		assertThat(chunks).allSatisfy((chunk) -> {
			assertThat(chunk.path("id").asText()).isEqualTo(id);
			assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
			assertThat(chunk.path("model").asText()).isEqualTo("sim-test");
		});
		assertThat(chunks.get(0).path("choices")).isEqualTo(json("""
				[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,
				  "finish_reason":null}]"""));
		assertThat(chunks.get(1).path("choices")).isEqualTo(json("""
				[{"index":0,"delta":{"content":"Hello "},"logprobs":null,"finish_reason":null}]"""));
		assertThat(chunks.subList(0, 17)).allSatisfy((chunk) -> assertThat(chunk.path("usage").isNull()).isTrue());
		assertThat(chunks.get(16).path("choices")).isEqualTo(json("""
				[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]"""));
		assertThat(chunks.get(17).path("choices")).isEmpty();
		assertThat(chunks.get(17).path("usage"))
			.isEqualTo(json("{\"prompt_tokens\":8,\"completion_tokens\":15,\"total_tokens\":23}"));
		assertThat(chunks.subList(1, 16)
			.stream()
			.map((chunk) -> chunk.at("/choices/0/delta/content").asText())
			.reduce("", String::concat)).isEqualTo(ANSWER);
	}

	@Test
	void streamsWithoutUsageUnlessAskedFor() {
		List<ServerSentEvent<String>> events = events(
				postChatCompletions(chatCompletionsBody("sim-test", PROMPT, true)));
		assertThat(events).hasSize(18);
		JsonNode finish = json(events.get(16).data());
		assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
		assertThat(events.subList(0, 17)).allSatisfy((event) -> assertThat(json(event.data()).has("usage")).isFalse());
		assertThat(events.get(17).data()).isEqualTo("[DONE]");
	}

	@Test
	void writesEventsAsDataLinesEndingWithDone() {
		String body = postChatCompletions(chatCompletionsBody("sim-test", PROMPT, true)).exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType("text/event-stream;charset=UTF-8")
			.expectHeader()
			.valueEquals("cache-control", "no-cache")
			.expectHeader()
			.exists("x-request-id")
			.expectHeader()
			.exists("x-ratelimit-remaining-requests")
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(body).startsWith("data: {\"id\":\"chatcmpl-")
			.doesNotContain("event:")
			.endsWith("\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
	}

	@Test
	void requestOfferingToolsIsAnsweredWithAToolCallWhoseArgumentsFitTheSchema() {
		Map<String, Object> body = body("sim-test", "Weather in Paris?", false);
		body.put("tools", List.of(json(WEATHER_TOOL)));
		JsonNode choice = answer(body).path("choices").get(0);
		assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
		assertThat(choice.at("/message/content").isNull()).isTrue();
		JsonNode call = choice.at("/message/tool_calls/0");
		assertThat(call.path("id").asText()).startsWith("call_");
		assertThat(call.path("type").asText()).isEqualTo("function");
		assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
		// a string of JSON, as OpenAI sends arguments
		assertThat(call.at("/function/arguments").textValue()).isEqualTo("{\"city\":\"simulated\"}");
	}

	@Test
	void toolCallIsStreamedAsAnOpeningPieceThenArgumentPieces() {
		Map<String, Object> body = body("sim-test", "Weather in Paris?", true);
		body.put("tools", List.of(json(WEATHER_TOOL)));
		List<ServerSentEvent<String>> events = events(postChatCompletions(body));
		// the call's id and name, 3 pieces of its arguments, the finish reason, [DONE]
		assertThat(events).hasSize(6);
		JsonNode opening = json(events.get(0).data()).at("/choices/0/delta");
		String callId = opening.at("/tool_calls/0/id").asText();
		assertThat(callId).startsWith("call_");
		assertThat(opening).isEqualTo(json("""
				{"role":"assistant","content":null,"refusal":null,
				 "tool_calls":[{"index":0,"id":"%s","type":"function",
				                "function":{"name":"get_weather","arguments":""}}]}""".formatted(callId)));
		List<JsonNode> pieces = events.subList(1, 4)
			.stream()
			.map((event) -> json(event.data()).at("/choices/0/delta/tool_calls/0"))
			.toList();
		assertThat(pieces).allSatisfy((piece) -> {
			assertThat(piece.path("index").asInt()).isZero();
			assertThat(piece.has("id")).isFalse();
		});
		assertThat(pieces.stream().map((piece) -> piece.at("/function/arguments").asText()).reduce("", String::concat))
			.isEqualTo("{\"city\":\"simulated\"}");
		assertThat(json(events.get(4).data()).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
		assertThat(events.get(5).data()).isEqualTo("[DONE]");
	}

	@Test
	void toolMessagesAfterTheCallAreAnsweredWithTextAboutThem() {
		Map<String, Object> body = body("sim-test", "Weather in Paris?", false);
		body.put("tools", List.of(json(WEATHER_TOOL)));
		body.put("messages", List.of(Map.of("role", "user", "content", "Weather in Paris?"), toolCallMessage("call_1"),
				Map.of("role", "tool", "tool_call_id", "call_1", "content", "Sunny")));
		postChatCompletions(body).exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.choices[0].message.content")
			.isEqualTo("Hello from sim-test. The tool said: \"Sunny\". This is a simulated answer.")
			.jsonPath("$.choices[0].finish_reason")
			.isEqualTo("stop");
	}

	@Test
	void toolChoiceRequiredOrNamingAFunctionIsAnsweredWithACallOfIt() {
		Map<String, Object> body = body("sim-test", "Weather in Paris?", false);
		body.put("tools", List.of(json(WEATHER_TOOL), json("""
				{"type":"function","function":{"name":"get_time","parameters":{"type":"object"}}}""")));
		body.put("tool_choice", Map.of("type", "function", "function", Map.of("name", "get_time")));
		assertThat(answer(body).at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("get_time");
		body.put("messages", List.of(Map.of("role", "user", "content", "Weather in Paris?"), toolCallMessage("call_1"),
				Map.of("role", "tool", "tool_call_id", "call_1", "content", "Sunny")));
		body.put("tool_choice", "required");
		// with the results in, a call is required still: of the last tool
		assertThat(answer(body).at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("get_time");
	}

	@Test
	void responseFormatJsonSchemaIsAnsweredWithTheSmallestJsonThatFitsIt() {
		Map<String, Object> body = body("sim-test", "Weather in Paris?", false);
		body.put("response_format", Map.of("type", "json_schema", "json_schema",
				Map.of("name", "weather_report", "schema", json(REPORT_SCHEMA), "strict", true)));
		JsonNode choice = answer(body).path("choices").get(0);
		assertThat(json(choice.at("/message/content").asText()))
			.isEqualTo(json("{\"city\":\"simulated\",\"temperature\":0,\"unit\":\"C\",\"warnings\":[]}"));
		assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
	}

	@Test
	void imagePartsAreAcceptedCountedAndMentioned() {
		Map<String, Object> body = body("sim-test", "", false);
		body.put("messages",
				List.of(Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", "What is this?"),
						Map.of("type", "image_url", "image_url", Map.of("url", "data:image/png;base64,iVBO"))))));
		postChatCompletions(body).exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.choices[0].message.content")
			.isEqualTo("Hello from sim-test. You said: \"What is this?\" and sent 1 image. This is a simulated answer.")
			.jsonPath("$.usage.prompt_tokens")
			.isEqualTo(4 + 1600);
	}

	@Test
	void rejectsARequestWithoutBearerTokenWithAnInvalidRequestError() {
		EntityExchangeResult<JsonNode> result = this.webClient.post()
			.uri("/simulator/v1/chat/completions")
			.header("x-api-key", "test-key")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatCompletionsBody("sim-test", PROMPT, false))
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody(JsonNode.class)
			.returnResult();
		assertChatCompletionsError(result, "An API key is required, sent as 'Authorization: Bearer <key>'",
				"invalid_request_error", null, null);
	}

	@Test
	void rejectsARequestWithoutModelNamingTheParameter() {
		EntityExchangeResult<JsonNode> result = postChatCompletions(
				Map.of("messages", List.of(Map.of("role", "user", "content", PROMPT))))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody(JsonNode.class)
			.returnResult();
		assertChatCompletionsError(result, "'model' is required", "invalid_request_error", "model", null);
	}

	@Test
	void rejectsAToolMessageThatAnswersNoCall() {
		Map<String, Object> body = body("sim-test", "Weather in Paris?", false);
		body.put("tools", List.of(json(WEATHER_TOOL)));
		body.put("messages", List.of(Map.of("role", "user", "content", "Weather in Paris?"), toolCallMessage("call_1"),
				Map.of("role", "tool", "tool_call_id", "call_2", "content", "Sunny")));
		postChatCompletions(body).exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error.type")
			.isEqualTo("invalid_request_error")
			.jsonPath("$.error.param")
			.isEqualTo("messages")
			.jsonPath("$.error.message")
			.value((String message) -> assertThat(message).contains("call_2"));
	}

	@Test
	void rejectsACallLeftUnanswered() {
		Map<String, Object> body = body("sim-test", "Weather in Paris?", false);
		body.put("tools", List.of(json(WEATHER_TOOL)));
		body.put("messages", List.of(Map.of("role", "user", "content", "Weather in Paris?"), toolCallMessage("call_1"),
				Map.of("role", "user", "content", "And tomorrow?")));
		postChatCompletions(body).exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error.param")
			.isEqualTo("messages")
			.jsonPath("$.error.message")
			.value((String message) -> assertThat(message).contains("unanswered: call_1"));
	}

	@Test
	void rejectsABodyThatIsNotJsonWithAnInvalidRequestError() {
		this.webClient.post()
			.uri("/simulator/v1/chat/completions")
			.headers((headers) -> headers.setBearerAuth("test-key"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{not json")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error.type")
			.isEqualTo("invalid_request_error");
	}

	private JsonNode answer(Map<String, Object> body) {
		return postChatCompletions(body).exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
	}

	private static Map<String, Object> toolCallMessage(String id) {
		Map<String, Object> message = new LinkedHashMap<>();
		message.put("role", "assistant");
		message.put("content", null);
		message.put("tool_calls", List.of(Map.of("id", id, "type", "function", "function",
				Map.of("name", "get_weather", "arguments", "{\"city\":\"Paris\"}"))));
		return message;
	}

	/**
	 * Return a body of one user turn that tests may add fields to.
	 */
	private static Map<String, Object> body(String model, String prompt, boolean stream) {
		return new LinkedHashMap<>(chatCompletionsBody(model, prompt, stream));
	}

}
