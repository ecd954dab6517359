package dev.llmresilience.provider.openai;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.llmresilience.LlmCapability;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmOutputSchema;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmStreamEvent.ReasoningDelta;
import dev.llmresilience.LlmStreamEvent.RefusalDelta;
import dev.llmresilience.LlmStreamEvent.TextDelta;
import dev.llmresilience.LlmStreamEvent.ToolCallEnd;
import dev.llmresilience.LlmStreamEvent.ToolCallStart;
import dev.llmresilience.LlmStreamEvent.ToolInputDelta;
import dev.llmresilience.error.LlmException;
import dev.llmresilience.error.LlmInvalidResponseException;
import dev.llmresilience.error.LlmServerException;
import dev.llmresilience.provider.ToolCalls;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.test.StepVerifier;

import org.springframework.core.io.ClassPathResource;

import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.MODEL;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.json;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.modelWith;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for streamed answers of {@link OpenAiProvider}, read from fixtures in the chunk
 * format OpenAI documents and in those of popular compatible servers, each served whole
 * and in pieces that split events and multi-byte characters: the events come in order,
 * and the completion is the answer the same body gives unstreamed.
 */
class OpenAiStreamFixtureTests {

	/** Whole, a byte a chunk, and uneven chunks. */
	private static final List<List<Integer>> CHUNKINGS = List.of(List.of(), List.of(1), List.of(5, 2, 11, 3));

	private static final LlmOutputSchema WEATHER = new LlmOutputSchema("weather_report", json("""
			{"type":"object","properties":{"city":{"type":"string"},"celsius":{"type":"integer"}},
			 "required":["city","celsius"],"additionalProperties":false}"""), true);

	private static final LlmRequest STRUCTURED = LlmRequest.builder()
		.user("Weather in Zürich?")
		.outputSchema(WEATHER)
		.build();

	@AutoClose
	static FakeProviderServer fake = FakeProviderServer.start();

	static Stream<Arguments> answers() {
		return inPieces(Stream.of(answer("openai-text", text("Grüße"), text(" aus Zürich"), text(" – 你好 👋")),
				answer("openai-refusal", new RefusalDelta("I’m sorry, "), new RefusalDelta("I can’t help with that.")),
				answer("openai-parallel-tool-calls", new ToolCallStart("call_Wx1", "get_weather"),
						input("call_Wx1", "{\"ci"), input("call_Wx1", "ty\": \"Zür"), input("call_Wx1", "ich\"}"),
						end("call_Wx1", "get_weather", "{\"city\": \"Zürich\"}"),
						new ToolCallStart("call_Wx2", "get_time"), input("call_Wx2", "{\"zone\": "),
						input("call_Wx2", "\"Europe/Zurich\"}"),
						end("call_Wx2", "get_time", "{\"zone\": \"Europe/Zurich\"}")),
				answer("openai-annotations", text("Zürich is Switzerland’s largest city "),
						text("([de.wikipedia.org](https://de.wikipedia.org)).")),
				new Fixture("openai-structured-output", MODEL, STRUCTURED,
						List.of(text("{\"city\":\"Zü"), text("rich\",\"celsius\":"), text("18}"))),
				new Fixture("answer-tool", modelWith(LlmCapability.TOOLS), STRUCTURED,
						List.of(text("{\"city\":\"Zü"), text("rich\",\"celsius\":18}"))),
				answer("vllm-reasoning-content", reasoning("Die Frage ist "), reasoning("einfach: 2+2."), text("Vier"),
						text(" (4).")),
				answer("deepseek-reasoning-content", reasoning("用户问"), reasoning("候。"), text("你好"), text("！")),
				answer("ollama-reasoning", reasoning("Okay, "), reasoning("the user greets me."), text("Hallo"),
						text(" 👋")),
				answer("openrouter-reasoning", reasoning("Thinking about "), reasoning("Zürich."),
						text("Zürich liegt am Zürichsee.")),
				answer("llamacpp-tool-call", text("Ich schaue nach."),
						new ToolCallStart("Xq3kT9bFv2pLmN8sR1cW7yZ4aE6dH0uJ", "get_weather"),
						input("Xq3kT9bFv2pLmN8sR1cW7yZ4aE6dH0uJ", "{\""),
						input("Xq3kT9bFv2pLmN8sR1cW7yZ4aE6dH0uJ", "city\":\"Genève"),
						input("Xq3kT9bFv2pLmN8sR1cW7yZ4aE6dH0uJ", "\"}"),
						end("Xq3kT9bFv2pLmN8sR1cW7yZ4aE6dH0uJ", "get_weather", "{\"city\":\"Genève\"}")),
				answer("gemini-whole-tool-calls", new ToolCallStart("call_gem_1", "get_weather"),
						input("call_gem_1", "{\"city\":\"Zürich\"}"),
						end("call_gem_1", "get_weather", "{\"city\":\"Zürich\"}"),
						new ToolCallStart("call_gem_2", "get_time"),
						input("call_gem_2", "{\"zone\":\"Europe/Zurich\"}"),
						end("call_gem_2", "get_time", "{\"zone\":\"Europe/Zurich\"}")),
				answer("shared-index-parallel-tool-calls", new ToolCallStart("call_k3v8x1pz", "file_write"),
						input("call_k3v8x1pz", "{\"filePath\":\"h"),
						input("call_k3v8x1pz", "ello.py\",\"content\":\"print('hällo')\"}"),
						end("call_k3v8x1pz", "file_write",
								"{\"filePath\":\"hello.py\",\"content\":\"print('hällo')\"}"),
						new ToolCallStart("call_p9m2q7wd", "file_write"), input("call_p9m2q7wd", "{\"filePath\":\"w"),
						input("call_p9m2q7wd", "orld.py\",\"content\":\"print('wörld')\"}"),
						end("call_p9m2q7wd", "file_write",
								"{\"filePath\":\"world.py\",\"content\":\"print('wörld')\"}")),
				answer("proxy-unnumbered-tool-call-pieces",
						new ToolCallStart("call_UnVtKL0WOa8iFRgWgrvdf4JY", "square_root"),
						input("call_UnVtKL0WOa8iFRgWgrvdf4JY", "{\"num"),
						input("call_UnVtKL0WOa8iFRgWgrvdf4JY", "ber\": 2}"),
						end("call_UnVtKL0WOa8iFRgWgrvdf4JY", "square_root", "{\"number\": 2}")),
				answer("azure-prompt-filter", text("Grüezi"), text(" mitenand!"))));
	}

