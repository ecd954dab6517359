package dev.llmresilience.sample;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmresilience.LlmOutputSchema;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.StopReason;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;

import static dev.llmresilience.sample.SimulatorMessagesApiTests.json;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's Chat Completions API as the library's OpenAI provider reads it, through
 * the secondary model: answers with their usage and rate limits, streams, structured
 * output, and errors of the kinds the library tells apart.
 */
class ChatCompletionsThroughTheLibraryTests extends AbstractRunningAppTests {

	private static final String ANSWER = "Hello from sim-small. You said: \"Tell me about circuit breakers\"."
			+ " This is a simulated answer.";

	@Autowired
	private LlmTemplate template;

	@Test
	void readsTheAnswerWithItsUsageRequestIdAndRateLimits() {
		LlmResponse response = this.template
			.call(LlmRequest.builder().model("secondary").user("Tell me about circuit breakers").build())
			.block(TIMEOUT);
		assertThat(response.text()).isEqualTo(ANSWER);
		assertThat(response.provider()).isEqualTo("simulator-openai");
		assertThat(response.modelName()).isEqualTo("sim-small");
		assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
		assertThat(response.usage().inputTokens()).isEqualTo(8);
		assertThat(response.usage().outputTokens()).isEqualTo(15);
		assertThat(response.requestId()).startsWith("req_");
		assertThat(response.rateLimits().requestsLimit()).isEqualTo(4000);
		assertThat(response.rateLimits().requestsRemaining()).isEqualTo(3999);
		assertThat(response.rateLimits().tokensRemaining()).isEqualTo(400000 - 8 - 15);
		// the Go duration of the reset header, read back as a time a minute from now
		assertThat(response.rateLimits().requestsReset()).isBetween(Instant.now().plusSeconds(55),
				Instant.now().plusSeconds(61));
	}

	@Test
	void streamsDeltasThenADoneEventWithTheUsageOfTheFinalChunk() {
		List<ServerSentEvent<String>> events = events(this.webClient.get()
			.uri("/api/chat/stream?prompt={prompt}&model=secondary", "Tell me about circuit breakers")
			.accept(MediaType.TEXT_EVENT_STREAM));
		assertThat(events).extracting(ServerSentEvent::event).hasSize(16).endsWith("done");
		JsonNode done = json(events.get(15).data());
		assertThat(done.path("text").asText()).isEqualTo(ANSWER);
		assertThat(done.path("provider").asText()).isEqualTo("simulator-openai");
		assertThat(done.path("inputTokens").asLong()).isEqualTo(8);
		assertThat(done.path("outputTokens").asLong()).isEqualTo(15);
	}

	@Test
	void structuredOutputIsAskedForWithResponseFormatAndParsed() {
		JsonNode schema = json("""
				{"type":"object","properties":{"city":{"type":"string"},"unit":{"enum":["C","F"]}},
				 "required":["city","unit"]}""");
		LlmResponse response = this.template
			.call(LlmRequest.builder()
				.model("secondary")
				.user("Weather in Paris?")
				.outputSchema(new LlmOutputSchema("weather_report", schema, true))
				.build())
			.block(TIMEOUT);
		assertThat(response.structuredOutput()).isEqualTo(json("{\"city\":\"simulated\",\"unit\":\"C\"}"));
		this.webClient.get()
			.uri("/simulator/requests")
			.exchange()
			.expectBody()
			.jsonPath("$[0].api")
			.isEqualTo("chat-completions")
			// response_format, not a forced tool: the model's capabilities are not
			// configured
			.jsonPath("$[0].tools.length()")
			.isEqualTo(0);
	}

	@Test
	void overloadedModelFailsWithAServerErrorTheLibraryRetries() {
		putFaults("sim-small", "{\"failure-rate\": 1.0, \"failure\": \"overloaded\"}");
		this.webClient.post()
			.uri("/api/chat")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"prompt\": \"hi\", \"model\": \"secondary\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.cause")
			.isEqualTo("LlmServerException")
			.jsonPath("$.errorType")
			.isEqualTo("server_error")
			.jsonPath("$.provider")
			.isEqualTo("simulator-openai");
		this.webClient.get()
			.uri("/simulator/stats")
			.exchange()
			.expectBody()
			.json("{\"sim-small\":{\"requests\":3,\"failures\":3}}");
	}

	@Test
	void rateLimitedModelFailsWithARateLimitError() {
		putFaults("sim-small", "{\"failure-rate\": 1.0, \"failure\": \"rate-limit\", \"retry-after\": \"0s\"}");
		this.webClient.post()
			.uri("/api/chat")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"prompt\": \"hi\", \"model\": \"secondary\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectBody()
			.jsonPath("$.cause")
			.isEqualTo("LlmRateLimitException")
			.jsonPath("$.errorType")
			.isEqualTo("requests");
	}

	@Test
	void promptLargerThanTheContextWindowIsTooLargeForTheLibrary() {
		putFaults("sim-small", "{\"context-window\": 5}");
		this.webClient.post()
			.uri("/api/chat")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"prompt\": \"Tell me about circuit breakers\", \"model\": \"secondary\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(413)
			.expectBody()
			.jsonPath("$.cause")
			.isEqualTo("LlmRequestTooLargeException");
	}

	@Test
	void streamThatBreaksOffEndsWithAnErrorEventCarryingTheServerError() {
		putFaults("sim-small", "{\"failure-rate\": 1.0, \"failure\": \"mid-stream-error\"}");
		List<ServerSentEvent<String>> events = events(this.webClient.get()
			.uri("/api/chat/stream?prompt=hi&model=secondary")
			.accept(MediaType.TEXT_EVENT_STREAM));
		assertThat(events).extracting(ServerSentEvent::event)
			.containsExactly("delta", "delta", "delta", "delta", "delta", "error");
		JsonNode error = json(events.get(5).data());
		assertThat(error.path("exception").asText()).isEqualTo("LlmStreamInterruptedException");
		assertThat(error.path("cause").asText()).isEqualTo("LlmServerException");
		assertThat(error.path("errorType").asText()).isEqualTo("server_error");
		assertThat(error.path("provider").asText()).isEqualTo("simulator-openai");
	}

}
