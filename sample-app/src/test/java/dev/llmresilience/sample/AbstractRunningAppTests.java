package dev.llmresilience.sample;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.codec.json.Jackson2JsonDecoder;
import org.springframework.http.codec.json.Jackson2JsonEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.util.TestSocketUtils;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The running sample app, shared by the tests that extend this class (one context and
 * port per set of active profiles). The port is fixed before start-up because the
 * simulator provider's base URL names it. Faults and counts changed by a test are reset
 * after it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT,
		properties = { "simulator.seed=7", "simulator.models.sim-large.latency=0ms",
				"simulator.models.sim-large.chunk-interval=1ms", "simulator.models.sim-small.latency=0ms",
				"simulator.models.sim-small.chunk-interval=1ms", "llm.resilience.retry.initial-backoff=1ms",
				"llm.resilience.retry.max-backoff=2ms" })
abstract class AbstractRunningAppTests {

	protected WebTestClient webClient;

	@DynamicPropertySource
	static void serverPort(DynamicPropertyRegistry registry) {
		int port = TestSocketUtils.findAvailableTcpPort();
		registry.add("server.port", () -> port);
	}

	@Autowired
	private CircuitBreakerRegistry circuitBreakers;

	/**
	 * Bind a client to the running app. Built here rather than injected: Spring Boot 4
	 * provides one only with {@code @AutoConfigureWebTestClient}, which it moved to
	 * another package, and these tests run on both generations. Its JSON codec is Jackson
	 * 2's, which the app uses too, as Spring Boot 4 would otherwise prefer Jackson 3.
	 */
	@BeforeEach
	void bindToTheRunningApp(@Value("${local.server.port}") int port) {
		this.webClient = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).codecs((codecs) -> {
			codecs.defaultCodecs().jackson2JsonDecoder(new Jackson2JsonDecoder());
			codecs.defaultCodecs().jackson2JsonEncoder(new Jackson2JsonEncoder());
		}).build();
	}

	@AfterEach
	void resetSimulator() {
		this.circuitBreakers.getAllCircuitBreakers().forEach(CircuitBreaker::reset);
		this.webClient.delete().uri("/simulator/faults").exchange().expectStatus().isNoContent();
		this.webClient.delete().uri("/simulator/stats").exchange().expectStatus().isNoContent();
	}

	protected void putFaults(String model, String json) {
		this.webClient.put()
			.uri("/simulator/faults/{model}", model)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(json)
			.exchange()
			.expectStatus()
			.isOk();
	}

	protected static Map<String, Object> messagesBody(String model, String prompt, boolean stream) {
		return Map.of("model", model, "max_tokens", 1024, "stream", stream, "messages",
				List.of(Map.of("role", "user", "content", prompt)));
	}

	/**
	 * Stream a Messages API request to the simulator and take all its events.
	 */
	protected List<ServerSentEvent<String>> streamEvents(Map<String, Object> body) {
		return events(postMessages(body));
	}

	/**
	 * Send a request answered with server-sent events, expect 200, and take all its
	 * events.
	 */
	protected static List<ServerSentEvent<String>> events(WebTestClient.RequestHeadersSpec<?> request) {
		return request.exchange()
			.expectStatus()
			.isOk()
			.returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.getResponseBody()
			.collectList()
			.block(TIMEOUT);
	}

	protected static Map<String, Object> chatCompletionsBody(String model, String prompt, boolean stream) {
		return Map.of("model", model, "stream", stream, "messages", List.of(Map.of("role", "user", "content", prompt)));
	}

	protected WebTestClient.RequestHeadersSpec<?> postChatCompletions(Map<String, Object> body) {
		return this.webClient.post()
			.uri("/simulator/v1/chat/completions")
			.headers((headers) -> headers.setBearerAuth("test-key"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body);
	}

	/**
	 * Assert that a Chat Completions error has the envelope and request id of OpenAI's
	 * errors.
	 */
	protected static void assertChatCompletionsError(EntityExchangeResult<JsonNode> result, String message, String type,
			String param, String code) {
		assertThat(result.getResponseHeaders().getFirst("x-request-id")).startsWith("req_");
		ObjectNode expected = JsonNodeFactory.instance.objectNode();
		expected.putObject("error").put("message", message).put("type", type).put("param", param).put("code", code);
		assertThat(result.getResponseBody()).isEqualTo(expected);
	}

	protected WebTestClient.RequestHeadersSpec<?> postMessages(Map<String, Object> body) {
		return this.webClient.post()
			.uri("/simulator/v1/messages")
			.header("x-api-key", "test-key")
			.header("anthropic-version", "2023-06-01")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body);
	}

}
