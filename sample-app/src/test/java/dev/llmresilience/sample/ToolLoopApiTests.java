package dev.llmresilience.sample;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tool loop endpoint, answered by the simulator through the auto-configured template:
 * the model calls the sample's {@code get_weather}, then answers with what it said; a
 * turn the primary cannot take moves to the secondary, of the other provider, mid-loop
 * (see also {@link CrossProviderToolLoopTests}).
 */
class ToolLoopApiTests extends AbstractRunningAppTests {

	private static final String QUESTION = "{\"prompt\": \"What is the weather in Paris?\"}";

	@Test
	void modelCallsTheWeatherToolThenAnswersWithWhatItSaid() {
		JsonNode loop = toolLoop();
		JsonNode turns = loop.path("turns");
		assertThat(turns).hasSize(2);
		assertThat(turns.get(0).path("model").asText()).isEqualTo("primary");
		assertThat(turns.get(0).path("stopReason").asText()).isEqualTo("TOOL_USE");
		assertThat(turns.get(0).path("toolCalls")).containsExactly(json("\"get_weather\""));
		assertThat(turns.get(1).path("stopReason").asText()).isEqualTo("END_TURN");
		assertThat(turns.get(1).path("toolCalls")).isEmpty();
		// the tool's result makes the second prompt longer than the first
		assertThat(turns.get(1).path("inputTokens").asLong()).isGreaterThan(turns.get(0).path("inputTokens").asLong());
		assertThat(loop.at("/answer/text").asText())
			.startsWith("Hello from sim-large. The tool said: \"Weather in simulated: sunny, 24 degrees");
		assertThat(loop.at("/answer/fallback").asBoolean()).isFalse();
	}

	@Test
	void turnThatOutgrowsThePrimarysContextWindowIsServedByTheSecondaryWithTheWholeConversation() {
		long firstPrompt = toolLoop().at("/turns/0/inputTokens").asLong();
		// the first turn still fits, the second, with the tool's result, no longer does
		putFaults("sim-large", "{\"context-window\": " + firstPrompt + "}");
		JsonNode loop = toolLoop();
		JsonNode turns = loop.path("turns");
		assertThat(turns).hasSize(2);
		assertThat(turns.get(0).path("model").asText()).isEqualTo("primary");
		assertThat(turns.get(0).path("fallback").asBoolean()).isFalse();
		assertThat(turns.get(1).path("model").asText()).isEqualTo("secondary");
		assertThat(turns.get(1).path("fallback").asBoolean()).isTrue();
		assertThat(loop.at("/answer/provider").asText()).isEqualTo("simulator-openai");
		assertThat(loop.at("/answer/text").asText())
			.startsWith("Hello from sim-small. The tool said: \"Weather in simulated: sunny");
		assertThat(loop.at("/answer/attempts/0/model").asText()).isEqualTo("primary");
		assertThat(loop.at("/answer/attempts/0/errorType").asText()).isEqualTo("LlmRequestTooLargeException");
		assertThat(loop.at("/answer/attempts/1/outcome").asText()).isEqualTo("SUCCESS");
	}

	private JsonNode toolLoop() {
		return this.webClient.post()
			.uri("/api/chat/tools")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(QUESTION)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
	}

	private static JsonNode json(String text) {
		return SimulatorMessagesApiTests.json(text);
	}

}
