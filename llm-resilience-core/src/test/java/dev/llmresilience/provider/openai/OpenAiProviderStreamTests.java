package dev.llmresilience.provider.openai;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmStreamEvent.TextDelta;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.StopReason;
import dev.llmresilience.error.LlmConnectionException;
import dev.llmresilience.error.LlmInvalidResponseException;
import dev.llmresilience.error.LlmQuotaExceededException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.error.LlmServerException;
import dev.llmresilience.error.LlmTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.API_KEY;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.MODEL;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.NOW;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.PATH;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for streaming calls of {@link OpenAiProvider}.
 */
class OpenAiProviderStreamTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final String ROLE = chunk("{\"role\":\"assistant\",\"content\":\"\"}", null);

	private static final String HEL = chunk("{\"content\":\"Hel\"}", null);

	private static final String LO = chunk("{\"content\":\"lo\"}", null);

	private static final String FINISH = chunk("{}", "stop");

	private static final String USAGE = "{\"id\":\"c1\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],"
			+ "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}";

	private static final String DONE = "[DONE]";

	@RegisterExtension
	static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

	@Test
	void streamEmitsDeltasThenOneCompletion() {
		answer(events(ROLE, HEL, LO, FINISH, USAGE, DONE).withHeader("x-request-id", "req_s1")
			.withHeader("x-ratelimit-remaining-tokens", "900")
			.withHeader("x-ratelimit-reset-tokens", "6m0s"));
		StepVerifier.create(stream()).expectNext(new TextDelta("Hel"), new TextDelta("lo")).assertNext((event) -> {
			LlmResponse response = completion(event);
			assertThat(response.text()).isEqualTo("Hello");
			assertThat(response.model()).isEqualTo("mini");
			assertThat(response.modelName()).isEqualTo("gpt-4o-mini-2024-07-18");
			assertThat(response.provider()).isEqualTo("openai");
			assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
			assertThat(response.rawStopReason()).isEqualTo("stop");
			assertThat(response.usage()).isEqualTo(new LlmUsage(9, 2));
			assertThat(response.requestId()).isEqualTo("req_s1");
			assertThat(response.rateLimits())
				.isEqualTo(new RateLimitStatus(null, null, null, null, 900L, NOW.plusSeconds(360)));
			assertThat(response.fallback()).isFalse();
			assertThat(response.attempts()).isEmpty();
			assertThat(response.raw()).isEqualTo(json("""
					{"id":"c1","object":"chat.completion","model":"gpt-4o-mini-2024-07-18",\
					"choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],\
					"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}"""));
		}).expectComplete().verify(TIMEOUT);
	}

	@Test
	void streamWithoutUsageChunkCompletesWithNoUsage() {
		answer(events(HEL, FINISH, DONE));
		assertThat(completionOf(stream()).usage()).isEqualTo(LlmUsage.NONE);
	}

	@Test
	void lastUsageSeenWinsWithoutSumming() {
		String early = "{\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1}}";
		answer(events(HEL, early, FINISH, USAGE, DONE));
		assertThat(completionOf(stream()).usage()).isEqualTo(new LlmUsage(9, 2));
	}

	@Test
	void cachedPromptTokensOfTheUsageChunkAreReported() {
		String usage = "{\"id\":\"c1\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],"
				+ "\"usage\":{\"prompt_tokens\":2006,\"completion_tokens\":2,\"total_tokens\":2008,"
				+ "\"prompt_tokens_details\":{\"cached_tokens\":1920}}}";
		answer(events(HEL, FINISH, usage, DONE));
		assertThat(completionOf(stream()).usage()).isEqualTo(new LlmUsage(2006, 2, 0, 1920));
	}

	@Test
	void lengthFinishReasonIsMapped() {
		answer(events(HEL, chunk("{}", "length"), DONE));
		LlmResponse response = completionOf(stream());
		assertThat(response.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
		assertThat(response.rawStopReason()).isEqualTo("length");
	}

	@Test
	void toolCallDeltasGiveToolCallEventsAndNoText() {
		String toolCall = chunk(
				"{\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
						+ "\"function\":{\"name\":\"weather\",\"arguments\":\"{}\"}}]}",
				null);
		answer(events(toolCall, chunk("{}", "tool_calls"), DONE));
		StepVerifier.create(stream())
			.expectNext(new LlmStreamEvent.ToolCallStart("call_1", "weather"),
					new LlmStreamEvent.ToolInputDelta("call_1", "{}"))
			.assertNext(
					(event) -> assertThat(((LlmStreamEvent.ToolCallEnd) event).call().input()).isEqualTo(json("{}")))
			.assertNext((event) -> {
				assertThat(completion(event).text()).isEmpty();
				assertThat(completion(event).toolCalls()).extracting(LlmContent.ToolCall::name)
					.containsExactly("weather");
				assertThat(completion(event).stopReason()).isEqualTo(StopReason.TOOL_USE);
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void toolCallPiecesAreJoinedIntoTheRawMessage() {
		String first = chunk("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
				+ "\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"\"}}]}", null);
		String second = chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\": \\\"Pa\"}}]}",
				null);
		String third = chunk("{\"tool_calls\":[{\"index\":1,\"id\":\"call_2\",\"type\":\"function\","
				+ "\"function\":{\"name\":\"time\",\"arguments\":\"{}\"}},"
				+ "{\"index\":0,\"function\":{\"arguments\":\"ris\\\"}\"}}]}", null);
		answer(events(first, second, third, chunk("{}", "tool_calls"), USAGE, DONE));
		LlmResponse response = completionOf(stream());
		assertThat(response.text()).isEmpty();
		assertThat(response.raw()).isEqualTo(json("""
				{"id":"c1","object":"chat.completion","model":"gpt-4o-mini-2024-07-18",
				"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
				{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\": \\"Paris\\"}"}},
				{"id":"call_2","type":"function","function":{"name":"time","arguments":"{}"}}]},
				"finish_reason":"tool_calls"}],
				"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}"""));
		// as unstreamed, the arguments stay a string of JSON for the application to read
		assertThat(response.raw().at("/choices/0/message/tool_calls/0/function/arguments").textValue())
			.isEqualTo("{\"city\": \"Paris\"}");
	}

	@Test
	void textAndToolCallsOfOneAnswerAreBothInTheRawMessage() {
		String toolCall = chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
				+ "\"function\":{\"name\":\"weather\",\"arguments\":\"{}\"}}]}", null);
		answer(events(ROLE, HEL, LO, toolCall, chunk("{}", "tool_calls"), DONE));
		JsonNode raw = completionOf(stream()).raw();
		assertThat(raw.at("/choices/0/message/content").textValue()).isEqualTo("Hello");
		assertThat(raw.at("/choices/0/message/tool_calls/0/function/name").textValue()).isEqualTo("weather");
		// no usage chunk came, so there is no usage to show
		assertThat(raw.has("usage")).isFalse();
	}

	@Test
	void chunksOfOtherChoicesAreIgnored() {
		String other = "{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"Bye\"},\"finish_reason\":\"length\"}]}";
		answer(events(HEL, other, LO, FINISH, DONE));
		StepVerifier.create(stream()).expectNext(new TextDelta("Hel"), new TextDelta("lo")).assertNext((event) -> {
			assertThat(completion(event).text()).isEqualTo("Hello");
			assertThat(completion(event).stopReason()).isEqualTo(StopReason.END_TURN);
			assertThat(completion(event).raw().path("choices")).hasSize(1);
			assertThat(completion(event).raw().at("/choices/0/message/content").textValue()).isEqualTo("Hello");
		}).expectComplete().verify(TIMEOUT);
	}

	@Test
	void eventsSplitAcrossNetworkReadsAreReassembled() {
		answer(events(ROLE, HEL, LO, FINISH, USAGE, DONE).withChunkedDribbleDelay(40, 400));
		StepVerifier.create(stream())
			.expectNext(new TextDelta("Hel"), new TextDelta("lo"))
			.assertNext((event) -> assertThat(completion(event).usage()).isEqualTo(new LlmUsage(9, 2)))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void dataSpreadOverSeveralLinesIsJoined() {
		String body = "data: {\"choices\":[{\"index\":0,\n" + "data: \"delta\":{\"content\":\"Hi\"}}]}\n\n" + "data: "
				+ FINISH + "\n\ndata: [DONE]\n\n";
		answer(sse(body));
		StepVerifier.create(stream())
			.expectNext(new TextDelta("Hi"))
			.assertNext((event) -> assertThat(completion(event).text()).isEqualTo("Hi"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void crLfLineEndingsAreRead() {
		answer(sse(("data: " + HEL + "\n\ndata: " + FINISH + "\n\ndata: " + DONE + "\n\n").replace("\n", "\r\n")));
		StepVerifier.create(stream())
			.expectNext(new TextDelta("Hel"))
			.assertNext((event) -> assertThat(completion(event).text()).isEqualTo("Hel"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void commentsAndEventsWithoutDataAreIgnored() {
		String body = ": keep-alive\n\n" + "data: " + HEL + "\n\n" + ": OPENROUTER PROCESSING\n\n" + "event: ping\n\n"
				+ "data: " + LO + "\n\n" + "data:\n\n" + "data: " + FINISH + "\n\n" + "data: " + DONE + "\n\n";
		answer(sse(body));
		StepVerifier.create(stream())
			.expectNext(new TextDelta("Hel"), new TextDelta("lo"))
			.assertNext((event) -> assertThat(completion(event).text()).isEqualTo("Hello"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void nothingAfterDoneIsRead() {
		answer(sse("data: " + HEL + "\n\ndata: " + FINISH + "\n\ndata: " + DONE + "\n\ndata: not json\n\n"));
		assertThat(completionOf(stream()).text()).isEqualTo("Hel");
	}

	@Test
	void errorEventAfterDeltasFailsWithTypedException() {
		String error = "{\"error\":{\"message\":\"The server had an error while processing your request.\","
				+ "\"type\":\"server_error\",\"param\":null,\"code\":null}}";
		answer(events(HEL, error, LO, DONE).withHeader("x-request-id", "req_s2"));
		StepVerifier.create(stream()).expectNext(new TextDelta("Hel")).expectErrorSatisfies((ex) -> {
			assertThat(ex).isInstanceOf(LlmServerException.class).hasMessageContaining("The server had an error");
			LlmServerException serverError = (LlmServerException) ex;
			assertThat(serverError.getStatusCode()).isEqualTo(200);
			assertThat(serverError.getErrorType()).isEqualTo("server_error");
			assertThat(serverError.getRequestId()).isEqualTo("req_s2");
		}).verify(TIMEOUT);
	}

	@Test
	void errorEventEchoingTheApiKeyDoesNotLeakIt() {
		String error = "{\"error\":{\"message\":\"key " + API_KEY + " was revoked\"," + "\"type\":\"server_error\"}}";
		answer(events(error));
		StepVerifier.create(stream())
			.expectErrorSatisfies((ex) -> assertThat(ex.toString()).doesNotContain(API_KEY).contains("[redacted]"))
			.verify(TIMEOUT);
	}

	@Test
	void streamWithoutDoneFailsWithInvalidResponse() {
		answer(events(HEL, LO, FINISH, USAGE));
		StepVerifier.create(stream())
			.expectNext(new TextDelta("Hel"), new TextDelta("lo"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(LlmInvalidResponseException.class)
				.hasMessageContaining("[DONE]"))
			.verify(TIMEOUT);
	}

	@Test
	void emptyStreamFailsWithInvalidResponse() {
		answer(sse(""));
		StepVerifier.create(stream()).expectError(LlmInvalidResponseException.class).verify(TIMEOUT);
	}

	@Test
	void chunkThatIsNotJsonFailsWithInvalidResponse() {
		answer(events(HEL, "{\"choices\":[{\"delta\":", DONE));
		StepVerifier.create(stream())
			.expectNext(new TextDelta("Hel"))
			.expectError(LlmInvalidResponseException.class)
			.verify(TIMEOUT);
	}

	@Test
	void chunksOfUnexpectedShapesDoNotFailTheStream() {
		answer(events("42", "[]", "{\"choices\":null}", "{\"choices\":{}}", "{\"choices\":[null]}",
				"{\"choices\":[{\"delta\":\"x\"}]}", "{\"choices\":[{\"delta\":{\"content\":7}}],\"usage\":\"x\"}", HEL,
				FINISH, DONE));
		StepVerifier.create(stream()).expectNext(new TextDelta("Hel")).assertNext((event) -> {
			assertThat(completion(event).text()).isEqualTo("Hel");
			assertThat(completion(event).usage()).isEqualTo(LlmUsage.NONE);
		}).expectComplete().verify(TIMEOUT);
	}

	@Test
	void jsonErrorInsteadOfAStreamFailsWithTypedException() {
		answer(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":{\"message\":\"You exceeded your current quota.\",\"type\":\"insufficient_quota\","
					+ "\"code\":\"insufficient_quota\"}}"));
		StepVerifier.create(stream()).expectError(LlmQuotaExceededException.class).verify(TIMEOUT);
	}

	@Test
	void errorStatusFailsWithTypedException() {
		answer(aResponse().withStatus(429)
			.withHeader("Content-Type", "application/json")
			.withHeader("retry-after", "3")
			.withBody(
					"{\"error\":{\"message\":\"Slow down\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}"));
		StepVerifier.create(stream())
			.expectErrorSatisfies(
					(ex) -> assertThat(((LlmRateLimitException) ex).getRetryAfter()).isEqualTo(Duration.ofSeconds(3)))
			.verify(TIMEOUT);
	}

	@Test
	void streamIdleLongerThanTheIdleTimeoutFailsWithTimeoutAfterTheDeltas() {
		// WireMock sends the headers with the first of two equal halves, each half one
		// whole event,
		// and waits 1.5 s before each half: the gap after the first event outlasts the
		// 300 ms limit,
		// also on a busy machine that delivers the first half late
		String bye = chunk("{\"content\":\"Bye\"}", null);
		assertThat(bye).hasSameSizeAs(HEL);
		answer(events(HEL, bye).withChunkedDribbleDelay(2, 3000));
		StepVerifier.create(streamWithIdleTimeout(wm.baseUrl()))
			.expectNext(new TextDelta("Hel"))
			.expectErrorSatisfies(OpenAiProviderStreamTests::assertIdleTimeout)
			.verify(TIMEOUT);
	}

	private static Flux<LlmStreamEvent> streamWithIdleTimeout(String serverUrl) {
		OpenAiProvider provider = OpenAiProviderFixtures
			.create(OpenAiProviderFixtures.settings(serverUrl + "/v1", null, Duration.ofMillis(300)));
		return provider.stream(MODEL, LlmRequest.ofPrompt("Hi"));
	}

	private static void assertIdleTimeout(Throwable ex) {
		assertThat(ex).isInstanceOf(LlmTimeoutException.class);
		assertThat(((LlmTimeoutException) ex).getPhase()).isEqualTo(LlmTimeoutException.Phase.STREAM_IDLE);
		assertThat(((LlmTimeoutException) ex).getLimit()).isEqualTo(Duration.ofMillis(300));
	}

	@ParameterizedTest
	@EnumSource(value = Fault.class, names = { "MALFORMED_RESPONSE_CHUNK", "RANDOM_DATA_THEN_CLOSE",
			"CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE" })
	void cutOffStreamFailsWithTypedException(Fault fault) {
		answer(aResponse().withFault(fault));
		StepVerifier.create(stream())
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfAny(LlmConnectionException.class,
					LlmInvalidResponseException.class))
			.verify(TIMEOUT);
	}

	@Test
	void eachSubscriptionMakesItsOwnCallWithItsOwnState() {
		answer(events(HEL, LO, FINISH, DONE));
		Flux<LlmStreamEvent> stream = stream();
		assertThat(completionOf(stream).text()).isEqualTo("Hello");
		assertThat(completionOf(stream).text()).isEqualTo("Hello");
		wm.verify(2, postRequestedFor(urlEqualTo(PATH)));
	}

	private static JsonNode json(String text) {
		try {
			return new ObjectMapper().readTree(text);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	private static String chunk(String delta, String finishReason) {
		String reason = (finishReason != null) ? "\"" + finishReason + "\"" : "null";
		return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini-2024-07-18\","
				+ "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + reason + "}]}";
	}

	private static ResponseDefinitionBuilder events(String... data) {
		return sse(Arrays.stream(data).map((item) -> "data: " + item + "\n\n").collect(Collectors.joining()));
	}

	private static ResponseDefinitionBuilder sse(String body) {
		return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body);
	}

	private static void answer(ResponseDefinitionBuilder response) {
		wm.stubFor(post(PATH).willReturn(response));
	}

	private static Flux<LlmStreamEvent> stream() {
		return OpenAiProviderFixtures.create(wm.baseUrl()).stream(MODEL, LlmRequest.ofPrompt("Hi"));
	}

	private static LlmResponse completion(LlmStreamEvent event) {
		assertThat(event).isInstanceOf(LlmStreamEvent.Completion.class);
		return ((LlmStreamEvent.Completion) event).response();
	}

	private static LlmResponse completionOf(Flux<LlmStreamEvent> stream) {
		LlmStreamEvent last = stream.last().block(TIMEOUT);
		return completion(last);
	}

}
