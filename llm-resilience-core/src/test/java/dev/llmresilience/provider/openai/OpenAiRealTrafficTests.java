package dev.llmresilience.provider.openai;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.StopReason;
import dev.llmresilience.error.LlmInvalidResponseException;
import dev.llmresilience.error.LlmRequestTooLargeException;
import dev.llmresilience.error.LlmServerException;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.MODEL;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for what OpenAI-compatible servers send in real traffic and a client easily gets
 * wrong: refusals, errors inside streams, streams that end early, context overflows in
 * other servers' words, reasoning in either field, and Azure's prompt-filter chunk.
 */
class OpenAiRealTrafficTests {

	private static final String LLAMA_CPP_CONTEXT_OVERFLOW = "{\"error\":{\"code\":400,\"message\":\"the request "
			+ "exceeds the available context size, try increasing it\",\"type\":\"exceed_context_size_error\","
			+ "\"n_prompt_tokens\":14429,\"n_ctx\":8192}}";

	@AutoClose
	static FakeProviderServer fake = FakeProviderServer.start();

	@Test
	void refusalDeltasOfAStreamAreARefusalWithStopReasonRefusal() {
		reply(events(delta("{\"role\":\"assistant\",\"content\":null,\"refusal\":\"\"}", null),
				delta("{\"refusal\":\"I can't \"}", null), delta("{\"refusal\":\"help.\"}", null), delta("{}", "stop"),
				"[DONE]"));
		StepVerifier.create(stream())
			.expectNext(new LlmStreamEvent.RefusalDelta("I can't "), new LlmStreamEvent.RefusalDelta("help."))
			.assertNext((event) -> assertRefusal(((LlmStreamEvent.Completion) event).response()))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void refusalOfAnUnstreamedAnswerIsARefusalWithStopReasonRefusal() {
		fake.respondWith((request) -> FakeReply.json(200, "{\"choices\":[{\"index\":0,\"message\":{\"role\":"
				+ "\"assistant\",\"content\":null,\"refusal\":\"I can't help.\"},\"finish_reason\":\"stop\"}]}"));
		StepVerifier.create(call()).assertNext(OpenAiRealTrafficTests::assertRefusal).expectComplete().verify(TIMEOUT);
	}

	private static void assertRefusal(LlmResponse response) {
		assertThat(response.content()).containsExactly(new LlmContent.Refusal("I can't help."));
		assertThat(response.stopReason()).isEqualTo(StopReason.REFUSAL);
		assertThat(response.text()).isEmpty();
	}

	@Test
	void errorLineOfOlderLlamaCppFailsTheStreamWithTypedException() {
		reply(events(delta("{\"content\":\"Hel\"}", null)) + "error: {\"code\":500,\"message\":\"Failed to parse "
				+ "input\",\"type\":\"server_error\"}\n\n");
		StepVerifier.create(stream()).expectNext(new LlmStreamEvent.TextDelta("Hel")).expectErrorSatisfies((ex) -> {
			assertThat(ex).isExactlyInstanceOf(LlmServerException.class).hasMessageContaining("Failed to parse input");
			assertThat(((LlmServerException) ex).getErrorType()).isEqualTo("server_error");
			assertThat(((LlmServerException) ex).getErrorCode()).isEqualTo("500");
		}).verify(TIMEOUT);
	}

	@Test
	void streamThatSendsDoneWithoutFinishReasonFailsWithInvalidResponse() {
		reply(events(delta("{\"content\":\"Hel\"}", null), "[DONE]"));
		StepVerifier.create(stream())
			.expectNext(new LlmStreamEvent.TextDelta("Hel"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isExactlyInstanceOf(LlmInvalidResponseException.class)
				.hasMessageContaining("without a finish reason"))
			.verify(TIMEOUT);
	}

	@ParameterizedTest
	@ValueSource(ints = { 400, 500 })
	void contextOverflowOfLlamaCppIsRequestTooLarge(int status) {
		fake.respondWith((request) -> FakeReply.json(status, LLAMA_CPP_CONTEXT_OVERFLOW));
		StepVerifier.create(call()).expectError(LlmRequestTooLargeException.class).verify(TIMEOUT);
		StepVerifier.create(stream()).expectError(LlmRequestTooLargeException.class).verify(TIMEOUT);
	}

	@Test
	void contextOverflowInAnErrorLineOfAStreamIsRequestTooLarge() {
		reply("error: " + LLAMA_CPP_CONTEXT_OVERFLOW.substring(9, LLAMA_CPP_CONTEXT_OVERFLOW.length() - 1) + "\n\n");
		StepVerifier.create(stream()).expectError(LlmRequestTooLargeException.class).verify(TIMEOUT);
	}

	@ParameterizedTest
	@ValueSource(strings = { "Context size has been exceeded.",
			"the request exceeds the available context size. try increasing the context size or enable context shift",
			"Trying to keep the first 9000 tokens when context the overflows. However, the model is loaded with "
					+ "context length of only 4096 tokens" })
	void contextOverflowWordedByOtherServersIsRequestTooLarge(String message) {
		fake.respondWith((request) -> FakeReply.json(400, "{\"error\":\"" + message + "\"}"));
		StepVerifier.create(call()).expectError(LlmRequestTooLargeException.class).verify(TIMEOUT);
	}

	@ParameterizedTest
	@ValueSource(strings = { "reasoning_content", "reasoning" })
	void reasoningDeltasOfEitherFieldReachTheCompletion(String field) {
		reply(events(delta("{\"" + field + "\":\"2+2 \"}", null), delta("{\"" + field + "\":\"is 4.\"}", null),
				delta("{\"content\":\"4\"}", null), delta("{}", "stop"), "[DONE]"));
		StepVerifier.create(stream())
			.expectNext(new LlmStreamEvent.ReasoningDelta("2+2 "), new LlmStreamEvent.ReasoningDelta("is 4."),
					new LlmStreamEvent.TextDelta("4"))
			.assertNext((event) -> {
				LlmResponse response = ((LlmStreamEvent.Completion) event).response();
				assertThat(response.content()).containsExactly(new LlmContent.Reasoning("2+2 is 4.", null),
						LlmContent.text("4"));
				assertThat(response.raw().at("/choices/0/message/" + field).textValue()).isEqualTo("2+2 is 4.");
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void azurePromptFilterChunkDoesNotOverwriteTheIdOrCreationTimeOfTheAnswer() {
		String promptFilter = "{\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\","
				+ "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{}}]}";
		String asyncFilter = "{\"choices\":[{\"content_filter_results\":{},\"finish_reason\":null,\"index\":0}],"
				+ "\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\"}";
		reply(events(promptFilter, delta("{\"content\":\"Hi\"}", null), delta("{}", "stop"), asyncFilter, "[DONE]"));
		LlmResponse response = completion(stream());
		assertThat(response.raw().path("id").textValue()).isEqualTo("chatcmpl-A1");
		assertThat(response.raw().path("created").asLong()).isEqualTo(1735690300L);
		assertThat(response.modelName()).isEqualTo("gpt-4o-2024-11-20");
	}

	private static String delta(String delta, String finishReason) {
		String reason = (finishReason != null) ? "\"" + finishReason + "\"" : "null";
		return "{\"id\":\"chatcmpl-A1\",\"object\":\"chat.completion.chunk\",\"created\":1735690300,"
				+ "\"model\":\"gpt-4o-2024-11-20\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
				+ reason + "}]}";
	}

	private static String events(String... data) {
		StringBuilder events = new StringBuilder();
		for (String item : data) {
			events.append("data: ").append(item).append("\n\n");
		}
		return events.toString();
	}

	private static void reply(String events) {
		byte[] body = events.getBytes(StandardCharsets.UTF_8);
		fake.respondWith((request) -> FakeReply.raw(200, "text/event-stream", body).inChunks(List.of(7, 3)));
	}

	@Test
	void streamsReadTheirBodyToTheEndAndLeaveTheConnectionOpenForTheNext() {
		try (FakeProviderServer own = FakeProviderServer.start()) {
			own.defaults().pieces("Hel", "lo");
			OpenAiProvider provider = OpenAiProviderFixtures.create(own.baseUrl());
			for (int i = 0; i < 5; i++) {
				StepVerifier.create(provider.stream(MODEL, LlmRequest.ofPrompt("Hi")))
					.expectNext(new LlmStreamEvent.TextDelta("Hel"), new LlmStreamEvent.TextDelta("lo"))
					.assertNext((event) -> assertThat(event).isInstanceOf(LlmStreamEvent.Completion.class))
					.expectComplete()
					.verify(TIMEOUT);
			}
			// closed at [DONE], each stream would open one; the next stream may start
			// while the connection before it is still on its way back to the pool
			assertThat(own.requests().connectionsOpened()).isBetween(1, 2);
		}
	}

	private static Mono<LlmResponse> call() {
		return OpenAiProviderFixtures.create(fake.baseUrl()).call(MODEL, LlmRequest.ofPrompt("Hi"));
	}

	private static Flux<LlmStreamEvent> stream() {
		return OpenAiProviderFixtures.create(fake.baseUrl()).stream(MODEL, LlmRequest.ofPrompt("Hi"));
	}

	private static LlmResponse completion(Flux<LlmStreamEvent> stream) {
		LlmStreamEvent last = stream.last().block(TIMEOUT);
		assertThat(last).isInstanceOf(LlmStreamEvent.Completion.class);
		return ((LlmStreamEvent.Completion) last).response();
	}

}
