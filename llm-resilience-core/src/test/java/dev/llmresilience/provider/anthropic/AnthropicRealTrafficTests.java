package dev.llmresilience.provider.anthropic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmStreamEvent.TextDelta;
import dev.llmresilience.LlmStreamEvent.ToolCallEnd;
import dev.llmresilience.LlmStreamEvent.ToolCallStart;
import dev.llmresilience.LlmStreamEvent.ToolInputDelta;
import dev.llmresilience.StopReason;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.error.LlmInvalidResponseException;
import dev.llmresilience.resilience.FallbackChain;
import dev.llmresilience.resilience.LlmErrorClassifier;
import dev.llmresilience.resilience.ModelCatalog;
import dev.llmresilience.resilience.ModelExecutor;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.MESSAGE_START;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.MESSAGE_STOP;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.MODEL;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.blockDelta;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.blockStart;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.blockStop;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.inputJsonDelta;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.json;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.messageDelta;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for what the Messages API sends in real traffic and a client easily gets wrong: a
 * tool call cut off by the token limit, which is an answer and no failure; citations and
 * compaction that come as deltas; a paused turn; and a finished answer whose tool input
 * is not JSON. Each stream comes in pieces that split events and characters.
 */
class AnthropicRealTrafficTests {

	private static final String TEXT_START = "{\"type\":\"text\",\"text\":\"\"}";

	private static final String WEATHER_CALL = "{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"get_weather\","
			+ "\"input\":{}}";

	/**
	 * The start of an answer cut off by the token limit: some text, then a call of
	 * {@code get_weather} at index 1 whose input has only begun.
	 */
	private static final String CUT_OFF_START = String.join("", MESSAGE_START, blockStart(0, TEXT_START),
			text(0, "Ich schaue nach."), blockStop(0), blockStart(1, WEATHER_CALL), inputJsonDelta(1, ""),
			inputJsonDelta(1, "{\\\"city\\\": \\\"Zü"));

	private static final String CUT_OFF_END = messageDelta("max_tokens", 1024) + MESSAGE_STOP;

	private static final LlmContent.ToolCall CUT_OFF_CALL = new LlmContent.ToolCall("toolu_01", "get_weather", null,
			"{\"city\": \"Zü");

	@AutoClose
	static FakeProviderServer fake = FakeProviderServer.start();

	private final AnthropicProvider provider = AnthropicProviderFixtures.create(fake.baseUrl());

	@Test
	void streamCutOffByTheTokenLimitInsideAToolInputEndsTheCallWithItsPartialInput() {
		serve(CUT_OFF_START, blockStop(1), CUT_OFF_END);
		verifyCutOffCallEnds();
	}

	@Test
	void toolCallLeftOpenAtMessageStopStillEnds() {
		serve(CUT_OFF_START, CUT_OFF_END);
		verifyCutOffCallEnds();
	}

