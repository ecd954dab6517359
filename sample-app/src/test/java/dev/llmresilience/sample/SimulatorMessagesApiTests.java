package dev.llmresilience.sample;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's Messages API, without faults: answers, streams, headers and request
 * errors in the shapes of the real API.
 */
class SimulatorMessagesApiTests extends AbstractRunningAppTests {

	private static final String PROMPT = "Tell me about circuit breakers";

	private static final String ANSWER = "Hello from sim-test. You said: \"Tell me about circuit breakers\"."
			+ " This is a simulated answer.";

	private static final ObjectMapper objectMapper = new ObjectMapper();

	@Test
	void answersWithAMessageThatNamesTheModelAndEchoesThePrompt() {
		JsonNode body = postMessages(messagesBody("sim-test", PROMPT, false)).exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(body.path("id").asText()).startsWith("msg_");
		assertThat(withoutField(body, "id")).isEqualTo(json("""
				{"type":"message","role":"assistant","model":"sim-test",
				 "content":[{"type":"text","text":"%s"}],
				 "stop_reason":"end_turn","stop_sequence":null,
				 "usage":{"input_tokens":8,"output_tokens":15}}
				""".formatted(ANSWER.replace("\"", "\\\""))));
	}

	@Test
	void sendsARequestIdAndRateLimitHeaders() {
		postMessages(messagesBody("sim-test", PROMPT, false)).exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.value("request-id", (id) -> assertThat(id).startsWith("req_"))
			.expectHeader()
			.valueEquals("anthropic-ratelimit-requests-limit", "4000")
			.expectHeader()
			.valueEquals("anthropic-ratelimit-requests-remaining", "3999")
			.expectHeader()
			.valueEquals("anthropic-ratelimit-tokens-limit", "400000")
			.expectHeader()
			.valueEquals("anthropic-ratelimit-tokens-remaining", Long.toString(400000 - 8 - 15))
			.expectHeader()
			.value("anthropic-ratelimit-requests-reset",
					(reset) -> assertThat(OffsetDateTime.parse(reset)).isAfter(OffsetDateTime.now().minusSeconds(1)))
			.expectHeader()
			.exists("anthropic-ratelimit-tokens-reset");
	}

	@Test
	void cutsTheAnswerAtMaxTokens() {
		Map<String, Object> body = Map.of("model", "sim-test", "max_tokens", 4, "messages",
				List.of(Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", PROMPT)))));
		postMessages(body).exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.content[0].text")
			.isEqualTo("Hello from sim-test. You ")
			.jsonPath("$.stop_reason")
			.isEqualTo("max_tokens")
			.jsonPath("$.usage.output_tokens")
			.isEqualTo(4);
	}

	@Test
	void streamsTheEventsOfTheMessagesApiInOrder() {
		List<ServerSentEvent<String>> events = streamEvents(messagesBody("sim-test", PROMPT, true));
		List<String> names = events.stream().map(ServerSentEvent::event).toList();
		assertThat(names).containsExactly("message_start", "content_block_start", "ping", "content_block_delta",
				"content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta", "ping",
				"content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta",
				"content_block_delta", "ping", "content_block_delta", "content_block_delta", "content_block_delta",
				"content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
		JsonNode start = json(events.get(0).data());
		assertThat(start.path("message").path("id").asText()).startsWith("msg_");
		((ObjectNode) start.path("message")).remove("id");
		assertThat(start).isEqualTo(json("""
				{"type":"message_start","message":{"type":"message","role":"assistant","model":"sim-test",
				 "content":[],"stop_reason":null,"stop_sequence":null,
				 "usage":{"input_tokens":8,"output_tokens":1}}}
				"""));
		assertThat(json(events.get(1).data())).isEqualTo(json("""
				{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""));
		assertThat(json(events.get(2).data())).isEqualTo(json("{\"type\":\"ping\"}"));
		assertThat(json(events.get(3).data())).isEqualTo(json("""
				{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello "}}"""));
		assertThat(json(events.get(20).data())).isEqualTo(json("{\"type\":\"content_block_stop\",\"index\":0}"));
		assertThat(json(events.get(21).data())).isEqualTo(json("""
				{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},
				 "usage":{"output_tokens":15}}
				"""));
		assertThat(json(events.get(22).data())).isEqualTo(json("{\"type\":\"message_stop\"}"));
		String text = events.stream()
			.filter((event) -> "content_block_delta".equals(event.event()))
			.map((event) -> json(event.data()).path("delta").path("text").asText())
			.reduce("", String::concat);
		assertThat(text).isEqualTo(ANSWER);
	}

	@Test
	void writesEventsInTheSseFormatOfTheMessagesApi() {
		String body = postMessages(messagesBody("sim-test", PROMPT, true)).exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType("text/event-stream;charset=UTF-8")
			.expectHeader()
			.valueEquals("cache-control", "no-cache")
			.expectHeader()
			.exists("request-id")
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(body).startsWith("event: message_start\ndata: {\"type\":\"message_start\",")
			.contains("\n\nevent: ping\ndata: {\"type\":\"ping\"}\n\n")
			.endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
	}

	@Test
	void rejectsARequestWithoutApiKeyWithAnAuthenticationError() {
		EntityExchangeResult<JsonNode> result = this.webClient.post()
			.uri("/simulator/v1/messages")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(messagesBody("sim-test", PROMPT, false))
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody(JsonNode.class)
			.returnResult();
		assertErrorEnvelope(result, "authentication_error", "x-api-key header is required");
	}

	@Test
	void rejectsARequestWithoutMaxTokensWithAnInvalidRequestError() {
		Map<String, Object> body = Map.of("model", "sim-test", "messages",
				List.of(Map.of("role", "user", "content", PROMPT)));
		EntityExchangeResult<JsonNode> result = postMessages(body).exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody(JsonNode.class)
			.returnResult();
		assertErrorEnvelope(result, "invalid_request_error", "max_tokens: Field required");
	}

	@Test
	void rejectsABodyThatIsNotJsonWithAnInvalidRequestError() {
		this.webClient.post()
			.uri("/simulator/v1/messages")
			.header("x-api-key", "test-key")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{not json")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error.type")
			.isEqualTo("invalid_request_error");
	}

	@Test
	void answersWithRateLimitErrorOnceTheRequestsPerMinuteAreUsedUp() {
		putFaults("sim-rpm", "{\"requests-per-minute\": 2}");
		postMessages(messagesBody("sim-rpm", PROMPT, false)).exchange().expectStatus().isOk();
		postMessages(messagesBody("sim-rpm", PROMPT, false)).exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("anthropic-ratelimit-requests-remaining", "0");
		postMessages(messagesBody("sim-rpm", PROMPT, false)).exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.value("retry-after", (seconds) -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60))
			.expectBody()
			.jsonPath("$.error.type")
			.isEqualTo("rate_limit_error");
	}

	static void assertErrorEnvelope(EntityExchangeResult<JsonNode> result, String type, String message) {
		JsonNode body = result.getResponseBody();
		String requestId = result.getResponseHeaders().getFirst("request-id");
		assertThat(requestId).startsWith("req_");
		assertThat(body).isEqualTo(json("""
				{"type":"error","error":{"type":"%s","message":"%s"},"request_id":"%s"}
				""".formatted(type, message, requestId)));
	}

	static JsonNode json(String json) {
		try {
			return objectMapper.readTree(json);
		}
		catch (Exception ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	private static JsonNode withoutField(JsonNode node, String field) {
		ObjectNode copy = node.deepCopy();
		copy.remove(field);
		return copy;
	}

}
