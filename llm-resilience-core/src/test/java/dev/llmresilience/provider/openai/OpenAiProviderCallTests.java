package dev.llmresilience.provider.openai;

import java.time.Duration;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.StopReason;
import dev.llmresilience.error.LlmConnectionException;
import dev.llmresilience.error.LlmInvalidResponseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.MODEL;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.NOW;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests for non-streaming calls of {@link OpenAiProvider}.
 */
class OpenAiProviderCallTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@RegisterExtension
	static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

	@Test
	void successfulCallIsMappedToResponse() {
		answer(json("""
				{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini-2024-07-18",
				 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],
				 "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}
				""").withHeader("x-request-id", "req_123")
			.withHeader("x-ratelimit-limit-requests", "500")
			.withHeader("x-ratelimit-remaining-requests", "499")
			.withHeader("x-ratelimit-reset-requests", "12ms")
			.withHeader("x-ratelimit-limit-tokens", "30000")
			.withHeader("x-ratelimit-remaining-tokens", "29000")
			.withHeader("x-ratelimit-reset-tokens", "6m0s"));
		LlmResponse response = call();
		assertThat(response.text()).isEqualTo("Hello!");
		assertThat(response.model()).isEqualTo("mini");
		assertThat(response.modelName()).isEqualTo("gpt-4o-mini-2024-07-18");
		assertThat(response.provider()).isEqualTo("openai");
		assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
		assertThat(response.rawStopReason()).isEqualTo("stop");
		assertThat(response.usage()).isEqualTo(new LlmUsage(12, 3));
		assertThat(response.requestId()).isEqualTo("req_123");
		assertThat(response.rateLimits())
			.isEqualTo(new RateLimitStatus(500L, 499L, NOW.plusMillis(12), 30000L, 29000L, NOW.plusSeconds(360)));
		assertThat(response.fallback()).isFalse();
		assertThat(response.attempts()).isEmpty();
		assertThat(response.raw().path("id").asText()).isEqualTo("chatcmpl-1");
	}

	@Test
	void cachedPromptTokensAreReportedAsPartOfThePromptTokens() {
		answer(json("""
				{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini-2024-07-18",
				 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],
				 "usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,
				  "prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},
				  "completion_tokens_details":{"reasoning_tokens":0}}}
				"""));
		LlmUsage usage = call().usage();
		assertThat(usage).isEqualTo(new LlmUsage(2006, 300, 0, 1920));
		assertThat(usage.totalTokens()).isEqualTo(2306);
	}

	@Test
	void cachedPromptTokensCountAgainstRateLimits() {
		assertThat(OpenAiProviderFixtures.create(wm.baseUrl()).rateLimitedTokens(new LlmUsage(2006, 300, 0, 1920)))
			.isEqualTo(2306);
	}

	@Test
	void rateLimitValuesOfMinusOneAreIgnored() {
		answer(json("{\"choices\":[{\"message\":{\"content\":\"ok\"}}]}").withHeader("x-ratelimit-limit-requests", "-1")
			.withHeader("x-ratelimit-remaining-requests", "-1")
			.withHeader("x-ratelimit-reset-requests", "-1")
			.withHeader("x-ratelimit-remaining-tokens", "100")
			.withHeader("x-ratelimit-reset-tokens", "1h2m3.5s"));
		assertThat(call().rateLimits())
			.isEqualTo(new RateLimitStatus(null, null, null, null, 100L, NOW.plus(Duration.parse("PT1H2M3.5S"))));
	}

	@ParameterizedTest
	@CsvSource({ "stop, END_TURN", "length, MAX_TOKENS", "tool_calls, TOOL_USE", "function_call, TOOL_USE",
			"content_filter, CONTENT_FILTER", "eos, OTHER" })
	void finishReasonIsMappedAndKept(String finishReason, StopReason expected) {
		answer(json("{\"choices\":[{\"message\":{\"content\":\"ok\"},\"finish_reason\":\"" + finishReason + "\"}]}"));
		LlmResponse response = call();
		assertThat(response.stopReason()).isEqualTo(expected);
		assertThat(response.rawStopReason()).isEqualTo(finishReason);
	}

	@Test
	void missingOptionalFieldsFallBackToDefaults() {
		answer(json(
				"{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":null}]}"));
		LlmResponse response = call();
		assertThat(response.text()).isEqualTo("ok");
		assertThat(response.modelName()).isEqualTo("gpt-4o-mini");
		assertThat(response.usage()).isEqualTo(LlmUsage.NONE);
		assertThat(response.stopReason()).isEqualTo(StopReason.OTHER);
		assertThat(response.rawStopReason()).isNull();
		assertThat(response.requestId()).isNull();
		assertThat(response.rateLimits()).isEqualTo(RateLimitStatus.NONE);
	}

	@Test
	void toolCallsWithNullContentGiveEmptyText() {
		answer(json("""
				{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1",
				 "type":"function","function":{"name":"weather","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}
				"""));
		LlmResponse response = call();
		assertThat(response.text()).isEmpty();
		assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
		assertThat(response.raw().at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("weather");
	}

	@Test
	void contentSentAsPartsIsJoined() {
		answer(json("""
				{"choices":[{"message":{"content":[{"type":"text","text":"Hel"},{"type":"image_url"},
				 {"type":"text","text":"lo"}]}}]}
				"""));
		assertThat(call().text()).isEqualTo("Hello");
	}

	@Test
	void fieldsOfUnexpectedTypesDoNotFailTheCall() {
		answer(json(
				"{\"model\":7,\"usage\":\"many\",\"choices\":[{\"message\":{\"content\":5},\"finish_reason\":1}]}"));
		LlmResponse response = call();
		assertThat(response.text()).isEmpty();
		assertThat(response.modelName()).isEqualTo("gpt-4o-mini");
		assertThat(response.usage()).isEqualTo(LlmUsage.NONE);
		assertThat(response.stopReason()).isEqualTo(StopReason.OTHER);
	}

	@ParameterizedTest
	@ValueSource(strings = { "not json", "{\"choices\":", "{}", "[]", "42", "\"text\"", "null", "{\"choices\":[]}",
			"{\"choices\":{}}", "{\"choices\":\"x\"}", "{\"choices\":[null]}", "{\"choices\":[42]}",
			"{\"choices\":[{}]}", "{\"choices\":[{\"message\":\"hi\"}]}", "{\"choices\":null}" })
	void malformedBodyFailsWithInvalidResponse(String body) {
		answer(json(body));
		assertThat(callError()).isInstanceOf(LlmInvalidResponseException.class)
			.hasMessageStartingWith("Invalid response from provider 'openai' for model 'mini'");
	}

	@Test
	void emptyBodyFailsWithInvalidResponse() {
		answer(aResponse().withStatus(200));
		assertThat(callError()).isInstanceOf(LlmInvalidResponseException.class).hasMessageContaining("empty");
	}

	@Test
	void emptyChoicesFailWithInvalidResponse() {
		answer(json("{\"id\":\"chatcmpl-1\",\"choices\":[]}"));
		assertThat(callError()).isInstanceOf(LlmInvalidResponseException.class).hasMessageContaining("no choices");
	}

	@ParameterizedTest
	@EnumSource(value = Fault.class, names = { "MALFORMED_RESPONSE_CHUNK", "RANDOM_DATA_THEN_CLOSE",
			"CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE" })
	void cutOffResponseFailsWithTypedException(Fault fault) {
		answer(aResponse().withFault(fault));
		assertThat(callError()).isInstanceOfAny(LlmConnectionException.class, LlmInvalidResponseException.class);
	}

	@Test
	void bodyShorterThanItsContentLengthFailsWithTypedException() {
		answer(json("{\"choices\":[{\"message\":{\"content\":\"ok\"}}]}").withHeader("Content-Length", "500"));
		assertThat(callError()).isInstanceOfAny(LlmConnectionException.class, LlmInvalidResponseException.class);
	}

	private static ResponseDefinitionBuilder json(String body) {
		return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
	}

	private static void answer(ResponseDefinitionBuilder response) {
		wm.stubFor(post(PATH).willReturn(response));
	}

	private LlmResponse call() {
		return OpenAiProviderFixtures.create(wm.baseUrl()).call(MODEL, LlmRequest.ofPrompt("Hi")).block(TIMEOUT);
	}

	private Throwable callError() {
		return catchThrowable(this::call);
	}

}
