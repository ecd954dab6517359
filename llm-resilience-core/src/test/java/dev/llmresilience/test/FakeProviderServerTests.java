package dev.llmresilience.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmMessage;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmStreamEvent.TextDelta;
import dev.llmresilience.LlmTool;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.StopReason;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.provider.LlmProvider;
import dev.llmresilience.provider.ProviderConnectors;
import dev.llmresilience.provider.ProviderSettings;
import dev.llmresilience.provider.anthropic.AnthropicProvider;
import dev.llmresilience.provider.openai.OpenAiProvider;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FakeProviderServer}: both wire formats (read back by the library's own
 * providers), streams split and paced, every fault, scripts and the responder, the
 * request log and the redaction of keys in it.
 */
class FakeProviderServerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	/** A key shaped like a real one, so that a leak of it is easy to spot. */
	private static final String API_KEY = "sk-ant-api03-" + "Fk7xW2mK9pL4vR8t".repeat(5);

	private static final LlmModel CLAUDE = new LlmModel("claude", "fake", "claude-fake", 1024, null);

	private static final LlmModel GPT = new LlmModel("gpt", "fake", "gpt-fake", 1024, null);

	private static final ObjectMapper MAPPER = new ObjectMapper();

	private final FakeProviderServer fake = FakeProviderServer.start();

	private final ConnectionProvider connections = ConnectionProvider.create("fake-provider-tests", 16);

	@AfterEach
	void close() {
		this.connections.disposeLater().block(TIMEOUT);
		this.fake.close();
	}

	@Test
	void anthropicAnswerIsReadByTheAnthropicProvider() {
		this.fake.defaults().text("Hello, fake world").inputTokens(12);
		LlmResponse response = anthropic().call(CLAUDE, LlmRequest.ofPrompt("Hi")).block(TIMEOUT);
		assertThat(response.text()).isEqualTo("Hello, fake world");
		assertThat(response.modelName()).isEqualTo("claude-fake");
		assertThat(response.usage()).isEqualTo(new LlmUsage(12, 1));
		assertThat(response.requestId()).isEqualTo("req_fake_1");
	}

	@Test
	void anthropicStreamSendsTheDocumentedEventsInOrder() {
		this.fake.defaults().pieces("Hello", ", ", "world");
		Exchange exchange = post("/v1/messages", anthropicBody("claude-fake", true));
		assertThat(exchange.status()).isEqualTo(200);
		assertThat(exchange.headers().get("content-type")).isEqualTo("text/event-stream");
		assertThat(eventNames(exchange.body())).containsExactly("message_start", "content_block_start", "ping",
				"content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
				"message_delta", "message_stop");
		assertThat(exchange.body()).contains("\"text\":\"Hello\"", "\"text\":\", \"", "\"output_tokens\":3");
	}

	@Test
	void anthropicStreamIsReadByTheAnthropicProvider() {
		this.fake.defaults().pieces("Hello", ", ", "world");
		List<LlmStreamEvent> events = anthropic().stream(CLAUDE, LlmRequest.ofPrompt("Hi"))
			.collectList()
			.block(TIMEOUT);
		assertThat(events).hasSize(4);
		assertThat(events.subList(0, 3)).containsExactly(new TextDelta("Hello"), new TextDelta(", "),
				new TextDelta("world"));
		LlmResponse response = ((LlmStreamEvent.Completion) events.get(3)).response();
		assertThat(response.text()).isEqualTo("Hello, world");
		assertThat(response.usage()).isEqualTo(new LlmUsage(10, 3));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "/v1" })
	void openAiAnswerIsReadByTheOpenAiProviderUnderEitherPath(String basePath) {
		this.fake.model("gpt-fake").text("Hello from GPT").inputTokens(7);
		LlmResponse response = openAi(basePath).call(GPT, LlmRequest.ofPrompt("Hi")).block(TIMEOUT);
		assertThat(response.text()).isEqualTo("Hello from GPT");
		assertThat(response.usage()).isEqualTo(new LlmUsage(7, 1));
		assertThat(this.fake.requests().last().uri()).isEqualTo(basePath + "/chat/completions");
		assertThat(this.fake.requests().last().wireFormat()).isEqualTo(WireFormat.OPENAI);
	}

	@Test
	void openAiStreamSendsChunksThenUsageThenDone() {
		this.fake.defaults().pieces("Hello", " GPT");
		Exchange exchange = post("/v1/chat/completions", openAiBody("gpt-fake", true));
		List<String> data = dataLines(exchange.body());
		assertThat(data).hasSize(6);
		assertThat(json(data.get(0)).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
		assertThat(json(data.get(1)).at("/choices/0/delta/content").asText()).isEqualTo("Hello");
		assertThat(json(data.get(2)).at("/choices/0/delta/content").asText()).isEqualTo(" GPT");
		assertThat(json(data.get(3)).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
		assertThat(json(data.get(4)).at("/usage/completion_tokens").asInt()).isEqualTo(2);
		assertThat(data.get(5)).isEqualTo("[DONE]");
	}

	@Test
	void openAiStreamIsReadByTheOpenAiProvider() {
		this.fake.defaults().pieces("Hello", " GPT");
		List<LlmStreamEvent> events = openAi("").stream(GPT, LlmRequest.ofPrompt("Hi")).collectList().block(TIMEOUT);
		assertThat(events).startsWith(new TextDelta("Hello"), new TextDelta(" GPT"));
		LlmResponse response = ((LlmStreamEvent.Completion) events.get(events.size() - 1)).response();
		assertThat(response.text()).isEqualTo("Hello GPT");
		assertThat(response.usage()).isEqualTo(new LlmUsage(10, 2));
	}

	@ParameterizedTest
	@EnumSource(WireFormat.class)
	void toolCallsAfterTextAreReadWithTheToolUseStopReason(WireFormat format) {
		this.fake.defaults().reply(twoToolCalls());
		LlmResponse response = provider(format).call(modelOf(format), toolRequest()).block(TIMEOUT);
		assertThat(response.text()).isEqualTo("Let me look.");
		assertThat(response.toolCalls()).extracting(LlmContent.ToolCall::id, LlmContent.ToolCall::name)
			.containsExactly(tuple("call_1", "get_weather"), tuple("call_2", "get_time"));
		assertThat(response.toolCalls().get(0).input()).isEqualTo(json("{\"city\":\"Paris\"}"));
		assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
		assertThat(response.rawStopReason()).isEqualTo((format == WireFormat.ANTHROPIC) ? "tool_use" : "tool_calls");
		assertThat(response.usage().outputTokens()).isEqualTo(7);
	}

	@Test
	void anthropicStreamSendsAToolCallsInputAsInputJsonDeltas() {
		this.fake.defaults().reply(FakeReply.toolCall("toolu_1", "get_weather", "{\"city\":\"Paris\"}"));
		Exchange exchange = post("/v1/messages", anthropicBody("claude-fake", true));
		assertThat(eventNames(exchange.body())).containsExactly("message_start", "content_block_start", "ping",
				"content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
				"message_delta", "message_stop");
		List<JsonNode> events = dataLines(exchange.body()).stream().map(FakeProviderServerTests::json).toList();
		assertThat(events.get(1).path("content_block").toString())
			.isEqualTo("{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}");
		assertThat(events.subList(3, 6)).extracting((event) -> event.at("/delta/type").asText())
			.containsOnly("input_json_delta");
		assertThat(events.subList(3, 6).stream().map((event) -> event.at("/delta/partial_json").asText()))
			.containsExactly("{\"cit", "y\":\"P", "aris\"}");
		assertThat(events.get(7).at("/delta/stop_reason").asText()).isEqualTo("tool_use");
	}

	@Test
	void openAiStreamNamesEachToolCallThenSendsItsArgumentsInPieces() {
		this.fake.defaults().reply(FakeReply.toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"));
		Exchange exchange = post("/v1/chat/completions", openAiBody("gpt-fake", true));
		List<JsonNode> chunks = dataLines(exchange.body()).stream()
			.filter((data) -> !data.equals("[DONE]"))
			.map(FakeProviderServerTests::json)
			.toList();
		assertThat(chunks).hasSize(7);
		JsonNode named = chunks.get(1).at("/choices/0/delta/tool_calls/0");
		assertThat(named.path("index").asInt()).isZero();
		assertThat(named.path("id").asText()).isEqualTo("call_1");
		assertThat(named.at("/function/name").asText()).isEqualTo("get_weather");
		assertThat(named.at("/function/arguments").asText()).isEmpty();
		assertThat(chunks.subList(2, 5)
			.stream()
			.map((chunk) -> chunk.at("/choices/0/delta/tool_calls/0/function/arguments").asText()))
			.containsExactly("{\"cit", "y\":\"P", "aris\"}");
		assertThat(chunks.get(5).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
	}

	@ParameterizedTest
	@EnumSource(WireFormat.class)
	void streamedToolCallsSurfaceAsStartInputDeltasAndEnd(WireFormat format) {
		this.fake.defaults().reply(twoToolCalls());
		List<LlmStreamEvent> events = provider(format).stream(modelOf(format), toolRequest())
			.collectList()
			.block(TIMEOUT);
		assertThat(events).hasSize(12);
		assertThat(events.get(0)).isEqualTo(new TextDelta("Let me look."));
		assertThat(events.get(1)).isEqualTo(new LlmStreamEvent.ToolCallStart("call_1", "get_weather"));
		assertThat(events.subList(2, 5)).extracting((event) -> ((LlmStreamEvent.ToolInputDelta) event).partialJson())
			.containsExactly("{\"cit", "y\":\"P", "aris\"}");
		LlmContent.ToolCall first = ((LlmStreamEvent.ToolCallEnd) events.get(5)).call();
		assertThat(first.input()).isEqualTo(json("{\"city\":\"Paris\"}"));
		assertThat(events.get(6)).isEqualTo(new LlmStreamEvent.ToolCallStart("call_2", "get_time"));
		assertThat(events.get(10)).isInstanceOf(LlmStreamEvent.ToolCallEnd.class);
		LlmResponse response = ((LlmStreamEvent.Completion) events.get(11)).response();
		assertThat(response.toolCalls()).extracting(LlmContent.ToolCall::id).containsExactly("call_1", "call_2");
		assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
	}

	@ParameterizedTest
	@EnumSource(WireFormat.class)
	void thinkingIsSignedInAnthropicsFormatAndUnsignedInOpenAis(WireFormat format) {
		this.fake.defaults().reply(FakeReply.answer("42").withThinking("Six times seven.", "sig-1"));
		String signature = (format == WireFormat.ANTHROPIC) ? "sig-1" : null;
		LlmResponse whole = provider(format).call(modelOf(format), LlmRequest.ofPrompt("Hi")).block(TIMEOUT);
		assertThat(whole.content()).containsExactly(new LlmContent.Reasoning("Six times seven.", signature),
				new LlmContent.Text("42", List.of()));
		List<LlmStreamEvent> events = provider(format).stream(modelOf(format), LlmRequest.ofPrompt("Hi"))
			.collectList()
			.block(TIMEOUT);
		assertThat(events.subList(0, 3)).extracting((event) -> ((LlmStreamEvent.ReasoningDelta) event).text())
			.containsExactly("Six t", "imes ", "seven.");
		assertThat(events.get(3)).isEqualTo(new TextDelta("42"));
		LlmResponse streamed = ((LlmStreamEvent.Completion) events.get(4)).response();
		assertThat(streamed.content()).isEqualTo(whole.content());
	}

	@ParameterizedTest
	@EnumSource(WireFormat.class)
	void requestLogReadsToolsToolCallsToolResultsAndImagesInEitherFormat(WireFormat format) {
		LlmRequest request = toolRequest().mutate()
			.messages(List.of(
					LlmMessage.user(LlmContent.text("What is in the picture?"),
							LlmContent.image("image/png", "iVBORw0K")),
					LlmMessage
						.assistant(new LlmContent.ToolCall("call_1", "get_weather", json("{\"city\":\"Paris\"}"))),
					LlmMessage.user(LlmContent.toolResult("call_1", "Sunny"))))
			.build();
		provider(format).call(modelOf(format), request).block(TIMEOUT);
		ReceivedRequest received = this.fake.requests().forModel(modelOf(format).name()).get(0);
		assertThat(received.toolNames()).containsExactly("get_weather", "get_time");
		assertThat(received.toolCallIds()).containsExactly("call_1");
		assertThat(received.toolResultIds()).containsExactly("call_1");
		JsonNode question = received.messages().get(0).path("content");
		if (format == WireFormat.ANTHROPIC) {
			assertThat(received.roles()).containsExactly("user", "assistant", "user");
			assertThat(question.get(1).at("/source/data").asText()).isEqualTo("iVBORw0K");
		}
		else {
			assertThat(received.roles()).containsExactly("user", "assistant", "tool");
			assertThat(question.get(1).at("/image_url/url").asText()).isEqualTo("data:image/png;base64,iVBORw0K");
		}
	}

	@Test
	void streamSendsTheTextInChunksSpacedByTheInterval() {
		this.fake.defaults().text("abcdefgh").chunks(4).chunkInterval(Duration.ofMillis(100));
		List<Long> arrivals = new CopyOnWriteArrayList<>();
		long start = System.nanoTime();
		List<String> deltas = anthropic().stream(CLAUDE, LlmRequest.ofPrompt("Hi"))
			.ofType(TextDelta.class)
			.doOnNext((delta) -> arrivals.add(System.nanoTime()))
			.map(TextDelta::text)
			.collectList()
			.block(TIMEOUT);
		assertThat(deltas).containsExactly("ab", "cd", "ef", "gh");
		// three pauses go before the last delta leaves the server
		assertThat(Duration.ofNanos(arrivals.get(3) - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void wholeAnswerCarriesTheChunksJoined() {
		this.fake.defaults().text("abcdefgh").chunks(4);
		Exchange exchange = post("/v1/messages", anthropicBody("claude-fake", false));
		assertThat(json(exchange.body()).at("/content/0/text").asText()).isEqualTo("abcdefgh");
		assertThat(json(exchange.body()).at("/usage/output_tokens").asInt()).isEqualTo(4);
		assertThat(exchange.headers().get("content-length")).isEqualTo(String.valueOf(exchange.body().length()));
	}

	@Test
	void latencyDelaysTheAnswer() {
		this.fake.model("claude-fake").latency(Duration.ofMillis(300));
		long start = System.nanoTime();
		post("/v1/messages", anthropicBody("claude-fake", false));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void bodyAfterSendsTheHeadersAtOnceAndTheBodyLater() {
		this.fake.defaults().reply(FakeReply.answer().bodyAfter(Duration.ofSeconds(1)));
		AtomicLong headersAt = new AtomicLong();
		long start = System.nanoTime();
		String body = client().post()
			.uri("/v1/messages")
			.send(ByteBufFlux.fromString(Mono.just(anthropicBody("claude-fake", true))))
			.response((response, content) -> {
				headersAt.set(System.nanoTime());
				return content.aggregate().asString();
			})
			.blockLast(TIMEOUT);
		assertThat(Duration.ofNanos(headersAt.get() - start)).isLessThan(Duration.ofSeconds(1));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
		assertThat(eventNames(body)).startsWith("message_start").endsWith("message_stop");
	}

	@Test
	void anthropicErrorCarriesItsEnvelopeAndTheRetryAndRateLimitHeaders() {
		this.fake.defaults()
			.reply(FakeReply.error(429)
				.retryAfter(Duration.ofMillis(1500))
				.retryAfterMs(1500)
				.shouldRetry(true)
				.requestLimit(50, 0, Duration.ofSeconds(30)));
		Exchange exchange = post("/v1/messages", anthropicBody("claude-fake", true));
		assertThat(exchange.status()).isEqualTo(429);
		assertThat(exchange.headers().get("retry-after")).isEqualTo("2");
		assertThat(exchange.headers().get("retry-after-ms")).isEqualTo("1500");
		assertThat(exchange.headers().get("x-should-retry")).isEqualTo("true");
		assertThat(exchange.headers().get("anthropic-ratelimit-requests-limit")).isEqualTo("50");
		assertThat(exchange.headers().get("anthropic-ratelimit-requests-remaining")).isEqualTo("0");
		assertThat(exchange.headers().get("anthropic-ratelimit-requests-reset")).endsWith("Z");
		assertThat(exchange.headers().get("request-id")).isEqualTo("req_fake_1");
		JsonNode body = json(exchange.body());
		assertThat(body.path("type").asText()).isEqualTo("error");
		assertThat(body.at("/error/type").asText()).isEqualTo("rate_limit_error");
		assertThatExceptionOfType(LlmRateLimitException.class)
			.isThrownBy(() -> anthropic().call(CLAUDE, LlmRequest.ofPrompt("Hi")).block(TIMEOUT));
	}

	@Test
	void openAiErrorCarriesItsEnvelopeAndRateLimitHeaders() {
		this.fake.defaults().reply(FakeReply.error(503).tokenLimit(1000, 0, Duration.ofSeconds(6)));
		Exchange exchange = post("/chat/completions", openAiBody("gpt-fake", false));
		assertThat(exchange.status()).isEqualTo(503);
		assertThat(exchange.headers().get("x-ratelimit-remaining-tokens")).isEqualTo("0");
		assertThat(exchange.headers().get("x-ratelimit-reset-tokens")).isEqualTo("6000ms");
		assertThat(exchange.headers().get("x-request-id")).isEqualTo("req_fake_1");
		assertThat(json(exchange.body()).at("/error/type").asText()).isEqualTo("server_error");
		assertThat(json(exchange.body()).at("/error/message").asText()).isEqualTo("Service unavailable");
	}

	@Test
	void okStatusCanCarryAnErrorBody() {
		this.fake.defaults().reply(FakeReply.okWithErrorBody("overloaded_error", "Overloaded"));
		Exchange exchange = post("/v1/messages", anthropicBody("claude-fake", false));
		assertThat(exchange.status()).isEqualTo(200);
		assertThat(json(exchange.body()).at("/error/type").asText()).isEqualTo("overloaded_error");
		assertThatExceptionOfType(LlmOverloadedException.class)
			.isThrownBy(() -> anthropic().call(CLAUDE, LlmRequest.ofPrompt("Hi")).block(TIMEOUT));
	}

	@Test
	void cutOffBodyClosesTheConnectionShortOfItsContentLength() {
		this.fake.defaults().text("0123456789").reply(FakeReply.cutOffBody(0.5));
		Exchange whole = post("/v1/messages", anthropicBody("claude-fake", false));
		assertThat(whole.error()).isInstanceOf(PrematureCloseException.class);
		String expected = WireFormat.ANTHROPIC.message("claude-fake", List.of("0123456789"), 10);
		assertThat(whole.headers().get("content-length")).isEqualTo(String.valueOf(expected.length()));
		assertThat(whole.body()).isEqualTo(expected.substring(0, expected.length() / 2));
		assertThat(this.fake.requests().count("claude-fake", 200)).isOne();
	}

	@Test
	void connectionResetSendsNoResponseAtAll() {
		this.fake.defaults().reply(FakeReply.reset());
		Exchange exchange = post("/v1/messages", anthropicBody("claude-fake", false));
		assertThat(exchange.status()).isZero();
		assertThat(exchange.error()).isNotNull();
		assertThat(this.fake.requests().count("claude-fake", 0)).isOne();
		await().atMost(TIMEOUT).until(() -> this.fake.requests().inFlight() == 0);
	}

	@Test
	void cutOffStreamClosesTheConnectionAfterSomeDeltas() {
		this.fake.defaults().pieces("a", "b", "c", "d").reply(FakeReply.cutOffStream(2));
		Exchange exchange = post("/v1/messages", anthropicBody("claude-fake", true));
		assertThat(exchange.error()).isInstanceOf(PrematureCloseException.class);
		assertThat(eventNames(exchange.body())).containsExactly("message_start", "content_block_start", "ping",
				"content_block_delta", "content_block_delta");
	}

	@Test
	void unterminatedStreamEndsItsBodyWithoutTheTerminalEvent() {
		this.fake.defaults().pieces("a", "b", "c").reply(FakeReply.unterminatedStream(3));
		Exchange anthropic = post("/v1/messages", anthropicBody("claude-fake", true));
		assertThat(anthropic.error()).isNull();
		assertThat(eventNames(anthropic.body())).containsExactly("message_start", "content_block_start", "ping",
				"content_block_delta", "content_block_delta", "content_block_delta");
		Exchange openAi = post("/chat/completions", openAiBody("gpt-fake", true));
		assertThat(openAi.error()).isNull();
		assertThat(dataLines(openAi.body())).hasSize(4).doesNotContain("[DONE]");
	}

	@Test
	void streamErrorBreaksOffWithAnErrorEvent() {
		this.fake.defaults().pieces("a", "b", "c").reply(FakeReply.streamError(1, "overloaded_error", "Overloaded"));
		Exchange anthropic = post("/v1/messages", anthropicBody("claude-fake", true));
		assertThat(eventNames(anthropic.body())).containsExactly("message_start", "content_block_start", "ping",
				"content_block_delta", "error");
		assertThat(anthropic.body()).endsWith(WireFormat.ANTHROPIC.errorEvent("overloaded_error", "Overloaded"));
		Exchange openAi = post("/chat/completions", openAiBody("gpt-fake", true));
		List<String> data = dataLines(openAi.body());
		assertThat(data).hasSize(3);
		assertThat(json(data.get(2)).at("/error/type").asText()).isEqualTo("overloaded_error");
	}

	@Test
	void streamErrorOnARequestThatIsNotStreamedIsAnErrorStatus() {
		this.fake.defaults().reply(FakeReply.streamError(1, "overloaded_error", "Overloaded"));
		Exchange exchange = post("/v1/messages", anthropicBody("claude-fake", false));
		assertThat(exchange.status()).isEqualTo(529);
		assertThat(json(exchange.body()).at("/error/type").asText()).isEqualTo("overloaded_error");
	}

	@Test
	void stalledStreamSendsSomeDeltasThenNothingUntilTheClientGivesUp() {
		this.fake.defaults().pieces("a", "b", "c").reply(FakeReply.stalledStream(2));
		List<String> received = new CopyOnWriteArrayList<>();
		AtomicReference<Throwable> error = new AtomicReference<>();
		client().post()
			.uri("/v1/messages")
			.send(ByteBufFlux.fromString(Mono.just(anthropicBody("claude-fake", true))))
			.response((response, body) -> body.asString())
			.doOnNext(received::add)
			.timeout(Duration.ofMillis(500))
			.onErrorResume((ex) -> {
				error.set(ex);
				return Flux.empty();
			})
			.blockLast(TIMEOUT);
		assertThat(error.get()).isInstanceOf(TimeoutException.class);
		assertThat(eventNames(String.join("", received))).containsExactly("message_start", "content_block_start",
				"ping", "content_block_delta", "content_block_delta");
		// the client gave up and closed its connection, which ends the request
		// on the server
		await().atMost(TIMEOUT).until(() -> this.fake.requests().inFlight() == 0);
	}

	@Test
	void hangSendsNothingAndStaysInFlightUntilTheClientCloses() {
		this.fake.defaults().reply(FakeReply.hang());
		Exchange exchange = post("/v1/messages", anthropicBody("claude-fake", false), Duration.ofMillis(300));
		assertThat(exchange.status()).isZero();
		assertThat(exchange.error()).isNotNull();
		await().atMost(TIMEOUT).until(() -> this.fake.requests().inFlight() == 0);
		assertThat(this.fake.requests().maxInFlight()).isOne();
	}

	@Test
	void heldRepliesWaitUntilReleased() {
		this.fake.defaults().reply(FakeReply.answer("held").held());
		Mono<Exchange> exchange = Mono.fromCallable(() -> post("/v1/messages", anthropicBody("claude-fake", false)))
			.subscribeOn(Schedulers.boundedElastic())
			.cache();
		exchange.subscribe();
		this.fake.requests().awaitCount(1, TIMEOUT);
		assertThat(this.fake.requests().inFlight()).isOne();
		this.fake.releaseHeld();
		assertThat(json(exchange.block(TIMEOUT).body()).at("/content/0/text").asText()).isEqualTo("held");
	}

	@Test
	void rawBodyIsSentAsItIsInChunks() {
		String body = "not json at all, é and \uD83D\uDE00";
		this.fake.defaults()
			.reply(FakeReply.raw(502, "text/html", body.getBytes(StandardCharsets.UTF_8)).inChunks(List.of(3, 1)));
		Exchange exchange = post("/v1/messages", anthropicBody("claude-fake", false));
		assertThat(exchange.status()).isEqualTo(502);
		assertThat(exchange.headers().get("transfer-encoding")).isEqualTo("chunked");
		assertThat(exchange.headers().get("content-type")).isEqualTo("text/html");
		assertThat(exchange.body()).isEqualTo(body);
	}

	@Test
	void queuedRepliesAreTakenInTurnBeforeTheStandingReply() {
		this.fake.defaults().enqueue(FakeReply.error(529), FakeReply.error(500));
		this.fake.model("claude-fake").enqueue(FakeReply.error(429));
		assertThat(statuses("claude-fake", 4)).containsExactly(429, 529, 500, 200);
	}

	@Test
	void faultSharesAnswerThatShareOfAModelsRequests() {
		this.fake.model("claude-always").fault(1.0, FakeReply.error(503));
		this.fake.model("claude-never").fault(0.0, FakeReply.error(503));
		assertThat(statuses("claude-always", 5)).containsOnly(503);
		assertThat(statuses("claude-never", 5)).containsOnly(200);
		assertThat(this.fake.requests().countByModelAndStatus())
			.isEqualTo(Map.of("claude-always", Map.of(503, 5), "claude-never", Map.of(200, 5)));
	}

	@Test
	void modelScriptsFallBackToTheDefaults() {
		this.fake.defaults().text("default text").latency(Duration.ofMillis(1)).reply(FakeReply.error(500));
		this.fake.model("claude-own").text("own text").reply(FakeReply.answer());
		this.fake.model("claude-inherits").chunks(2);
		assertThat(text("claude-own")).isEqualTo("own text");
		assertThat(post("/v1/messages", anthropicBody("claude-inherits", false)).status()).isEqualTo(500);
		this.fake.model("claude-inherits").reply(FakeReply.answer());
		assertThat(eventNames(post("/v1/messages", anthropicBody("claude-inherits", true)).body()))
			.filteredOn("content_block_delta"::equals)
			.hasSize(2);
		this.fake.reset();
		assertThat(text("claude-own")).isEqualTo("Hello");
	}

	@Test
	void responderPicksRepliesAndLeavesTheRestToTheScripts() {
		this.fake.defaults().text("from the script");
		this.fake.respondWith((request) -> request.bodyText().contains("teapot") ? FakeReply.json(418, "{}") : null);
		assertThat(post("/v1/messages", anthropicBody("claude-fake", false).replace("Hi", "teapot")).status())
			.isEqualTo(418);
		assertThat(text("claude-fake")).isEqualTo("from the script");
	}

	@Test
	void requestToAnotherPathIsNotFound() {
		Exchange exchange = post("/v1/complete", anthropicBody("claude-fake", false));
		assertThat(exchange.status()).isEqualTo(404);
		assertThat(json(exchange.body()).at("/error/type").asText()).isEqualTo("not_found_error");
		assertThat(this.fake.requests().last().wireFormat()).isNull();
	}

	@Test
	void requestLogKeepsEachRequestWithItsPathModelTagHeadersAndBody() {
		post("/v1/messages", anthropicBody("claude-fake", true));
		ReceivedRequest request = this.fake.requests().last();
		assertThat(request.number()).isOne();
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.uri()).isEqualTo("/v1/messages");
		assertThat(request.wireFormat()).isEqualTo(WireFormat.ANTHROPIC);
		assertThat(request.model()).isEqualTo("claude-fake");
		assertThat(request.stream()).isTrue();
		assertThat(request.tag()).isEqualTo("tag-1");
		assertThat(request.attempt()).isOne();
		assertThat(request.headers().get("content-type")).isEqualTo("application/json");
		assertThat(request.body().at("/messages/0/content").asText()).isEqualTo("Hi");
		assertThat(request.bodyText()).isEqualTo(anthropicBody("claude-fake", true));
	}

	@Test
	void apiKeysAreRedactedFromTheLogYetCanBeChecked() {
		anthropic().call(CLAUDE, LlmRequest.ofPrompt("Hi")).block(TIMEOUT);
		openAi("").call(GPT, LlmRequest.ofPrompt("Hi")).block(TIMEOUT);
		List<ReceivedRequest> requests = this.fake.requests().all();
		assertThat(requests.get(0).headers().getAll("x-api-key")).containsExactly(ReceivedRequest.REDACTED);
		assertThat(requests.get(1).headers().getAll("authorization")).containsExactly(ReceivedRequest.REDACTED);
		assertThat(requests).allSatisfy((request) -> {
			assertThat(request.sentApiKey(API_KEY)).isTrue();
			assertThat(request.sentApiKey("sk-other")).isFalse();
			assertThat(request.headers().toString()).doesNotContain(API_KEY.substring(13, 29));
			assertThat(request.toString()).doesNotContain(API_KEY.substring(13, 29));
		});
		assertThat(this.fake.requests().toString()).doesNotContain(API_KEY.substring(13, 29));
	}

	@Test
	void tagsAndAttemptsNumberTheRequestsOfOneLogicalRequest() {
		post("/v1/messages", anthropicBody("claude-a", false));
		post("/v1/messages", anthropicBody("claude-a", false));
		post("/v1/messages", anthropicBody("claude-b", false));
		assertThat(this.fake.requests().all()).extracting(ReceivedRequest::attempt).containsExactly(1, 2, 1);
		assertThat(this.fake.requests().countByTag()).isEqualTo(Map.of("tag-1", 3));
		assertThat(this.fake.requests().countByModel()).isEqualTo(Map.of("claude-a", 2, "claude-b", 1));
	}

	@Test
	void requestIsCountedOutOfFlightBeforeTheEndOfItsAnswerIsSent() {
		// one connection, each request sent when the one before has been answered
		for (int i = 0; i < 20; i++) {
			post("/v1/messages", anthropicBody("claude-fake", i % 2 == 0));
		}
		assertThat(this.fake.requests().maxInFlight()).isOne();
		assertThat(this.fake.requests().inFlight()).isZero();
	}

	@Test
	void requestsInFlightAtOnceAreCounted() {
		this.fake.defaults().latency(Duration.ofMillis(200));
		Flux.range(0, 5)
			.flatMap((i) -> Mono.fromCallable(() -> post("/v1/messages", anthropicBody("claude-fake", false)))
				.subscribeOn(Schedulers.boundedElastic()))
			.blockLast(TIMEOUT);
		assertThat(this.fake.requests().maxInFlight()).isEqualTo(5);
		assertThat(this.fake.requests().inFlight()).isZero();
		assertThat(this.fake.requests().openConnections()).isEqualTo(5);
		this.connections.disposeLater().block(TIMEOUT);
		await().atMost(TIMEOUT).until(() -> this.fake.requests().openConnections() == 0);
	}

	@Test
	void awaitCountWaitsForRequestsAndFailsWhenTooFewCome() {
		this.fake.defaults().latency(Duration.ofMillis(100));
		Mono.fromCallable(() -> post("/v1/messages", anthropicBody("claude-fake", false)))
			.subscribeOn(Schedulers.boundedElastic())
			.subscribe();
		assertThat(this.fake.requests().awaitCount(1, TIMEOUT)).hasSize(1);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.fake.requests().awaitCount(2, Duration.ofMillis(200)))
			.withMessage("Expected 2 requests within PT0.2S, received 1");
	}

	@Test
	void logKeepsTheLastRequestsButCountsThemAllUntilCleared() {
		this.fake.requests().keepLast(2);
		for (int i = 0; i < 3; i++) {
			post("/v1/messages", anthropicBody("claude-fake", false));
		}
		assertThat(this.fake.requests().all()).extracting(ReceivedRequest::number).containsExactly(2L, 3L);
		assertThat(this.fake.requests().count()).isEqualTo(3);
		assertThat(this.fake.requests().count("claude-fake")).isEqualTo(3);
		assertThat(this.fake.requests().mostArrivalsWithin(Duration.ofMinutes(1))).isEqualTo(2);
		this.fake.requests().clear();
		assertThat(this.fake.requests().all()).isEmpty();
		assertThat(this.fake.requests().count()).isZero();
		assertThat(this.fake.requests().countByModel()).isEmpty();
		assertThat(this.fake.requests().maxInFlight()).isZero();
	}

	@Test
	void statsGiveTheCountsAndResetClearsThem() {
		this.fake.model("claude-fake").enqueue(FakeReply.error(529));
		statuses("claude-fake", 2);
		JsonNode stats = json(get("/stats"));
		assertThat(stats.at("/calls/claude-fake/529").asInt()).isOne();
		assertThat(stats.at("/calls/claude-fake/200").asInt()).isOne();
		assertThat(stats.path("inFlight").asInt()).isZero();
		assertThat(stats.path("maxInFlight").asInt()).isOne();
		assertThat(post("/stats/reset", "").status()).isEqualTo(204);
		assertThat(json(get("/stats")).path("calls").isEmpty()).isTrue();
		assertThat(this.fake.requests().count()).isZero();
	}

	@Test
	void argumentsScriptTheDefaultsAndTheFaultsOfAModel() {
		FakeProviderArguments.apply(new String[] { "--latency-ms=1", "--chunks=3", "--chunk-interval-ms=2",
				"--text=abcdef", "--input-tokens=4", "--fault=claude-faulty:1.0:529" }, this.fake.defaults(),
				this.fake::model);
		assertThat(this.fake.defaults().latency()).isEqualTo(Duration.ofMillis(1));
		assertThat(this.fake.defaults().chunkInterval()).isEqualTo(Duration.ofMillis(2));
		assertThat(this.fake.defaults().inputTokens()).isEqualTo(4);
		assertThat(this.fake.defaults().piecesFor(null)).containsExactly("ab", "cd", "ef");
		assertThat(statuses("claude-faulty", 2)).containsOnly(529);
		assertThat(statuses("claude-fine", 1)).containsOnly(200);
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> FakeProviderArguments
			.apply(new String[] { "--colour=blue" }, this.fake.defaults(), this.fake::model));
	}

	private LlmProvider provider(WireFormat format) {
		return (format == WireFormat.ANTHROPIC) ? anthropic() : openAi("");
	}

	private static LlmModel modelOf(WireFormat format) {
		return (format == WireFormat.ANTHROPIC) ? CLAUDE : GPT;
	}

	/**
	 * Text, then a call of {@code get_weather} and one of {@code get_time}: seven deltas.
	 */
	private static FakeReply twoToolCalls() {
		return FakeReply.answer("Let me look.")
			.andToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")
			.andToolCall("call_2", "get_time", "{\"zone\":\"CET\"}");
	}

	private static LlmRequest toolRequest() {
		JsonNode schema = json("{\"type\":\"object\",\"properties\":{}}");
		return LlmRequest.builder()
			.user("Weather and time in Paris?")
			.tool(new LlmTool("get_weather", "The weather in a city", schema))
			.tool(new LlmTool("get_time", null, schema))
			.build();
	}

	private List<Integer> statuses(String model, int count) {
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			statuses.add(post("/v1/messages", anthropicBody(model, false)).status());
		}
		return statuses;
	}

	private String text(String model) {
		return json(post("/v1/messages", anthropicBody(model, false)).body()).at("/content/0/text").asText();
	}

	private Exchange post(String path, String body) {
		return post(path, body, TIMEOUT);
	}

	/**
	 * Post a body and take whatever comes back, the body read up to an error if one ends
	 * it.
	 */
	private Exchange post(String path, String body, Duration responseTimeout) {
		AtomicReference<Integer> status = new AtomicReference<>(0);
		AtomicReference<HttpHeaders> headers = new AtomicReference<>();
		AtomicReference<Throwable> error = new AtomicReference<>();
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		client().responseTimeout(responseTimeout)
			.post()
			.uri(path)
			.send(ByteBufFlux.fromString(Mono.just(body)))
			.response((response, content) -> {
				status.set(response.status().code());
				headers.set(response.responseHeaders());
				return content.asByteArray();
			})
			.doOnNext(received::writeBytes)
			.onErrorResume((ex) -> {
				error.set(ex);
				return Flux.empty();
			})
			.blockLast(TIMEOUT);
		return new Exchange(status.get(), headers.get(), received.toString(StandardCharsets.UTF_8), error.get());
	}

	private String get(String path) {
		return client().get().uri(path).responseContent().aggregate().asString().block(TIMEOUT);
	}

	private HttpClient client() {
		return HttpClient.create(this.connections)
			.baseUrl(this.fake.baseUrl())
			.headers((headers) -> headers.set("content-type", "application/json").set("x-api-key", API_KEY));
	}

	private AnthropicProvider anthropic() {
		ProviderSettings settings = settings(this.fake.baseUrl());
		return new AnthropicProvider(settings, "2023-06-01", webClient(settings), MAPPER, Clock.systemUTC());
	}

	private LlmProvider openAi(String basePath) {
		ProviderSettings settings = settings(this.fake.baseUrl() + basePath);
		return new OpenAiProvider(settings, webClient(settings), MAPPER, Clock.systemUTC());
	}

	private static ProviderSettings settings(String baseUrl) {
		return new ProviderSettings("fake", URI.create(baseUrl), API_KEY, Map.of(), Duration.ofSeconds(2),
				Duration.ofSeconds(2), Duration.ofSeconds(1));
	}

	private static WebClient.Builder webClient(ProviderSettings settings) {
		return WebClient.builder().clientConnector(ProviderConnectors.connector(settings, null));
	}

	private static String anthropicBody(String model, boolean stream) {
		return "{\"model\":\"" + model + "\",\"max_tokens\":16,\"stream\":" + stream
				+ ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"metadata\":{\"user_id\":\"tag-1\"}}";
	}

	private static String openAiBody(String model, boolean stream) {
		return "{\"model\":\"" + model + "\",\"stream\":" + stream
				+ ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
	}

	private static List<String> eventNames(String events) {
		return events.lines().filter((line) -> line.startsWith("event: ")).map((line) -> line.substring(7)).toList();
	}

	private static List<String> dataLines(String events) {
		return events.lines().filter((line) -> line.startsWith("data: ")).map((line) -> line.substring(6)).toList();
	}

	private static JsonNode json(String text) {
		try {
			return MAPPER.readTree(text);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * What came back for one request.
	 *
	 * @param status the status, {@code 0} if none came
	 * @param headers the headers, {@code null} if none came
	 * @param body the body as far as it came
	 * @param error what ended the exchange early, or {@code null}
	 */
	private record Exchange(int status, HttpHeaders headers, String body, Throwable error) {

	}

}
