package dev.llmresilience.sample;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;

import static dev.llmresilience.sample.SimulatorMessagesApiTests.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat endpoints, answered by the simulator through the auto-configured template.
 */
class ChatApiTests extends AbstractRunningAppTests {

	private static final String ANSWER = "Hello from sim-large. You said: \"Tell me about circuit breakers\"."
			+ " This is a simulated answer.";

	@Test
	void answersAPromptFromTheSimulatorThroughTheTemplate() {
		this.webClient.post()
			.uri("/api/chat")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"prompt\": \"Tell me about circuit breakers\"}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.text")
			.isEqualTo(ANSWER)
			.jsonPath("$.model")
			.isEqualTo("primary")
			.jsonPath("$.modelName")
			.isEqualTo("sim-large")
			.jsonPath("$.provider")
			.isEqualTo("simulator")
			.jsonPath("$.stopReason")
			.isEqualTo("END_TURN")
			.jsonPath("$.inputTokens")
			.isEqualTo(8)
			.jsonPath("$.outputTokens")
			.isEqualTo(15)
			.jsonPath("$.fallback")
			.isEqualTo(false)
			.jsonPath("$.attempts[-1].model")
			.isEqualTo("primary")
			.jsonPath("$.attempts[-1].outcome")
			.isEqualTo("SUCCESS");
	}

	@Test
	void fallsBackToTheSecondaryModelOfTheOtherProviderWhenThePrimaryIsOverloaded() {
		putFaults("sim-large", "{\"failure-rate\": 1.0, \"failure\": \"overloaded\"}");
		this.webClient.post()
			.uri("/api/chat")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"prompt\": \"hi\"}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.model")
			.isEqualTo("secondary")
			// the other provider, through the simulator's Chat Completions API
			.jsonPath("$.provider")
			.isEqualTo("simulator-openai")
			.jsonPath("$.modelName")
			.isEqualTo("sim-small")
			.jsonPath("$.fallback")
			.isEqualTo(true)
			.jsonPath("$.attempts.length()")
			.isEqualTo(4)
			.jsonPath("$.attempts[0].model")
			.isEqualTo("primary")
			.jsonPath("$.attempts[0].errorType")
			.isEqualTo("LlmOverloadedException")
			.jsonPath("$.attempts[3].model")
			.isEqualTo("secondary");
	}

	@Test
	void passesModelAndOutputLimitOfTheRequestOn() {
		this.webClient.post()
			.uri("/api/chat")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"prompt\": \"hi\", \"model\": \"secondary\", \"maxTokens\": 3, \"system\": \"Be brief.\"}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.modelName")
			.isEqualTo("sim-small")
			.jsonPath("$.provider")
			.isEqualTo("simulator-openai")
			.jsonPath("$.text")
			.isEqualTo("Hello from sim-small. ")
			.jsonPath("$.stopReason")
			.isEqualTo("MAX_TOKENS")
			.jsonPath("$.outputTokens")
			.isEqualTo(3);
	}

	@Test
	void streamsDeltasThenADoneEventWithTheSummary() {
		List<ServerSentEvent<String>> events = events(this.webClient.get()
			.uri("/api/chat/stream?prompt={prompt}", "Tell me about circuit breakers")
			.accept(MediaType.TEXT_EVENT_STREAM));
		assertThat(events).extracting(ServerSentEvent::event)
			.hasSize(16)
			.containsOnly("delta", "done")
			.endsWith("done");
		String text = events.stream()
			.filter((event) -> "delta".equals(event.event()))
			.map((event) -> json(event.data()).path("text").asText())
			.reduce("", String::concat);
		assertThat(text).isEqualTo(ANSWER);
		JsonNode done = json(events.get(15).data());
		assertThat(done.path("text").asText()).isEqualTo(ANSWER);
		assertThat(done.path("model").asText()).isEqualTo("primary");
		assertThat(done.path("outputTokens").asLong()).isEqualTo(15);
		assertThat(done.path("attempts")).isNotEmpty();
	}

	@Test
	void endsAStreamThatBreaksOffWithAnErrorEvent() {
		putFaults("sim-large", """
				{"failure-rate": 1.0, "failure": "mid-stream-error", "chunk-interval": "1ms"}""");
		List<ServerSentEvent<String>> events = events(this.webClient.get()
			.uri("/api/chat/stream?prompt=hi&model=primary")
			.accept(MediaType.TEXT_EVENT_STREAM));
		assertThat(events).extracting(ServerSentEvent::event)
			.containsExactly("delta", "delta", "delta", "delta", "delta", "error");
		JsonNode error = json(events.get(5).data());
		assertThat(error.path("status").asInt()).isEqualTo(503);
		assertThat(error.path("errorType").asText()).isEqualTo("overloaded_error");
		assertThat(error.path("exception").asText()).isEqualTo("LlmStreamInterruptedException");
		assertThat(error.path("cause").asText()).isEqualTo("LlmOverloadedException");
		assertThat(error.path("detail").asText()).contains("Overloaded");
	}

	@Test
	void answersAStreamThatFailsBeforeItsFirstDeltaWithAProblem() {
		putFaults("sim-large", "{\"failure-rate\": 1.0, \"failure\": \"server-error\"}");
		this.webClient.get()
			.uri("/api/chat/stream?prompt=hi&model=primary")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isEqualTo(502)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.errorType")
			.isEqualTo("api_error");
	}

	@Test
	void mapsAnOverloadedModelToAServiceUnavailableProblem() {
		putFaults("sim-large", "{\"failure-rate\": 1.0, \"failure\": \"overloaded\"}");
		// A single model, not the chain, so that no fallback can hide the failure.
		this.webClient.post()
			.uri("/api/chat")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"prompt\": \"hi\", \"model\": \"primary\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(503)
			.jsonPath("$.exception")
			.isEqualTo("LlmAllModelsFailedException")
			.jsonPath("$.cause")
			.isEqualTo("LlmOverloadedException")
			.jsonPath("$.errorType")
			.isEqualTo("overloaded_error")
			.jsonPath("$.provider")
			.isEqualTo("simulator")
			.jsonPath("$.model")
			.isEqualTo("primary")
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail).contains("overloaded_error").doesNotContain("simulator-key"));
	}

	@Test
	void rejectsABlankPromptWithABadRequestProblem() {
		this.webClient.post()
			.uri("/api/chat")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"prompt\": \" \"}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("'prompt' is required and must not be blank");
	}

	@Test
	void rejectsAStreamWithoutPromptWithABadRequestProblem() {
		this.webClient.get()
			.uri("/api/chat/stream")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("'prompt' is required and must not be blank");
	}

	@Test
	void rejectsAChainAndAModelTogetherWithABadRequestProblem() {
		this.webClient.post()
			.uri("/api/chat")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"prompt\": \"hi\", \"chain\": \"default\", \"model\": \"primary\"}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("Name either a 'chain' or a 'model', not both");
	}

	@Test
	void rejectsAnUnknownModelWithABadRequestProblemThatNamesTheKnownOnes() {
		this.webClient.post()
			.uri("/api/chat")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"prompt\": \"hi\", \"model\": \"gpt-9\"}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.exception")
			.isEqualTo("LlmUnknownTargetException")
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail).contains("gpt-9", "primary", "secondary"));
	}

	@Test
	void rejectsABodyThatIsNotJsonWithABadRequestProblem() {
		this.webClient.post()
			.uri("/api/chat")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"prompt\": ")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

}