	private void verifyCutOffCallEnds() {
		StepVerifier.create(stream())
			.expectNext(new TextDelta("Ich schaue nach."), new ToolCallStart("toolu_01", "get_weather"),
					new ToolInputDelta("toolu_01", "{\"city\": \"Zü"), new ToolCallEnd(CUT_OFF_CALL))
			.assertNext((event) -> assertCutOff(completion(event)))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void toolCallCutOffByTheTokenLimitIsNeitherRetriedNorABreakerFailureOfAChain() {
		serve(CUT_OFF_START, blockStop(1), CUT_OFF_END);
		LlmErrorClassifier classifier = new LlmErrorClassifier(true);
		CircuitBreaker breaker = CircuitBreaker.of(MODEL.id(),
				CircuitBreakerConfig.custom()
					.recordException(classifier::isBreakerFailure)
					.ignoreException((error) -> !classifier.isBreakerFailure(error))
					.build());
		Retry retry = Retry.of(MODEL.id(),
				RetryConfig.custom()
					.maxAttempts(3)
					.waitDuration(Duration.ofMillis(10))
					.retryOnException(classifier::isRetryable)
					.failAfterMaxAttempts(false)
					.build());
		ModelCatalog catalog = new ModelCatalog(Map.of(this.provider.id(), this.provider), Map.of(MODEL.id(), MODEL),
				Map.of("default", List.of(MODEL.id())), "default");
		FallbackChain chain = new FallbackChain(catalog,
				Map.of(MODEL.id(), new ModelExecutor(MODEL, this.provider, breaker, retry)), classifier);
		fake.requests().clear();
		StepVerifier.create(chain.stream(LlmRequest.ofPrompt("Wetter in Zürich?"), Deadline.none()))
			.expectNextCount(4)
			.assertNext((event) -> {
				LlmResponse response = completion(event);
				assertCutOff(response);
				assertThat(response.attempts()).extracting(LlmAttempt::outcome)
					.containsExactly(LlmAttempt.Outcome.SUCCESS);
			})
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(fake.requests().count()).isOne();
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
		assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isOne();
	}

	private static void assertCutOff(LlmResponse response) {
		assertThat(response.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
		assertThat(response.text()).isEqualTo("Ich schaue nach.");
		assertThat(response.toolCalls()).containsExactly(CUT_OFF_CALL);
		assertThat(response.toolCalls().get(0).input()).isNull();
		assertThat(response.toolCalls().get(0).rawInput()).isEqualTo("{\"city\": \"Zü");
	}

	@Test
	void citationsDeltaAndCompactionDeltaAreInTheCompletion() {
		String citation = "{\"type\":\"char_location\",\"cited_text\":\"Zürich liegt am See.\",\"document_index\":0,"
				+ "\"document_title\":\"Reiseführer\",\"start_char_index\":0,\"end_char_index\":20}";
		serve(MESSAGE_START, blockStart(0, "{\"type\":\"compaction\",\"content\":null}"),
				blockDelta(0,
						"{\"type\":\"compaction_delta\",\"content\":\"Bisher: Reise nach Zürich.\","
								+ "\"encrypted_content\":\"Ep4CCkYIBRgC\"}"),
				blockStop(0), blockStart(1, "{\"type\":\"text\",\"text\":\"\",\"citations\":[]}"),
				blockDelta(1, "{\"type\":\"citations_delta\",\"citation\":" + citation + "}"),
				text(1, "Zürich liegt am See."), blockStop(1), messageDelta("end_turn", 30), MESSAGE_STOP);
		LlmResponse response = completion(stream().blockLast(TIMEOUT));
		assertThat(response.content()).containsExactly(
				new LlmContent.ProviderBlock("anthropic", "compaction",
						json("{\"type\":\"compaction\",\"content\":\"Bisher: Reise nach Zürich.\","
								+ "\"encrypted_content\":\"Ep4CCkYIBRgC\"}")),
				new LlmContent.Text("Zürich liegt am See.", List.of(new LlmContent.Citation("char_location",
						"Zürich liegt am See.", "Reiseführer", null, json(citation)))));
	}

	@Test
	void compactionThatFailedKeepsItsNullContent() {
		serve(MESSAGE_START, blockStart(0, "{\"type\":\"compaction\",\"content\":null}"),
				blockDelta(0, "{\"type\":\"compaction_delta\",\"content\":null}"), blockStop(0),
				blockStart(1, TEXT_START), text(1, "Weiter."), blockStop(1), messageDelta("end_turn", 3), MESSAGE_STOP);
		LlmResponse response = completion(stream().blockLast(TIMEOUT));
		assertThat(response.content().get(0)).isEqualTo(new LlmContent.ProviderBlock("anthropic", "compaction",
				json("{\"type\":\"compaction\",\"content\":null}")));
	}

	@Test
	void pausedTurnIsPauseTurnAndGoesBackAsItCameToBeContinued() {
		serve(MESSAGE_START, blockStart(0, TEXT_START), text(0, "Ich recherchiere…"), blockStop(0),
				blockStart(1,
						"{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_01\",\"name\":\"web_search\",\"input\":{}}"),
				inputJsonDelta(1, "{\\\"query\\\": \\\"Zürich\\\"}"), blockStop(1), messageDelta("pause_turn", 40),
				MESSAGE_STOP);
		LlmResponse response = completion(stream().blockLast(TIMEOUT));
		assertThat(response.stopReason()).isEqualTo(StopReason.PAUSE_TURN);
		assertThat(response.rawStopReason()).isEqualTo("pause_turn");
		LlmRequest continuation = LlmRequest.builder().user("Hotels in Zürich?").message(response.toMessage()).build();
		assertThat(this.provider.body(MODEL, continuation, true).at("/messages/1/content"))
			.isEqualTo(response.raw().path("content"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "tool_use", "end_turn" })
	void finishedStreamWhoseToolInputIsNotJsonFailsWithInvalidResponse(String stopReason) {
		serve(MESSAGE_START, blockStart(0, WEATHER_CALL), inputJsonDelta(0, "{\\\"city\\\": \\\"Geheimort"),
				blockStop(0), messageDelta(stopReason, 12), MESSAGE_STOP);
		StepVerifier.create(stream())
			.expectNextCount(3)
			.expectErrorSatisfies((ex) -> assertThat(ex).isExactlyInstanceOf(LlmInvalidResponseException.class)
				.hasMessageContaining("not a JSON object")
				.hasMessageNotContaining("Geheimort"))
			.verify(TIMEOUT);
	}

	private static String text(int index, String text) {
		return blockDelta(index, "{\"type\":\"text_delta\",\"text\":\"" + text + "\"}");
	}

	private static void serve(String... events) {
		byte[] body = String.join("", events).getBytes(StandardCharsets.UTF_8);
		fake.respondWith((request) -> FakeReply.raw(200, "text/event-stream", body).inChunks(List.of(7, 3)));
	}

	private Flux<LlmStreamEvent> stream() {
		return this.provider.stream(MODEL, LlmRequest.ofPrompt("Wetter in Zürich?"));
	}

	private static LlmResponse completion(LlmStreamEvent event) {
		assertThat(event).isInstanceOf(LlmStreamEvent.Completion.class);
		return ((LlmStreamEvent.Completion) event).response();
	}

}
