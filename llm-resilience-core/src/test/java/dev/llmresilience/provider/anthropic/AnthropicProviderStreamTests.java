package dev.llmresilience.provider.anthropic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmStreamEvent.Completion;
import dev.llmresilience.LlmStreamEvent.TextDelta;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.StopReason;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmConnectionException;
import dev.llmresilience.error.LlmException;
import dev.llmresilience.error.LlmInvalidResponseException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.MESSAGE_START;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.MESSAGE_STOP;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.blockDelta;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.blockStart;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.blockStop;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.event;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.inputJsonDelta;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.json;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.messageDelta;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for streamed calls of {@link AnthropicProvider}: the server-sent events of
 * {@code POST /v1/messages} with {@code "stream": true}.
 */
class AnthropicProviderStreamTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final String TEXT_BLOCK_START = event("content_block_start",
			"{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");

	private static final String PING = event("ping", "{\"type\": \"ping\"}");

	private static final String TEXT_BLOCK_STOP = event("content_block_stop",
			"{\"type\":\"content_block_stop\",\"index\":0}");

	@RegisterExtension
	static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

	private final AnthropicProvider provider = AnthropicProviderFixtures.create(wm.baseUrl());

	@Test
	void documentedEventSequenceGivesDeltasThenOneCompletion() {
		stub(stream(MESSAGE_START, TEXT_BLOCK_START, PING, textDelta("Hello"), textDelta(", "), textDelta("world"),
				textDelta("!"), TEXT_BLOCK_STOP, messageDelta("end_turn", 15), MESSAGE_STOP)
			.withHeader("request-id", "req_stream_1")
			.withHeader("anthropic-ratelimit-requests-limit", "50")
			.withHeader("anthropic-ratelimit-requests-remaining", "49")
			.withHeader("anthropic-ratelimit-requests-reset", "2025-06-01T12:00:30Z")
			.withHeader("anthropic-ratelimit-tokens-limit", "40000")
			.withHeader("anthropic-ratelimit-tokens-remaining", "39000")
			.withHeader("anthropic-ratelimit-tokens-reset", "2025-06-01T12:00:05Z"));
		StepVerifier.create(stream())
			.expectNext(new TextDelta("Hello"), new TextDelta(", "), new TextDelta("world"), new TextDelta("!"))
			.assertNext((event) -> {
				LlmResponse response = completion(event);
				assertThat(response.text()).isEqualTo("Hello, world!");
				assertThat(response.model()).isEqualTo("haiku");
				assertThat(response.modelName()).isEqualTo("claude-haiku-4-5-20251001");
				assertThat(response.provider()).isEqualTo("anthropic");
				assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
				assertThat(response.rawStopReason()).isEqualTo("end_turn");
				assertThat(response.usage()).isEqualTo(new LlmUsage(25, 15));
				assertThat(response.requestId()).isEqualTo("req_stream_1");
				assertThat(response.rateLimits()).isEqualTo(new RateLimitStatus(50L, 49L,
						Instant.parse("2025-06-01T12:00:30Z"), 40000L, 39000L, Instant.parse("2025-06-01T12:00:05Z")));
				assertThat(response.fallback()).isFalse();
				assertThat(response.raw()).isEqualTo(json("""
						{"id":"msg_01","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001",\
						"content":[{"type":"text","text":"Hello, world!"}],"stop_reason":"end_turn",\
						"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":15}}"""));
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void cumulativeOutputTokensOfSeveralMessageDeltasAreNotSummed() {
		stub(stream(MESSAGE_START, TEXT_BLOCK_START, textDelta("a"), TEXT_BLOCK_STOP, messageDelta(null, 10),
				messageDelta("max_tokens", 15), MESSAGE_STOP));
		LlmResponse response = lastResponse();
		assertThat(response.usage()).isEqualTo(new LlmUsage(25, 15));
		assertThat(response.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
	}

	@Test
	void promptCacheTokensOfMessageStartAndCumulativeMessageDeltasAreTakenNotSummed() {
		String start = event("message_start", """
				{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant",\
				"model":"claude-haiku-4-5-20251001","content":[],"stop_reason":null,"stop_sequence":null,\
				"usage":{"input_tokens":25,"cache_creation_input_tokens":1800,"cache_read_input_tokens":1500,\
				"output_tokens":1}}}""");
		String lastDelta = event("message_delta", """
				{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},\
				"usage":{"input_tokens":25,"cache_creation_input_tokens":1800,"cache_read_input_tokens":1500,\
				"output_tokens":15}}""");
		stub(stream(start, TEXT_BLOCK_START, textDelta("a"), TEXT_BLOCK_STOP, messageDelta(null, 10), lastDelta,
				MESSAGE_STOP));
		assertThat(lastResponse().usage()).isEqualTo(new LlmUsage(25 + 1800 + 1500, 15, 1800, 1500));
	}

	@Test
	void missingHeadersGiveNullRequestIdAndNoRateLimits() {
		stub(stream(MESSAGE_START, TEXT_BLOCK_START, textDelta("a"), TEXT_BLOCK_STOP, messageDelta("end_turn", 1),
				MESSAGE_STOP));
		LlmResponse response = lastResponse();
		assertThat(response.requestId()).isNull();
		assertThat(response.rateLimits()).isEqualTo(RateLimitStatus.NONE);
	}

	@Test
	void eventsSplitAcrossNetworkReadsAreReassembled() {
		stub(stream(MESSAGE_START, TEXT_BLOCK_START, PING, textDelta("Hel"), textDelta("lo "), textDelta("there"),
				TEXT_BLOCK_STOP, messageDelta("end_turn", 3), MESSAGE_STOP)
			.withChunkedDribbleDelay(40, 200));
		StepVerifier.create(stream())
			.expectNext(new TextDelta("Hel"), new TextDelta("lo "), new TextDelta("there"))
			.assertNext((event) -> assertThat(completion(event).text()).isEqualTo("Hello there"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void dataSpreadOverSeveralLinesIsJoined() {
		String prettyDelta = """
				event: content_block_delta
				data: {
				data:   "type": "content_block_delta",
				data:   "index": 0,
				data:   "delta": {"type": "text_delta", "text": "multi-line"}
				data: }

				""";
		stub(stream(MESSAGE_START, TEXT_BLOCK_START, prettyDelta, TEXT_BLOCK_STOP, messageDelta("end_turn", 2),
				MESSAGE_STOP));
		StepVerifier.create(stream())
			.expectNext(new TextDelta("multi-line"))
			.assertNext((event) -> assertThat(completion(event).text()).isEqualTo("multi-line"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void commentLinesAreIgnored() {
		stub(stream(": keep-alive\n\n", MESSAGE_START, ": keep-alive\n\n", TEXT_BLOCK_START, textDelta("a"),
				": keep-alive\n\n", TEXT_BLOCK_STOP, messageDelta("end_turn", 1), MESSAGE_STOP));
		StepVerifier.create(stream())
			.expectNext(new TextDelta("a"))
			.assertNext((event) -> assertThat(completion(event).text()).isEqualTo("a"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void crlfLineEndingsAreAccepted() {
		String body = String
			.join("", MESSAGE_START, TEXT_BLOCK_START, textDelta("crlf"), TEXT_BLOCK_STOP, messageDelta("end_turn", 1),
					MESSAGE_STOP)
			.replace("\n", "\r\n");
		stub(aResponse().withHeader("Content-Type", "text/event-stream").withBody(body));
		StepVerifier.create(stream())
			.expectNext(new TextDelta("crlf"))
			.assertNext((event) -> assertThat(completion(event).text()).isEqualTo("crlf"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void thinkingTextAndToolInputComeAsEventsOfTheirOwn() {
		stub(stream(MESSAGE_START, event("content_block_start",
				"{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}"),
				event("content_block_delta",
						"{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Hmm, weather.\"}}"),
				event("content_block_delta",
						"{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQB\"}}"),
				event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
				event("content_block_start",
						"{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
				event("content_block_delta",
						"{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Checking.\"}}"),
				event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"),
				event("content_block_start",
						"{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"get_weather\",\"input\":{}}}"),
				event("content_block_delta",
						"{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \\\"Paris\\\"}\"}}"),
				event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}"),
				messageDelta("tool_use", 40), MESSAGE_STOP));
		StepVerifier.create(stream())
			.expectNext(new LlmStreamEvent.ReasoningDelta("Hmm, weather."), new TextDelta("Checking."),
					new LlmStreamEvent.ToolCallStart("toolu_01", "get_weather"),
					new LlmStreamEvent.ToolInputDelta("toolu_01", "{\"city\": \"Paris\"}"))
			.assertNext((event) -> assertThat(((LlmStreamEvent.ToolCallEnd) event).call().input().path("city").asText())
				.isEqualTo("Paris"))
			.assertNext((event) -> {
				LlmResponse response = completion(event);
				assertThat(response.text()).isEqualTo("Checking.");
				assertThat(response.content()).hasExactlyElementsOfTypes(LlmContent.Reasoning.class,
						LlmContent.Text.class, LlmContent.ToolCall.class);
				assertThat(response.blocks(LlmContent.Reasoning.class).get(0).signature()).isEqualTo("EqQB");
				assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void rawHasTheBlocksInIndexOrderWithTheirPiecesJoined() {
		stub(stream(MESSAGE_START, blockStart(0, "{\"type\":\"thinking\",\"thinking\":\"\"}"),
				blockDelta(0, "{\"type\":\"thinking_delta\",\"thinking\":\"Hmm, \"}"),
				blockDelta(0, "{\"type\":\"thinking_delta\",\"thinking\":\"weather.\"}"),
				blockDelta(0, "{\"type\":\"signature_delta\",\"signature\":\"EqQB\"}"), blockStop(0),
				blockStart(1, "{\"type\":\"text\",\"text\":\"\"}"),
				blockDelta(1, "{\"type\":\"text_delta\",\"text\":\"Checking \"}"),
				blockDelta(1, "{\"type\":\"text_delta\",\"text\":\"both.\"}"), blockStop(1),
				blockStart(2, "{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"get_weather\",\"input\":{}}"),
				inputJsonDelta(2, ""), inputJsonDelta(2, "{\\\"city\\\": \\\"Pa"),
				inputJsonDelta(2, "ris\\\", \\\"days\\\": [1, "), inputJsonDelta(2, "2]}"), blockStop(2),
				blockStart(3, "{\"type\":\"tool_use\",\"id\":\"toolu_02\",\"name\":\"get_time\",\"input\":{}}"),
				inputJsonDelta(3, ""), blockStop(3), event("message_delta", """
						{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},\
						"usage":{"output_tokens":40}}"""), MESSAGE_STOP));
		LlmResponse response = lastResponse();
		assertThat(response.text()).isEqualTo("Checking both.");
		assertThat(response.raw()).isEqualTo(json("""
				{"id":"msg_01","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001",
				"content":[
				{"type":"thinking","thinking":"Hmm, weather.","signature":"EqQB"},
				{"type":"text","text":"Checking both."},
				{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris","days":[1,2]}},
				{"type":"tool_use","id":"toolu_02","name":"get_time","input":{}}],
				"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":40}}"""));
		assertThat(response.raw().at("/content/2/input/city").asText()).isEqualTo("Paris");
	}

	@Test
	void unknownBlocksAreKeptAsStartedAndUnknownDeltasAreIgnored() {
		stub(stream(MESSAGE_START, blockStart(0, "{\"type\":\"future_block\",\"x\":1}"),
				blockDelta(0, "{\"type\":\"future_delta\",\"x\":2}"), blockStop(0),
				blockStart(1, "{\"type\":\"text\",\"text\":\"\"}"),
				blockDelta(1, "{\"type\":\"text_delta\",\"text\":\"a\"}"), blockStop(1), messageDelta("end_turn", 1),
				MESSAGE_STOP));
		LlmResponse response = lastResponse();
		assertThat(response.text()).isEqualTo("a");
		assertThat(response.raw().path("content"))
			.isEqualTo(json("[{\"type\":\"future_block\",\"x\":1},{\"type\":\"text\",\"text\":\"a\"}]"));
	}

	@Test
	void toolInputThatIsNotJsonIsInvalidResponse() {
		stub(stream(MESSAGE_START,
				blockStart(0, "{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"get_weather\",\"input\":{}}"),
				inputJsonDelta(0, "{\\\"city\\\": \\\"Secret"), blockStop(0), messageDelta("tool_use", 5),
				MESSAGE_STOP));
		Throwable failure = failure(stream());
		assertThat(failure).isExactlyInstanceOf(LlmInvalidResponseException.class)
			.hasMessageContaining("not a JSON object");
		assertThat(failure.getMessage()).doesNotContain("Secret");
	}

	@Test
	void toolInputWithTrailingGarbageIsInvalidResponse() {
		stub(stream(MESSAGE_START,
				blockStart(0, "{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"get_weather\",\"input\":{}}"),
				inputJsonDelta(0, "{}"), inputJsonDelta(0, "{}"), blockStop(0), messageDelta("tool_use", 5),
				MESSAGE_STOP));
		assertThat(failure(stream())).isExactlyInstanceOf(LlmInvalidResponseException.class);
	}

	@Test
	void toolInputOfABlockLeftOpenIsStillChecked() {
		stub(stream(MESSAGE_START,
				blockStart(0, "{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"get_weather\",\"input\":{}}"),
				inputJsonDelta(0, "{\\\"city"), messageDelta("tool_use", 5), MESSAGE_STOP));
		assertThat(failure(stream())).isExactlyInstanceOf(LlmInvalidResponseException.class);
	}

	@Test
	void unknownEventTypesAreIgnored() {
		stub(stream(MESSAGE_START, event("future_event", "{\"type\":\"future_event\",\"x\":1}"), TEXT_BLOCK_START,
				textDelta("a"), TEXT_BLOCK_STOP, messageDelta("end_turn", 1), MESSAGE_STOP));
		assertThat(lastResponse().text()).isEqualTo("a");
	}

	@Test
	void overloadedErrorEventMidStreamFailsWithOverloadedExceptionAfterTheDeltas() {
		stub(stream(MESSAGE_START, TEXT_BLOCK_START, textDelta("Par"), textDelta("tial"),
				event("error",
						"{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"))
			.withHeader("request-id", "req_mid"));
		StepVerifier.create(stream())
			.expectNext(new TextDelta("Par"), new TextDelta("tial"))
			.expectErrorSatisfies((ex) -> {
				assertThat(ex).isExactlyInstanceOf(LlmOverloadedException.class);
				LlmApiException exception = (LlmApiException) ex;
				assertThat(exception.getErrorType()).isEqualTo("overloaded_error");
				assertThat(exception.getStatusCode()).isEqualTo(200);
				assertThat(exception.getRequestId()).isEqualTo("req_mid");
				assertThat(exception.getMessage()).contains("Overloaded");
			})
			.verify(TIMEOUT);
	}

	@Test
	void textBeforeAnErrorEventReachesASlowReaderBeforeTheError() {
		Sinks.Many<DataBuffer> body = Sinks.many().unicast().onBackpressureBuffer();
		AnthropicProvider slow = AnthropicProviderFixtures.answeringWith(body.asFlux());
		StepVerifier.create(slow.stream(AnthropicProviderFixtures.MODEL, LlmRequest.ofPrompt("Hi")), 0).then(() -> {
			// each event its own read, all of them in before the reader asks for any
			for (String piece : List
				.of(MESSAGE_START, TEXT_BLOCK_START, textDelta("Par"), textDelta("tial"), event("error",
						"{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"))) {
				body.tryEmitNext(DefaultDataBufferFactory.sharedInstance.wrap(piece.getBytes(StandardCharsets.UTF_8)));
			}
		})
			.thenRequest(1)
			.expectNext(new TextDelta("Par"))
			.thenRequest(1)
			.expectNext(new TextDelta("tial"))
			.thenRequest(1)
			.expectError(LlmOverloadedException.class)
			.verify(TIMEOUT);
	}

	@Test
	void bodyHeldOpenAfterMessageStopCompletesTheStreamAfterAGraceAndIsCancelled() {
		Sinks.Many<DataBuffer> body = Sinks.many().unicast().onBackpressureBuffer();
		AnthropicProvider heldOpen = AnthropicProviderFixtures.answeringWith(body.asFlux());
		// the fixture's idle limit, 300 ms, is shorter than the grace of a second
		StepVerifier.withVirtualTime(() -> heldOpen.stream(AnthropicProviderFixtures.MODEL, LlmRequest.ofPrompt("Hi")))
			.then(() -> {
				for (String piece : List.of(MESSAGE_START, TEXT_BLOCK_START, textDelta("Hi"), TEXT_BLOCK_STOP,
						messageDelta("end_turn", 1), MESSAGE_STOP, PING)) {
					body.tryEmitNext(
							DefaultDataBufferFactory.sharedInstance.wrap(piece.getBytes(StandardCharsets.UTF_8)));
				}
			})
			.expectNext(new TextDelta("Hi"))
			.expectNoEvent(Duration.ofMillis(299))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((event) -> assertThat(event).isInstanceOfSatisfying(Completion.class,
					(completion) -> assertThat(completion.response().text()).isEqualTo("Hi")))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(body.currentSubscriberCount()).isZero();
	}

	@Test
	void apiKeyEchoedInErrorEventIsRedacted() {
		stub(stream(MESSAGE_START, event("error", """
				{"type":"error","error":{"type":"api_error","message":"bad key %s"}}"""
			.formatted(AnthropicProviderFixtures.API_KEY))));
		Throwable failure = failure(stream());
		assertThat(failure).isInstanceOf(LlmApiException.class);
		assertThat(failure.getMessage()).doesNotContain(AnthropicProviderFixtures.API_KEY).contains("[redacted]");
		assertThat(failure.toString()).doesNotContain(AnthropicProviderFixtures.API_KEY);
	}

	@Test
	void streamEndingWithoutMessageStopIsInvalidResponseAfterTheDeltas() {
		stub(stream(MESSAGE_START, TEXT_BLOCK_START, textDelta("cut "), textDelta("off"), TEXT_BLOCK_STOP,
				messageDelta("end_turn", 2)));
		StepVerifier.create(stream())
			.expectNext(new TextDelta("cut "), new TextDelta("off"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isExactlyInstanceOf(LlmInvalidResponseException.class)
				.hasMessageContaining("message_stop"))
			.verify(TIMEOUT);
	}

	@Test
	void emptyStreamIsInvalidResponse() {
		stub(aResponse().withHeader("Content-Type", "text/event-stream").withBody(""));
		assertThat(failure(stream())).isExactlyInstanceOf(LlmInvalidResponseException.class);
	}

	@Test
	void dataThatIsNotJsonIsInvalidResponse() {
		stub(stream(MESSAGE_START, "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", oops\n\n",
				MESSAGE_STOP));
		Throwable failure = failure(stream());
		assertThat(failure).isExactlyInstanceOf(LlmInvalidResponseException.class);
		assertThat(failure.getMessage()).doesNotContain("oops");
	}

	@Test
	void jsonErrorEnvelopeInsteadOfStreamIsTyped() {
		stub(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withHeader("request-id", "req_json")
			.withBody("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
		Throwable failure = failure(stream());
		assertThat(failure).isExactlyInstanceOf(LlmOverloadedException.class);
		LlmApiException exception = (LlmApiException) failure;
		assertThat(exception.getStatusCode()).isEqualTo(200);
		assertThat(exception.getRequestId()).isEqualTo("req_json");
	}

	@Test
	void plainJsonMessageInsteadOfStreamIsInvalidResponse() {
		stub(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}"));
		assertThat(failure(stream())).isExactlyInstanceOf(LlmInvalidResponseException.class);
	}

	@Test
	void overloadedStatusBeforeStreamingIsOverloaded() {
		stub(aResponse().withStatus(529)
			.withHeader("Content-Type", "application/json")
			.withHeader("retry-after", "3")
			.withHeader("x-should-retry", "true")
			.withBody("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
		Throwable failure = failure(stream());
		assertThat(failure).isExactlyInstanceOf(LlmOverloadedException.class);
		LlmApiException exception = (LlmApiException) failure;
		assertThat(exception.getStatusCode()).isEqualTo(529);
		assertThat(exception.getRetryAfter()).isEqualTo(Duration.ofSeconds(3));
		assertThat(exception.getShouldRetry()).isTrue();
	}

	@Test
	void idleStreamTimesOutAfterTheDeltasSoFar() {
		// Two halves of equal size, 1.5 s apart: the gap is far longer than the 300 ms
		// idle limit,
		// also on a busy machine that delivers the first half late.
		String firstHalf = MESSAGE_START + TEXT_BLOCK_START + textDelta("before the gap");
		String secondHalf = textDelta("after") + TEXT_BLOCK_STOP + messageDelta("end_turn", 2) + MESSAGE_STOP;
		stub(stream(padTo(firstHalf, secondHalf), padTo(secondHalf, firstHalf)).withChunkedDribbleDelay(2, 3000));
		StepVerifier.create(stream()).expectNext(new TextDelta("before the gap")).expectErrorSatisfies((ex) -> {
			assertThat(ex).isExactlyInstanceOf(LlmTimeoutException.class);
			LlmTimeoutException timeout = (LlmTimeoutException) ex;
			assertThat(timeout.getPhase()).isEqualTo(LlmTimeoutException.Phase.STREAM_IDLE);
			assertThat(timeout.getLimit()).isEqualTo(Duration.ofMillis(300));
		}).verify(TIMEOUT);
	}

	@Test
	void slowResponseHeadersAreFirstByteTimeout() {
		AnthropicProvider impatient = AnthropicProviderFixtures.create(wm.baseUrl(), Duration.ofMillis(300),
				Duration.ofSeconds(2));
		stub(stream(MESSAGE_START, MESSAGE_STOP).withFixedDelay(1000));
		Throwable failure = failure(impatient.stream(AnthropicProviderFixtures.MODEL, LlmRequest.ofPrompt("Hi")));
		assertThat(failure).isExactlyInstanceOf(LlmTimeoutException.class);
		assertThat(((LlmTimeoutException) failure).getPhase()).isEqualTo(LlmTimeoutException.Phase.FIRST_BYTE);
	}

	@Test
	void connectionResetBeforeStreamingIsConnectionFailure() {
		stub(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
		assertThat(failure(stream())).isExactlyInstanceOf(LlmConnectionException.class);
	}

	@Test
	void streamCutOffMidResponseIsConnectionFailure() {
		stub(aResponse().withHeader("Content-Type", "text/event-stream").withFault(Fault.MALFORMED_RESPONSE_CHUNK));
		assertThat(failure(stream())).isExactlyInstanceOf(LlmConnectionException.class);
	}

	@Test
	void eventLargerThanTheBufferLimitIsInvalidResponseNamingTheLimit() {
		// Spring's default limit is 256 KB; generous time limits keep a slow machine out
		// of it.
		AnthropicProvider patient = AnthropicProviderFixtures.create(wm.baseUrl(), Duration.ofSeconds(4),
				Duration.ofSeconds(4));
		stub(stream(MESSAGE_START, TEXT_BLOCK_START, textDelta("a".repeat(260 * 1024)), TEXT_BLOCK_STOP,
				messageDelta("end_turn", 1), MESSAGE_STOP));
		assertThat(failure(patient.stream(AnthropicProviderFixtures.MODEL, LlmRequest.ofPrompt("Hi"))))
			.isExactlyInstanceOf(LlmInvalidResponseException.class)
			.hasMessageContaining("max-response-size");
	}

	@Test
	void completionIsEmittedAtMessageStopEvenIfTheConnectionStaysOpen() {
		// All events in the first half; the second half, 500 ms later, is only a comment.
		String events = MESSAGE_START + TEXT_BLOCK_START + textDelta("done") + TEXT_BLOCK_STOP
				+ messageDelta("end_turn", 1) + MESSAGE_STOP;
		String trailer = padTo(": still here\n\n", events);
		stub(stream(events, trailer).withChunkedDribbleDelay(2, 1000));
		StepVerifier.create(stream())
			.expectNext(new TextDelta("done"))
			.assertNext((event) -> assertThat(completion(event).text()).isEqualTo("done"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void cancellingMidStreamEndsWithoutError() {
		stub(stream(MESSAGE_START, TEXT_BLOCK_START, textDelta("one"), textDelta("two"), textDelta("three"),
				TEXT_BLOCK_STOP, messageDelta("end_turn", 3), MESSAGE_STOP)
			.withChunkedDribbleDelay(10, 500));
		StepVerifier.create(stream()).expectNext(new TextDelta("one")).thenCancel().verify(TIMEOUT);
	}

	@Test
	void streamAfterACancelledStreamSucceeds() {
		stub(stream(MESSAGE_START, TEXT_BLOCK_START, textDelta("one"), textDelta("two"), TEXT_BLOCK_STOP,
				messageDelta("end_turn", 2), MESSAGE_STOP)
			.withChunkedDribbleDelay(10, 200));
		StepVerifier.create(stream()).expectNext(new TextDelta("one")).thenCancel().verify(TIMEOUT);
		assertThat(lastResponse().text()).isEqualTo("onetwo");
	}

	@Test
	void eachSubscriptionStreamsOneResponse() {
		stub(stream(MESSAGE_START, TEXT_BLOCK_START, textDelta("again"), TEXT_BLOCK_STOP, messageDelta("end_turn", 1),
				MESSAGE_STOP));
		Flux<LlmStreamEvent> events = stream();
		assertThat(events.collectList().block(TIMEOUT)).hasSize(2);
		assertThat(events.collectList().block(TIMEOUT)).hasSize(2);
	}

	private static String textDelta(String text) {
		return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
				+ "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}");
	}

	private static String padTo(String events, String other) {
		int missing = other.length() - events.length();
		// a comment line of the missing length: ':' plus filler plus the blank line that
		// ends it
		return (missing <= 0) ? events : events + ":" + "-".repeat(Math.max(0, missing - 3)) + "\n\n";
	}

	private static ResponseDefinitionBuilder stream(String... events) {
		return aResponse().withHeader("Content-Type", "text/event-stream; charset=utf-8")
			.withBody(String.join("", events));
	}

	private static void stub(ResponseDefinitionBuilder response) {
		wm.stubFor(post("/v1/messages").willReturn(response));
	}

	private Flux<LlmStreamEvent> stream() {
		return this.provider.stream(AnthropicProviderFixtures.MODEL, LlmRequest.ofPrompt("Hi"));
	}

	private LlmResponse lastResponse() {
		List<LlmStreamEvent> events = stream().collectList().block(TIMEOUT);
		assertThat(events).isNotEmpty();
		return completion(events.get(events.size() - 1));
	}

	private static LlmResponse completion(LlmStreamEvent event) {
		assertThat(event).isInstanceOf(Completion.class);
		return ((Completion) event).response();
	}

	private static Throwable failure(Flux<LlmStreamEvent> events) {
		AtomicReference<Throwable> failure = new AtomicReference<>();
		StepVerifier.create(events.filter(Completion.class::isInstance))
			.expectErrorSatisfies(failure::set)
			.verify(TIMEOUT);
		assertThat(failure.get()).isInstanceOf(LlmException.class);
		return failure.get();
	}

}
