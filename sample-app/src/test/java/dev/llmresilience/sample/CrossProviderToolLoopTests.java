package dev.llmresilience.sample;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmresilience.autoconfigure.LlmWebClientCustomizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import static dev.llmresilience.sample.SimulatorMessagesApiTests.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tool loop of {@code /api/chat/tools} across providers: it starts on the primary
 * model, served through the simulator's Messages API; faults injected into that model
 * between the two rounds move the second round to the secondary, served through Chat
 * Completions, which gets the whole conversation with the tool's result. The faults are
 * injected when the first round's answer reaches the library, so that nothing waits for
 * time to pass.
 */
@Import(CrossProviderToolLoopTests.BetweenRounds.class)
class CrossProviderToolLoopTests extends AbstractRunningAppTests {

	private static final String REPORT = "Weather in simulated: sunny, 24 degrees Celsius, a light westerly wind,"
			+ " humidity at 40 percent, and no rain until the evening.";

	@Autowired
	private BetweenRounds betweenRounds;

	@Value("${local.server.port}")
	private int port;

	@AfterEach
	void disarm() {
		this.betweenRounds.afterNextAnswer(null);
	}

	@Test
	void toolLoopBegunOnTheAnthropicModelFinishesOnTheOpenAiModelWithTheToolResult() {
		this.betweenRounds.afterNextAnswer(WebClient.create("http://localhost:" + this.port)
			.put()
			.uri("/simulator/faults/sim-large")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"failure-rate\": 1.0, \"failure\": \"overloaded\"}")
			.retrieve()
			.toBodilessEntity()
			.then());
		JsonNode loop = this.webClient.post()
			.uri("/api/chat/tools")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"prompt\": \"What is the weather in Paris?\"}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();

		JsonNode turns = loop.path("turns");
		assertThat(turns).hasSize(2);
		assertThat(turns.get(0).path("model").asText()).isEqualTo("primary");
		assertThat(turns.get(0).path("stopReason").asText()).isEqualTo("TOOL_USE");
		assertThat(turns.get(0).path("toolCalls")).containsExactly(json("\"get_weather\""));
		assertThat(turns.get(1).path("model").asText()).isEqualTo("secondary");
		assertThat(turns.get(1).path("fallback").asBoolean()).isTrue();
		assertThat(turns.get(1).path("stopReason").asText()).isEqualTo("END_TURN");
		JsonNode answer = loop.path("answer");
		assertThat(answer.path("provider").asText()).isEqualTo("simulator-openai");
		assertThat(answer.path("modelName").asText()).isEqualTo("sim-small");
		assertThat(answer.path("text").asText())
			.startsWith("Hello from sim-small. The tool said: \"Weather in simulated: sunny, 24 degrees");
		assertThat(answer.path("attempts"))
			.extracting((attempt) -> attempt.path("model").asText() + " " + attempt.path("outcome").asText() + " "
					+ attempt.path("errorType").asText())
			.containsExactly("primary FAILURE LlmOverloadedException", "primary FAILURE LlmOverloadedException",
					"primary FAILURE LlmOverloadedException", "secondary SUCCESS null");

		List<JsonNode> received = this.webClient.get()
			.uri("/simulator/requests")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBodyList(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(received)
			.extracting((request) -> request.path("api").asText() + " " + request.path("model").asText())
			.containsExactly("messages sim-large", "messages sim-large", "messages sim-large", "messages sim-large",
					"chat-completions sim-small");
		assertThat(received.get(0).path("toolResults")).isEmpty();
		// the retries of the second round, each with the tool's result
		assertThat(received.subList(1, 4))
			.allSatisfy((request) -> assertThat(request.path("toolResults")).containsExactly(json(quoted(REPORT))));
		JsonNode lastRound = received.get(4);
		assertThat(lastRound.path("toolResults")).containsExactly(json(quoted(REPORT)));
		assertThat(lastRound.path("lastUserText").asText()).isEqualTo("What is the weather in Paris?");
		assertThat(lastRound.path("tools")).containsExactly(json("\"get_weather\""));
		this.webClient.get()
			.uri("/simulator/stats")
			.exchange()
			.expectBody()
			.json("{\"sim-large\":{\"requests\":4,\"failures\":3},\"sim-small\":{\"requests\":1,\"failures\":0}}",
					true);
	}

	private static String quoted(String text) {
		return "\"" + text + "\"";
	}

	/**
	 * Runs an action once, when the next answer of the simulator's Messages API reaches
	 * the library and before the library reads it: between two rounds of a tool loop.
	 */
	static class BetweenRounds implements LlmWebClientCustomizer {

		private final AtomicReference<Mono<Void>> action = new AtomicReference<>();

		/**
		 * Run an action after the next answer.
		 * @param action the action, or {@code null} to run none
		 */
		void afterNextAnswer(Mono<Void> action) {
			this.action.set(action);
		}

		@Override
		public void customize(String providerId, WebClient.Builder builder) {
			if (providerId.equals("simulator")) {
				builder.filter((request, next) -> next.exchange(request).flatMap((response) -> {
					Mono<Void> action = this.action.getAndSet(null);
					return (action != null) ? action.thenReturn(response) : Mono.just(response);
				}));
			}
		}

	}

}
