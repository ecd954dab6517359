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

import static dev.llmresilience.sample.SimulatorMessagesApiTests.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults and limits of a model as the simulator's Chat Completions API shows them: the
 * same settings as for the Messages API, in OpenAI's statuses and error envelope.
 */
class SimulatorChatCompletionsFaultsTests extends AbstractRunningAppTests {

	@Value("${local.server.port}")
	private int port;

	@Test
	void failsAnOverloadedModelWithServerError503AsOpenAiHasNo529() {
		putFaults("sim-faulty", "{\"failure-rate\": 1.0, \"failure\": \"overloaded\"}");
		EntityExchangeResult<JsonNode> result = postChatCompletions(chatCompletionsBody("sim-faulty", "hi", false))
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.exists("x-ratelimit-remaining-requests")
			.expectBody(JsonNode.class)
			.returnResult();
		assertChatCompletionsError(result, "Overloaded", "server_error", null, null);
	}

	@Test
	void failsWithRateLimitExceeded429AndRetryAfterSeconds() {
		putFaults("sim-faulty", "{\"failure-rate\": 1.0, \"failure\": \"rate-limit\", \"retry-after\": \"2500ms\"}");
		EntityExchangeResult<JsonNode> result = postChatCompletions(chatCompletionsBody("sim-faulty", "hi", false))
			.exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.valueEquals("retry-after", "3")
			.expectHeader()
			.valueEquals("x-ratelimit-limit-requests", "4000")
			.expectHeader()
			.exists("x-ratelimit-reset-tokens")
			.expectBody(JsonNode.class)
			.returnResult();
		assertChatCompletionsError(result, "Number of requests has exceeded your rate limit (simulated).", "requests",
				null, "rate_limit_exceeded");
	}

	@Test
	void failsWithServerError500() {
		putFaults("sim-faulty", "{\"failure-rate\": 1.0, \"failure\": \"server-error\"}");
		EntityExchangeResult<JsonNode> result = postChatCompletions(chatCompletionsBody("sim-faulty", "hi", false))
			.exchange()
			.expectStatus()
			.isEqualTo(500)
			.expectBody(JsonNode.class)
			.returnResult();
		assertChatCompletionsError(result, "Internal server error", "server_error", null, null);
	}

	@Test
	void resetsTheConnectionWithoutAnyResponse() {
		putFaults("sim-faulty", "{\"failure-rate\": 1.0, \"failure\": \"connection-reset\"}");
		WebClient client = WebClient.create("http://localhost:" + this.port);
		StepVerifier
			.create(client.post()
				.uri("/simulator/v1/chat/completions")
				.headers((headers) -> headers.setBearerAuth("test-key"))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(chatCompletionsBody("sim-faulty", "hi", false))
				.retrieve()
				.toBodilessEntity())
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WebClientRequestException.class))
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void breaksOffAStreamWithAnErrorChunkAndNoDone() {
		putFaults("sim-faulty", "{\"failure-rate\": 1.0, \"failure\": \"mid-stream-error\"}");
		List<ServerSentEvent<String>> events = events(
				postChatCompletions(chatCompletionsBody("sim-faulty", "hi", true)));
		// The answer to "hi" has 11 words; the role comes first, then the first 5 words.
		assertThat(events).hasSize(7);
		assertThat(events.subList(1, 6))
			.allSatisfy((event) -> assertThat(json(event.data()).at("/choices/0/delta/content").isTextual()).isTrue());
		assertThat(json(events.get(6).data())).isEqualTo(json("""
				{"error":{"message":"Overloaded","type":"server_error","param":null,"code":null}}"""));
	}

	@Test
	void failsARequestThatIsNotStreamedWithServerError500ForMidStreamError() {
		putFaults("sim-faulty", "{\"failure-rate\": 1.0, \"failure\": \"mid-stream-error\"}");
		postChatCompletions(chatCompletionsBody("sim-faulty", "hi", false)).exchange()
			.expectStatus()
			.isEqualTo(500)
			.expectBody()
			.jsonPath("$.error.type")
			.isEqualTo("server_error");
	}

	@Test
	void refusesAPromptLargerThanTheContextWindowWithContextLengthExceeded() {
		putFaults("sim-small-window", "{\"context-window\": 5}");
		EntityExchangeResult<JsonNode> result = postChatCompletions(
				chatCompletionsBody("sim-small-window", "Tell me about circuit breakers", false))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody(JsonNode.class)
			.returnResult();
		assertChatCompletionsError(result,
				"The messages have 8 tokens, more than the context length of 5 tokens of this model.",
				"invalid_request_error", "messages", "context_length_exceeded");
	}

	@Test
	void answersWithATokensRateLimitOnceTheTokensPerMinuteAreUsedUp() {
		putFaults("sim-tpm", "{\"tokens-per-minute\": 30}");
		// "hi" is 1 token in, 11 out
		postChatCompletions(chatCompletionsBody("sim-tpm", "hi", false)).exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("x-ratelimit-remaining-tokens", "18");
		postChatCompletions(chatCompletionsBody("sim-tpm", "hi", false)).exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("x-ratelimit-remaining-tokens", "6");
		postChatCompletions(chatCompletionsBody("sim-tpm", "hi", false)).exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.value("retry-after", (seconds) -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60))
			.expectBody()
			.jsonPath("$.error.type")
			.isEqualTo("tokens")
			.jsonPath("$.error.code")
			.isEqualTo("rate_limit_exceeded");
	}

	@Test
	void sharesFaultsLimitsCountsAndTheRequestLogWithTheMessagesApi() {
		putFaults("sim-shared", "{\"requests-per-minute\": 2}");
		postMessages(messagesBody("sim-shared", "hi", false)).exchange().expectStatus().isOk();
		postChatCompletions(chatCompletionsBody("sim-shared", "hi", true)).exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("x-ratelimit-remaining-requests", "0");
		postChatCompletions(chatCompletionsBody("sim-shared", "hi", false)).exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectBody()
			.jsonPath("$.error.type")
			.isEqualTo("requests");
		this.webClient.get()
			.uri("/simulator/stats")
			.exchange()
			.expectBody()
			.json("{\"sim-shared\":{\"requests\":3,\"failures\":1}}");
		this.webClient.get().uri("/simulator/requests").exchange().expectStatus().isOk().expectBody().json("""
				[{"api":"messages","model":"sim-shared","stream":false,"inputTokens":1,"lastUserText":"hi",
				  "lastUserImages":0,"toolResults":[],"tools":[]},
				 {"api":"chat-completions","model":"sim-shared","stream":true,"inputTokens":1,"lastUserText":"hi",
				  "lastUserImages":0,"toolResults":[],"tools":[]},
				 {"api":"chat-completions","model":"sim-shared","stream":false,"inputTokens":1,"lastUserText":"hi",
				  "lastUserImages":0,"toolResults":[],"tools":[]}]""", true);
	}

}
