package dev.llmresilience.sample.simulator;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChatCompletionStream}.
 */
class ChatCompletionStreamTests {

	private static final ObjectMapper objectMapper = new ObjectMapper();

	// "Hello from m. You said: "hi". This is a simulated answer." is 11 words: 11 pieces.
	private final SimulatedRequest request = new SimulatedRequest("m", 100, true, 1, "hi", 0, List.of(), List.of(),
			"auto", null, null);

	private final SimulatedAnswer answer = SimulatedAnswer.of(this.request);

	@Test
	void spacesThePiecesByTheChunkInterval() {
		ChatCompletionsRequest completions = new ChatCompletionsRequest(this.request, false);
		StepVerifier
			.withVirtualTime(() -> ChatCompletionStream.complete("chatcmpl-1", 1, completions, this.answer,
					Duration.ofSeconds(1)))
			.assertNext((event) -> assertThat(delta(event).path("role").asText()).isEqualTo("assistant"))
			.expectNoEvent(Duration.ofSeconds(1))
			.assertNext((event) -> assertThat(delta(event).path("content").asText()).isEqualTo("Hello "))
			.thenAwait(Duration.ofSeconds(10))
			// 10 more pieces, the finish reason, [DONE]
			.expectNextCount(11)
			.expectNext("data: [DONE]\n\n")
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void endsWithTheFinishReasonThenTheUsageWhenAskedForThenDone() {
		List<String> events = ChatCompletionStream
			.complete("chatcmpl-1", 1, new ChatCompletionsRequest(this.request, true), this.answer, Duration.ZERO)
			.collectList()
			.block(TIMEOUT);
		assertThat(events).hasSize(15).allSatisfy((event) -> assertThat(event).startsWith("data: ").endsWith("\n\n"));
		assertThat(json(events.get(12)).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
		assertThat(json(events.get(12)).path("usage").isNull()).isTrue();
		assertThat(json(events.get(13))).isEqualTo(json("""
				data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],
				       "usage":{"prompt_tokens":1,"completion_tokens":11,"total_tokens":12}}"""));
		assertThat(events.get(14)).isEqualTo("data: [DONE]\n\n");
	}

	@Test
	void breaksOffAfterHalfThePiecesWithAnErrorAndNoDone() {
		List<String> events = ChatCompletionStream
			.brokenOff("chatcmpl-1", 1, new ChatCompletionsRequest(this.request, true), this.answer, Duration.ZERO)
			.collectList()
			.block(TIMEOUT);
		// the role, 5 of the 11 pieces, the error
		assertThat(events).hasSize(7);
		assertThat(events.subList(1, 6)).allSatisfy((event) -> assertThat(delta(event).has("content")).isTrue());
		assertThat(json(events.get(6))).isEqualTo(json("""
				data: {"error":{"message":"Overloaded","type":"server_error","param":null,"code":null}}"""));
	}

	private static JsonNode delta(String event) {
		return json(event).at("/choices/0/delta");
	}

	private static JsonNode json(String event) {
		assertThat(event).startsWith("data: ");
		try {
			return objectMapper.readTree(event.substring("data: ".length()));
		}
		catch (Exception ex) {
			throw new IllegalArgumentException(ex);
		}
	}

}
