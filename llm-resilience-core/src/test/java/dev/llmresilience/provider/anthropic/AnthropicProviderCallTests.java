package dev.llmresilience.provider.anthropic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.StopReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for successful non-streaming calls of {@link AnthropicProvider}.
 */
class AnthropicProviderCallTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@RegisterExtension
	static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

	private final AnthropicProvider provider = AnthropicProviderFixtures.create(wm.baseUrl());

	@Test
	void textIsJoinedFromTextBlocksOnly() {
		stub(message("""
				[{"type":"thinking","thinking":"Let me see.","signature":"sig"},
				{"type":"text","text":"Let me check "},
				{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}},
				{"type":"text","text":"the weather."}]""", "\"tool_use\""));
		LlmResponse response = call();
		assertThat(response.text()).isEqualTo("Let me check the weather.");
		assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
		assertThat(response.raw().path("content").get(2).path("input").path("city").asText()).isEqualTo("Paris");
		assertThat(response.raw().path("id").asText()).isEqualTo("msg_01");
	}

	@Test
	void responseCarriesModelIdsProviderAndUsage() {
		stub(message("[{\"type\":\"text\",\"text\":\"Hello!\"}]", "\"end_turn\""));
		LlmResponse response = call();
		assertThat(response.text()).isEqualTo("Hello!");
		assertThat(response.model()).isEqualTo("haiku");
		assertThat(response.modelName()).isEqualTo("claude-haiku-4-5-20251001");
		assertThat(response.provider()).isEqualTo("anthropic");
		assertThat(response.usage()).isEqualTo(new LlmUsage(12, 34));
		assertThat(response.fallback()).isFalse();
		assertThat(response.attempts()).isEmpty();
	}

	@Test
	void promptCacheTokensAreAddedToTheInputTokensAndReportedApart() {
		// input_tokens are only the tokens after the last cache breakpoint
		stub(aResponse().withHeader("Content-Type", "application/json").withBody("""
				{"id":"msg_01","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001",
				"content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","stop_sequence":null,
				"usage":{"input_tokens":21,"cache_creation_input_tokens":1800,"cache_read_input_tokens":1500,
				"cache_creation":{"ephemeral_5m_input_tokens":1800,"ephemeral_1h_input_tokens":0},
				"output_tokens":393}}"""));
		LlmUsage usage = call().usage();
		assertThat(usage).isEqualTo(new LlmUsage(21 + 1800 + 1500, 393, 1800, 1500));
		assertThat(usage.totalTokens()).isEqualTo(21 + 1800 + 1500 + 393);
	}

	@Test
	void brokenTokenCountsAreNeitherNegativeNorWrappedAround() {
		stub(aResponse().withHeader("Content-Type", "application/json").withBody("""
				{"id":"msg_01","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001",
				"content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn",
				"usage":{"input_tokens":-21,"cache_creation_input_tokens":9223372036854775807,
				"cache_read_input_tokens":9223372036854775807,"output_tokens":-3}}"""));
		LlmUsage usage = call().usage();
		assertThat(usage).isEqualTo(new LlmUsage(Long.MAX_VALUE, 0, Long.MAX_VALUE, Long.MAX_VALUE));
		assertThat(this.provider.rateLimitedTokens(usage)).isNotNegative();
	}

	@Test
	void tokensReadFromThePromptCacheDoNotCountAgainstRateLimits() {
		assertThat(this.provider.rateLimitedTokens(new LlmUsage(21 + 1800 + 1500, 393, 1800, 1500)))
			.isEqualTo(21 + 1800 + 393);
		assertThat(this.provider.rateLimitedTokens(new LlmUsage(12, 34))).isEqualTo(46);
	}

	@Test
	void modelNameFallsBackToConfiguredNameWhenBodyHasNone() {
		stub(aResponse().withHeader("Content-Type", "application/json").withBody("""
				{"type":"message","role":"assistant","content":[{"type":"text","text":"Hi"}],
				"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}"""));
		assertThat(call().modelName()).isEqualTo("claude-haiku-4-5");
	}

	@Test
	void bytesOfTheAnswerThatAreNotUtf8AreReplacedNotFailed() {
		byte[] before = """
				{"type":"message","role":"assistant","content":[{"type":"text","text":"caf"""
			.getBytes(StandardCharsets.UTF_8);
		byte[] after = """
				"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}"""
			.getBytes(StandardCharsets.UTF_8);
		byte[] body = new byte[before.length + 1 + after.length];
		System.arraycopy(before, 0, body, 0, before.length);
		// a lone Latin-1 e acute: not UTF-8
		body[before.length] = (byte) 0xE9;
		System.arraycopy(after, 0, body, before.length + 1, after.length);
		stub(aResponse().withHeader("Content-Type", "application/json").withBody(body));
		assertThat(call().text()).isEqualTo("caf\uFFFD");
	}

	@Test
	void emptyContentGivesEmptyText() {
		stub(message("[]", "\"end_turn\""));
		assertThat(call().text()).isEmpty();
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource({ "end_turn, END_TURN", "max_tokens, MAX_TOKENS", "stop_sequence, STOP_SEQUENCE", "tool_use, TOOL_USE",
			"refusal, REFUSAL", "model_context_window_exceeded, MAX_TOKENS", "pause_turn, PAUSE_TURN",
			"something_new, OTHER" })
	void stopReasonIsMappedAndKeptRaw(String raw, StopReason expected) {
		stub(message("[{\"type\":\"text\",\"text\":\"x\"}]", "\"" + raw + "\""));
		LlmResponse response = call();
		assertThat(response.stopReason()).isEqualTo(expected);
		assertThat(response.rawStopReason()).isEqualTo(raw);
	}

	@Test
	void nullStopReasonIsOtherWithNullRaw() {
		stub(message("[{\"type\":\"text\",\"text\":\"x\"}]", "null"));
		LlmResponse response = call();
		assertThat(response.stopReason()).isEqualTo(StopReason.OTHER);
		assertThat(response.rawStopReason()).isNull();
	}

	@Test
	void requestIdAndRateLimitsAreReadFromHeaders() {
		stub(message("[{\"type\":\"text\",\"text\":\"x\"}]", "\"end_turn\"").withHeader("request-id", "req_011ABC")
			.withHeader("anthropic-ratelimit-requests-limit", "50")
			.withHeader("anthropic-ratelimit-requests-remaining", "49")
			.withHeader("anthropic-ratelimit-requests-reset", "2025-06-01T12:00:30Z")
			.withHeader("anthropic-ratelimit-tokens-limit", "40000")
			.withHeader("anthropic-ratelimit-tokens-remaining", "39000")
			.withHeader("anthropic-ratelimit-tokens-reset", "2025-06-01T12:00:05+00:00"));
		LlmResponse response = call();
		assertThat(response.requestId()).isEqualTo("req_011ABC");
		assertThat(response.rateLimits()).isEqualTo(new RateLimitStatus(50L, 49L, Instant.parse("2025-06-01T12:00:30Z"),
				40000L, 39000L, Instant.parse("2025-06-01T12:00:05Z")));
	}

	@Test
	void missingHeadersGiveNullRequestIdAndNoRateLimits() {
		stub(message("[{\"type\":\"text\",\"text\":\"x\"}]", "\"end_turn\""));
		LlmResponse response = call();
		assertThat(response.requestId()).isNull();
		assertThat(response.rateLimits()).isEqualTo(RateLimitStatus.NONE);
		assertThat(response.rateLimits().isPresent()).isFalse();
	}

	@Test
	void unreadableRateLimitHeadersAreIgnored() {
		stub(message("[{\"type\":\"text\",\"text\":\"x\"}]", "\"end_turn\"")
			.withHeader("anthropic-ratelimit-requests-limit", "many")
			.withHeader("anthropic-ratelimit-requests-remaining", "-1")
			.withHeader("anthropic-ratelimit-requests-reset", "in a minute")
			.withHeader("anthropic-ratelimit-tokens-remaining", "7"));
		assertThat(call().rateLimits()).isEqualTo(new RateLimitStatus(null, null, null, null, 7L, null));
	}

	@Test
	void toStringHidesTheApiKey() {
		assertThat(this.provider.toString()).doesNotContain(AnthropicProviderFixtures.API_KEY)
			.doesNotContain("sk-ant")
			.contains("anthropic");
	}

	private static ResponseDefinitionBuilder message(String content, String stopReason) {
		return aResponse().withHeader("Content-Type", "application/json").withBody("""
				{"id":"msg_01","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001",
				"content":%s,"stop_reason":%s,"stop_sequence":null,
				"usage":{"input_tokens":12,"output_tokens":34}}""".formatted(content, stopReason));
	}

	private static void stub(ResponseDefinitionBuilder response) {
		wm.stubFor(post("/v1/messages").willReturn(response));
	}

	private LlmResponse call() {
		LlmResponse[] result = new LlmResponse[1];
		StepVerifier.create(this.provider.call(AnthropicProviderFixtures.MODEL, LlmRequest.ofPrompt("Hi")))
			.consumeNextWith((response) -> result[0] = response)
			.expectComplete()
			.verify(TIMEOUT);
		return result[0];
	}

}
