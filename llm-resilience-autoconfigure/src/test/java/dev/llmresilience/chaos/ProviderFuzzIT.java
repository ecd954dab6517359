package dev.llmresilience.chaos;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.chaos.FuzzCorpus.FuzzCase;
import dev.llmresilience.error.LlmException;
import dev.llmresilience.error.LlmInvalidResponseException;
import dev.llmresilience.provider.LlmProvider;
import dev.llmresilience.provider.ProviderConnectors;
import dev.llmresilience.provider.ProviderSettings;
import dev.llmresilience.provider.anthropic.AnthropicProvider;
import dev.llmresilience.provider.openai.OpenAiProvider;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import dev.llmresilience.test.ReceivedRequest;
import dev.llmresilience.test.WireFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the parsers of both providers, built directly over a {@link FakeProviderServer}:
 * a generated corpus of a few hundred bad responses per provider and mode (see
 * {@link FuzzCorpus}) must each end, within a time limit, in a valid answer or a typed
 * {@link LlmException}, never in another exception, and with exactly one HTTP request
 * each. A body, or event, over the provider's {@code max-response-size} is rejected with
 * {@link LlmInvalidResponseException}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProviderFuzzIT {

	private static final int CASES = 300;

	private static final int MAX_RESPONSE_SIZE = 64 * 1024;

	private static final long SEED = Long.getLong("chaos.seed", 20251128L);

	private static final Duration CASE_TIMEOUT = Duration.ofSeconds(10);

	private static final ObjectMapper MAPPER = new ObjectMapper();

	private static final Map<Integer, FuzzCase> CASES_BY_NUMBER = new ConcurrentHashMap<>();

	private static final FakeProviderServer SERVER = FakeProviderServer.start();

	@BeforeAll
	static void answerWithTheFuzzCases() {
		SERVER.respondWith(ProviderFuzzIT::reply);
	}

	@AfterAll
	static void stopServer() {
		SERVER.close();
	}

	private static FakeReply reply(ReceivedRequest request) {
		FuzzCase fuzzCase = CASES_BY_NUMBER.get(request.body().path("fuzz_case").asInt(-1));
		if (fuzzCase == null) {
			return FakeReply.json(400, "{\"error\":{\"message\":\"no such fuzz case\"}}");
		}
		FakeReply reply = FakeReply.raw(fuzzCase.status(), fuzzCase.contentType(), fuzzCase.body());
		if (fuzzCase.status() / 100 == 3) {
			reply = reply.header("location", SERVER.baseUrl() + request.uri());
		}
		return fuzzCase.chunkSizes().isEmpty() ? reply : reply.inChunks(fuzzCase.chunkSizes());
	}

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource({ "ANTHROPIC, call", "ANTHROPIC, stream", "OPENAI, call", "OPENAI, stream" })
	void badResponsesEndInValidAnswersOrTypedErrors(WireFormat wire, String mode) {
		boolean stream = mode.equals("stream");
		int firstNumber = wire.ordinal() * 10_000 + (stream ? 5_000 : 0);
		List<FuzzCase> cases = FuzzCorpus.generate(wire, stream, CASES, MAX_RESPONSE_SIZE, SEED + firstNumber,
				firstNumber);
		cases.forEach((fuzzCase) -> CASES_BY_NUMBER.put(fuzzCase.number(), fuzzCase));
		LlmProvider provider = provider(wire);
		int requestsBefore = SERVER.requests().count();
		Map<Integer, String> outcomes = Flux.fromIterable(cases)
			.flatMap((fuzzCase) -> outcome(provider, fuzzCase.number(), stream)
				.map((outcome) -> Map.entry(fuzzCase.number(), outcome)), 16)
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.block(Duration.ofSeconds(120));
		Map<String, Integer> summary = new TreeMap<>();
		outcomes.values().forEach((outcome) -> summary.merge(outcome.split("\n")[0], 1, Integer::sum));
		System.out
			.println("fuzz " + wire + " " + mode + ", seed " + SEED + ": " + cases.size() + " cases -> " + summary);
		assertThat(outcomes).hasSize(cases.size());
		cases.forEach((fuzzCase) -> assertThat(outcomes.get(fuzzCase.number()))
			.as("case %s (%s, status %s, %s bytes)", fuzzCase.number(), fuzzCase.mutation(), fuzzCase.status(),
					fuzzCase.body().length)
			.satisfiesAnyOf((outcome) -> assertThat(outcome).isEqualTo("answer"),
					(outcome) -> assertThat(outcome).startsWith("Llm").doesNotContain("UNEXPECTED")));
		assertThat(SERVER.requests().count() - requestsBefore).as("HTTP requests, one per case")
			.isEqualTo(cases.size());
	}

	@ParameterizedTest
	@EnumSource(WireFormat.class)
	void bodyOrEventOverTheMaxResponseSizeIsRejected(WireFormat wire) {
		LlmProvider provider = provider(wire);
		String text = "z".repeat(MAX_RESPONSE_SIZE + 1);
		String body = wire.message("fuzz-model", List.of(text), 10);
		int number = 90_000 + wire.ordinal() * 10;
		CASES_BY_NUMBER.put(number, new FuzzCase(number, "over the limit", 200, "application/json",
				body.getBytes(StandardCharsets.UTF_8), List.of()));
		String events = String.join("", wire.stream("fuzz-model", List.of(text), 10));
		CASES_BY_NUMBER.put(number + 1, new FuzzCase(number + 1, "event over the limit", 200, "text/event-stream",
				events.getBytes(StandardCharsets.UTF_8), List.of()));
		assertThat(outcome(provider, number, false).block(CASE_TIMEOUT)).isEqualTo("LlmInvalidResponseException");
		assertThat(outcome(provider, number + 1, true).block(CASE_TIMEOUT)).isEqualTo("LlmInvalidResponseException");
	}

	/**
	 * Call the provider for one case and name how it ended: {@code answer} for a valid
	 * answer, the exception's simple name for a typed error, {@code UNEXPECTED ...} with
	 * the stack trace for anything else, including a malformed stream or a call that did
	 * not end in time.
	 */
	private static Mono<String> outcome(LlmProvider provider, int number, boolean stream) {
		LlmModel model = new LlmModel("fuzz", "fuzz", "fuzz-model", 1024, null);
		LlmRequest request = LlmRequest.builder().user("Hi").extraBody("fuzz_case", number).build();
		Mono<String> outcome = stream ? provider.stream(model, request).collectList().map(ProviderFuzzIT::checkStream)
				: provider.call(model, request).map((response) -> "answer");
		return outcome.defaultIfEmpty("UNEXPECTED no answer and no error")
			.timeout(CASE_TIMEOUT, Mono.just("UNEXPECTED no end within " + CASE_TIMEOUT))
			.onErrorResume((error) -> Mono.just((error instanceof LlmException) ? error.getClass().getSimpleName()
					: "UNEXPECTED " + StackTraces.of(error)));
	}

	private static String checkStream(List<LlmStreamEvent> events) {
		if (events.isEmpty() || !(events.get(events.size() - 1) instanceof LlmStreamEvent.Completion completion)) {
			return "UNEXPECTED stream without a completion at its end: " + events;
		}
		if (events.stream().filter(LlmStreamEvent.Completion.class::isInstance).count() != 1) {
			return "UNEXPECTED stream with more than one completion";
		}
		StringBuilder text = new StringBuilder();
		events.stream()
			.filter(LlmStreamEvent.TextDelta.class::isInstance)
			.forEach((event) -> text.append(((LlmStreamEvent.TextDelta) event).text()));
		LlmResponse response = completion.response();
		return text.toString().equals(response.text()) ? "answer"
				: "UNEXPECTED deltas that differ from the completion's text";
	}

	private static LlmProvider provider(WireFormat wire) {
		ProviderSettings settings = new ProviderSettings("fuzz", URI.create(SERVER.baseUrl()), "fuzz-key", Map.of(),
				Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(1));
		WebClient.Builder builder = WebClient.builder()
			.clientConnector(ProviderConnectors.connector(settings, null))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(MAX_RESPONSE_SIZE));
		return switch (wire) {
			case ANTHROPIC -> new AnthropicProvider(settings, "2023-06-01", builder, MAPPER, Clock.systemUTC());
			case OPENAI -> new OpenAiProvider(settings, builder, MAPPER, Clock.systemUTC());
		};
	}

}