	@ParameterizedTest(name = "{0} in chunks of {1}")
	@MethodSource("answers")
	void streamGivesItsEventsInOrderThenTheAnswerTheSameBodyGivesUnstreamed(Fixture fixture, List<Integer> chunks) {
		fake.respondWith((request) -> request.stream() ? fixture.stream(chunks) : fixture.body());
		OpenAiProvider provider = OpenAiProviderFixtures.create(fake.baseUrl());
		LlmResponse unstreamed = provider.call(fixture.model(), fixture.request()).block(TIMEOUT);
		StepVerifier.create(provider.stream(fixture.model(), fixture.request()))
			.expectNextSequence(fixture.events())
			.assertNext((event) -> {
				LlmResponse completion = ((LlmStreamEvent.Completion) event).response();
				assertThat(completion.content()).isNotEmpty();
				assertThat(withoutRaw(completion)).isEqualTo(withoutRaw(unstreamed));
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	static Stream<Arguments> failures() {
		return inPieces(Stream.of(new Failure("llamacpp-error-line", LlmServerException.class, List.of(text("Über"))),
				new Failure("done-without-finish-reason", LlmInvalidResponseException.class,
						List.of(text("Grüße"), text(" aus")))));
	}

	@ParameterizedTest(name = "{0} in chunks of {1}")
	@MethodSource("failures")
	void streamThatDoesNotFinishFailsAfterItsEvents(Failure failure, List<Integer> chunks) {
		fake.respondWith((request) -> reply(failure.name() + ".sse", "text/event-stream", chunks));
		StepVerifier.create(OpenAiProviderFixtures.create(fake.baseUrl()).stream(MODEL, LlmRequest.ofPrompt("Hi")))
			.expectNextSequence(failure.events())
			.expectError(failure.error())
			.verify(TIMEOUT);
	}

	private static Stream<Arguments> inPieces(Stream<?> fixtures) {
		return fixtures.flatMap((fixture) -> CHUNKINGS.stream().map((chunks) -> Arguments.of(fixture, chunks)));
	}

	private static Fixture answer(String name, LlmStreamEvent... events) {
		return new Fixture(name, MODEL, LlmRequest.ofPrompt("Hi"), Arrays.asList(events));
	}

	private static TextDelta text(String text) {
		return new TextDelta(text);
	}

	private static ReasoningDelta reasoning(String text) {
		return new ReasoningDelta(text);
	}

	private static ToolInputDelta input(String id, String partialJson) {
		return new ToolInputDelta(id, partialJson);
	}

	private static ToolCallEnd end(String id, String name, String arguments) {
		return new ToolCallEnd(ToolCalls.read(id, name, arguments));
	}

	/**
	 * Return a fixture file as the reply, with the same request id for streamed and
	 * unstreamed answers.
	 */
	private static FakeReply reply(String file, String contentType, List<Integer> chunks) {
		try {
			byte[] body = new ClassPathResource("fixtures/openai/" + file).getContentAsByteArray();
			FakeReply reply = FakeReply.raw(200, contentType, body).header("x-request-id", "req_fixture");
			return chunks.isEmpty() ? reply : reply.inChunks(chunks);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return the answer without its raw body: a streamed answer's is assembled from the
	 * chunks and lacks the fields that only unstreamed bodies have.
	 */
	private static LlmResponse withoutRaw(LlmResponse response) {
		return new LlmResponse(response.content(), response.structuredOutput(), response.model(), response.modelName(),
				response.provider(), response.stopReason(), response.rawStopReason(), response.usage(),
				response.requestId(), response.rateLimits(), response.fallback(), response.attempts(),
				NullNode.getInstance());
	}

	/**
	 * An answer as a stream ({@code <name>.sse}) and as one body ({@code <name>.json}),
	 * and the events the stream gives before its completion.
	 */
	record Fixture(String name, LlmModel model, LlmRequest request, List<LlmStreamEvent> events) {

		FakeReply stream(List<Integer> chunks) {
			return reply(this.name + ".sse", "text/event-stream", chunks);
		}

		FakeReply body() {
			return reply(this.name + ".json", "application/json", List.of());
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

	/**
	 * A stream ({@code <name>.sse}) that gives some events, then fails.
	 */
	record Failure(String name, Class<? extends LlmException> error, List<LlmStreamEvent> events) {

		@Override
		public String toString() {
			return this.name;
		}

	}

}
