package dev.llmresilience.sample;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static dev.llmresilience.sample.SimulatorMessagesApiTests.assertErrorEnvelope;
import static dev.llmresilience.sample.SimulatorMessagesApiTests.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults injected per model name, through the control endpoints, as the real API shows
 * them.
 */
class SimulatorFaultsTests extends AbstractRunningAppTests {

	@Value("${local.server.port}")
	private int port;

	@Test
	void failsWithOverloadedError529() {
		putFaults("sim-faulty", "{\"failure-rate\": 1.0, \"failure\": \"overloaded\"}");
		EntityExchangeResult<JsonNode> result = postMessages(messagesBody("sim-faulty", "hi", false)).exchange()
			.expectStatus()
			.isEqualTo(529)
			.expectBody(JsonNode.class)
			.returnResult();
		assertErrorEnvelope(result, "overloaded_error", "Overloaded");
	}

	@Test
	void failsWithRateLimitError429AndRetryAfterSeconds() {
		putFaults("sim-faulty", "{\"failure-rate\": 1.0, \"failure\": \"rate-limit\", \"retry-after\": \"2500ms\"}");
		EntityExchangeResult<JsonNode> result = postMessages(messagesBody("sim-faulty", "hi", false)).exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.valueEquals("retry-after", "3")
			.expectHeader()
			.exists("anthropic-ratelimit-requests-remaining")
			.expectBody(JsonNode.class)
			.returnResult();
		assertErrorEnvelope(result, "rate_limit_error", "Number of requests has exceeded your rate limit (simulated).");
	}

	@Test
	void failsWithApiError500() {
		putFaults("sim-faulty", "{\"failure-rate\": 1.0, \"failure\": \"server-error\"}");
		EntityExchangeResult<JsonNode> result = postMessages(messagesBody("sim-faulty", "hi", false)).exchange()
			.expectStatus()
			.isEqualTo(500)
			.expectBody(JsonNode.class)
			.returnResult();
		assertErrorEnvelope(result, "api_error", "Internal server error");
	}

	@Test
	void resetsTheConnectionWithoutAnyResponse() {
		putFaults("sim-faulty", "{\"failure-rate\": 1.0, \"failure\": \"connection-reset\"}");
		WebClient client = WebClient.create("http://localhost:" + this.port);
		StepVerifier
			.create(client.post()
				.uri("/simulator/v1/messages")
				.header("x-api-key", "test-key")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(messagesBody("sim-faulty", "hi", false))
				.retrieve()
				.toBodilessEntity())
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WebClientRequestException.class))
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void breaksOffAStreamWithAnOverloadedErrorEventAfterSomeDeltas() {
		putFaults("sim-faulty", """
				{"failure-rate": 1.0, "failure": "mid-stream-error", "chunk-interval": "1ms"}""");
		List<ServerSentEvent<String>> events = streamEvents(messagesBody("sim-faulty", "hi", true));
		// The answer to "hi" has 11 words; the first 5 are sent before the error.
		assertThat(events).extracting(ServerSentEvent::event)
			.startsWith("message_start", "content_block_start", "ping", "content_block_delta")
			.endsWith("content_block_delta", "error")
			.doesNotContain("message_stop")
			.filteredOn("content_block_delta"::equals)
			.hasSize(5);
		assertThat(json(events.get(events.size() - 1).data())).isEqualTo(json("""
				{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"""));
	}

	@Test
	void failsARequestThatIsNotStreamedWithApiError500ForMidStreamError() {
		putFaults("sim-faulty", "{\"failure-rate\": 1.0, \"failure\": \"mid-stream-error\"}");
		EntityExchangeResult<JsonNode> result = postMessages(messagesBody("sim-faulty", "hi", false)).exchange()
			.expectStatus()
			.isEqualTo(500)
			.expectBody(JsonNode.class)
			.returnResult();
		assertErrorEnvelope(result, "api_error", "Internal server error");
	}

	@Test
	void waitsForTheLatencyBeforeAnswering() {
		putFaults("sim-slow", "{\"latency\": \"300ms\"}");
		long start = System.nanoTime();
		postMessages(messagesBody("sim-slow", "hi", false)).exchange().expectStatus().isOk();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void putReplacesTheFaultsOfAModelWithDefaultsForFieldsLeftOut() {
		putFaults("sim-faulty", "{\"latency\": \"2s\", \"failure\": \"server-error\"}");
		this.webClient.put()
			.uri("/simulator/faults/sim-faulty")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"failureRate\": 0.25}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.json("""
					{"latency":"PT0S","chunk-interval":"PT0.02S","failure-rate":0.25,"failure":"overloaded",
					 "retry-after":"PT1S","requests-per-minute":4000,"tokens-per-minute":400000,
					 "context-window":200000}
					""", true);
		this.webClient.get()
			.uri("/simulator/faults/sim-faulty")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.failure-rate")
			.isEqualTo(0.25);
	}

	@Test
	void listsTheDefaultsAndEveryModelWithItsOwnFaults() {
		putFaults("sim-faulty", "{\"failure-rate\": 0.5}");
		this.webClient.get()
			.uri("/simulator/faults")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.defaults.failure-rate")
			.isEqualTo(0.0)
			.jsonPath("$.models.sim-large.chunk-interval")
			.isEqualTo("PT0.001S")
			.jsonPath("$.models.sim-small")
			.exists()
			.jsonPath("$.models.sim-faulty.failure-rate")
			.isEqualTo(0.5);
	}

	@Test
	void deleteRestoresTheConfiguredFaults() {
		putFaults("sim-large", "{\"failure-rate\": 1.0}");
		putFaults("sim-faulty", "{\"failure-rate\": 1.0}");
		this.webClient.delete().uri("/simulator/faults").exchange().expectStatus().isNoContent();
		this.webClient.get()
			.uri("/simulator/faults")
			.exchange()
			.expectBody()
			.jsonPath("$.models.sim-large.failure-rate")
			.isEqualTo(0.0)
			.jsonPath("$.models.sim-large.chunk-interval")
			.isEqualTo("PT0.001S")
			.jsonPath("$.models.sim-faulty")
			.doesNotExist();
	}

	@Test
	void putRejectsAnOutOfRangeRateWithAProblem() {
		this.webClient.put()
			.uri("/simulator/faults/sim-faulty")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"failure-rate\": 1.5}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("failure-rate must be between 0.0 and 1.0");
	}

	@Test
	void putRejectsUnknownFieldsAndFailures() {
		this.webClient.put()
			.uri("/simulator/faults/sim-faulty")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"latncy\": \"1s\"}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail).contains("latncy"));
		this.webClient.put()
			.uri("/simulator/faults/sim-faulty")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"failure\": \"explode\"}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail).contains("failure", "explode"));
	}

	@Test
	void countsRequestsAndFailuresPerModel() {
		postMessages(messagesBody("sim-counted", "hi", false)).exchange().expectStatus().isOk();
		postMessages(messagesBody("sim-counted", "hi", true)).exchange().expectStatus().isOk();
		putFaults("sim-counted", "{\"failure-rate\": 1.0}");
		postMessages(messagesBody("sim-counted", "hi", false)).exchange().expectStatus().isEqualTo(529);
		this.webClient.get()
			.uri("/simulator/stats")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.json("{\"sim-counted\":{\"requests\":3,\"failures\":1}}");
		this.webClient.delete().uri("/simulator/stats").exchange().expectStatus().isNoContent();
		this.webClient.get().uri("/simulator/stats").exchange().expectBody().json("{}", true);
	}

}
