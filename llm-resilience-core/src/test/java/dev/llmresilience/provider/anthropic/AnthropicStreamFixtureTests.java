package dev.llmresilience.provider.anthropic;

import java.util.List;
import java.util.stream.Stream;

import dev.llmresilience.LlmCapability;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmOutputSchema;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmStreamEvent.ReasoningDelta;
import dev.llmresilience.LlmStreamEvent.TextDelta;
import dev.llmresilience.LlmStreamEvent.ToolCallEnd;
import dev.llmresilience.LlmStreamEvent.ToolCallStart;
import dev.llmresilience.LlmStreamEvent.ToolInputDelta;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.test.FakeProviderServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.test.StepVerifier;

import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.MODEL;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.fixture;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.json;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.modelWith;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for streamed answers of {@link AnthropicProvider}, read from fixtures in the
 * event format the Messages API documents (see {@code fixtures/anthropic/README.md}),
 * each served whole and in pieces that split events and multi-byte characters: the events
 * come in order, and the completion is the answer the same message gives unstreamed, its
 * raw body included.
 */
class AnthropicStreamFixtureTests {

	/** Whole, a byte a chunk, and uneven chunks. */
	private static final List<List<Integer>> CHUNKINGS = List.of(List.of(), List.of(1), List.of(5, 2, 11, 3),
			List.of(64, 7));

	private static final LlmRequest STRUCTURED = LlmRequest.builder()
		.user("Wetter in Zürich?")
		.outputSchema(new LlmOutputSchema("weather_report", json("""
				{"type":"object","properties":{"city":{"type":"string"},"celsius":{"type":"integer"}},
				"required":["city","celsius"]}"""), true))
		.build();

	@AutoClose
	static FakeProviderServer fake = FakeProviderServer.start();

	static Stream<Arguments> answers() {
		return inPieces(Stream.of(
				answer("text-citations", text("Laut dem Jahresbericht "), text("wuchs der Umsatz"), text(" um 12 % 📈"),
						text(", mit Grüßen ans Team.")),
				answer("thinking-tool-use", new ReasoningDelta("Der Nutzer fragt nach Zürich – "),
						new ReasoningDelta("ich rufe get_weather auf."), text("Ich schaue nach 🌤️"),
						new ToolCallStart("toolu_01A09q90qw90lq917835lq9", "get_weather"),
						new ToolInputDelta("toolu_01A09q90qw90lq917835lq9", "{\"city\": \"Zü"),
						new ToolInputDelta("toolu_01A09q90qw90lq917835lq9", "rich\", \"unit\": \"°C\"}"),
						new ToolCallEnd(new LlmContent.ToolCall("toolu_01A09q90qw90lq917835lq9", "get_weather",
								json("{\"city\":\"Zürich\",\"unit\":\"°C\"}")))),
				answer("redacted-thinking", new ReasoningDelta("Zuerst die Sicherheit prüfen…"),
						text("Alles in Ordnung ✅")),
				answer("web-search", text("Ich suche das Wetter in Zürich."), text("Heute ist es sonnig, "),
						text("18 °C ☀️")),
				answer("compaction", text("Für den Zug empfehle ich "), text("den IC um 8:02 🚆")),
				answer("pause-turn", text("Ich recherchiere gründlich…")),
				answer("refusal", text("Dabei kann ich "), text("nicht helfen – ")),
				new Fixture("answer-tool", MODEL, STRUCTURED,
						List.of(text("{\"city\": \"Zü"), text("rich\", \"celsius\": 18}"))),
				new Fixture("structured-output", modelWith(1024, LlmCapability.STRUCTURED_OUTPUT), STRUCTURED,
						List.of(text("{\"city\":\"Zü"), text("rich\",\"celsius\":18}")))));
	}

	@ParameterizedTest(name = "{0} in chunks of {1}")
	@MethodSource("answers")
	void streamGivesItsEventsInOrderThenTheAnswerTheSameMessageGivesUnstreamed(Fixture fixture, List<Integer> chunks) {
		fake.respondWith((request) -> request.stream() ? fixture(fixture.name() + ".sse", chunks)
				: fixture(fixture.name() + ".json", List.of()));
		AnthropicProvider provider = AnthropicProviderFixtures.create(fake.baseUrl());
		LlmResponse unstreamed = provider.call(fixture.model(), fixture.request()).block(TIMEOUT);
		assertThat(unstreamed).isNotNull();
		StepVerifier.create(provider.stream(fixture.model(), fixture.request()))
			.expectNextSequence(fixture.events())
			.assertNext((event) -> assertThat(event).isEqualTo(new LlmStreamEvent.Completion(unstreamed)))
			.expectComplete()
			.verify(TIMEOUT);
	}

	static Stream<Arguments> chunkings() {
		return CHUNKINGS.stream().map(Arguments::of);
	}

	@ParameterizedTest(name = "in chunks of {0}")
	@MethodSource("chunkings")
	void errorEventFailsTheStreamAfterItsDeltas(List<Integer> chunks) {
		fake.respondWith((request) -> fixture("overloaded-error.sse", chunks));
		StepVerifier.create(AnthropicProviderFixtures.create(fake.baseUrl()).stream(MODEL, LlmRequest.ofPrompt("Hi")))
			.expectNext(text("Grüezi, "))
			.expectError(LlmOverloadedException.class)
			.verify(TIMEOUT);
	}

	private static Stream<Arguments> inPieces(Stream<Fixture> fixtures) {
		return fixtures.flatMap((fixture) -> CHUNKINGS.stream().map((chunks) -> Arguments.of(fixture, chunks)));
	}

	private static Fixture answer(String name, LlmStreamEvent... events) {
		return new Fixture(name, MODEL, LlmRequest.ofPrompt("Hi"), List.of(events));
	}

	private static TextDelta text(String text) {
		return new TextDelta(text);
	}

	/**
	 * An answer as a stream ({@code <name>.sse}) and as one message
	 * ({@code <name>.json}), and the events the stream gives before its completion.
	 */
	record Fixture(String name, LlmModel model, LlmRequest request, List<LlmStreamEvent> events) {

		@Override
		public String toString() {
			return this.name;
		}

	}

}
