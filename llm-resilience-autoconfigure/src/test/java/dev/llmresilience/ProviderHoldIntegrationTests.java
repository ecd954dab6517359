package dev.llmresilience;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.test.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wiremock.spring.ConfigureWireMock;
import org.wiremock.spring.EnableWireMock;
import org.wiremock.spring.InjectWireMock;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.llmresilience.AnthropicStubs.MESSAGES;
import static dev.llmresilience.AnthropicStubs.error;
import static dev.llmresilience.AnthropicStubs.message;
import static dev.llmresilience.AnthropicStubs.respondInTurn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * End-to-end tests of the holds that providers ask for through their rate-limit headers
 * and 429s, over real HTTP against WireMock servers: {@code primary} serves {@code opus},
 * {@code limited} serves {@code sonnet}, {@code gateway} (OpenAI-compatible) serves
 * {@code gpt}, and {@code secondary} serves the fallback {@code haiku}. Reset times are
 * read against a clock standing still at 2025-06-01T12:00:00Z. Holds outlive a test: a
 * test that leaves its provider held for long has a provider of its own, the holds on
 * {@code primary} end within a second.
 */
@SpringBootTest(properties = { "llm.resilience.providers.primary.type=anthropic",
		"llm.resilience.providers.primary.api-key=primary-key", "llm.resilience.providers.secondary.type=anthropic",
		"llm.resilience.providers.secondary.api-key=secondary-key", "llm.resilience.providers.gateway.type=openai",
		"llm.resilience.providers.limited.type=anthropic", "llm.resilience.providers.limited.api-key=limited-key",
		"llm.resilience.models.sonnet.provider=limited", "llm.resilience.models.sonnet.name=claude-sonnet",
		"llm.resilience.models.opus.provider=primary", "llm.resilience.models.opus.name=claude-opus",
		"llm.resilience.models.haiku.provider=secondary", "llm.resilience.models.haiku.name=claude-haiku",
		"llm.resilience.models.gpt.provider=gateway", "llm.resilience.models.gpt.name=gpt-4o",
		"llm.resilience.chains.default[0]=opus", "llm.resilience.chains.default[1]=haiku",
		"llm.resilience.chains.gateway[0]=gpt", "llm.resilience.chains.gateway[1]=haiku",
		"llm.resilience.chains.limited[0]=sonnet", "llm.resilience.chains.limited[1]=haiku",
		"llm.resilience.retry.max-attempts=2", "llm.resilience.retry.initial-backoff=10ms",
		"llm.resilience.retry.jitter=0", "llm.resilience.retry.max-server-wait=2s" })
@EnableWireMock({
		@ConfigureWireMock(name = "primary", baseUrlProperties = "llm.resilience.providers.primary.base-url",
				configurationCustomizers = QuietWireMock.class),
		@ConfigureWireMock(name = "limited", baseUrlProperties = "llm.resilience.providers.limited.base-url",
				configurationCustomizers = QuietWireMock.class),
		@ConfigureWireMock(name = "gateway", baseUrlProperties = "llm.resilience.providers.gateway.base-url",
				configurationCustomizers = QuietWireMock.class),
		@ConfigureWireMock(name = "secondary", baseUrlProperties = "llm.resilience.providers.secondary.base-url",
				configurationCustomizers = QuietWireMock.class) })
class ProviderHoldIntegrationTests {

	private static final String CHAT_COMPLETIONS = "/chat/completions";

	@Autowired
	private LlmTemplate template;

	@InjectWireMock("primary")
	private WireMockServer primary;

	@InjectWireMock("limited")
	private WireMockServer limited;

	@InjectWireMock("gateway")
	private WireMockServer gateway;

	@InjectWireMock("secondary")
	private WireMockServer secondary;

	@BeforeEach
	void reset() {
		this.primary.resetAll();
		this.limited.resetAll();
		this.gateway.resetAll();
		this.secondary.resetAll();
		this.secondary.stubFor(post(MESSAGES).willReturn(message("Hello from Haiku")));
	}

	@Test
	void nextCallWaitsUntilTheResetWhenAnAnswerSaysNoRequestIsLeft() {
		respondInTurn(this.primary, message("first").withHeader("anthropic-ratelimit-requests-remaining", "0")
			.withHeader("anthropic-ratelimit-requests-reset", "2025-06-01T12:00:00.300Z"), message("second"));
		assertThat(this.template.callBlocking("Hi")).isEqualTo("first");
		LlmResponse second = this.template.callBlocking(LlmRequest.ofPrompt("Hi"));
		assertThat(second.text()).isEqualTo("second");
		assertThat(second.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome)
			.containsExactly(tuple("opus", Outcome.SUCCESS));
		List<Instant> received = receivedAt(this.primary);
		assertThat(received).hasSize(2);
		assertThat(Duration.between(received.get(0), received.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void requestWhoseDeadlineEndsBeforeTheResetSkipsTheHeldProviderAndFallsBack() {
		respondInTurn(this.primary, message("first").withHeader("anthropic-ratelimit-requests-remaining", "0")
			.withHeader("anthropic-ratelimit-requests-reset", "2025-06-01T12:00:00.800Z"), message("second"));
		assertThat(this.template.callBlocking("Hi")).isEqualTo("first");
		LlmResponse second = this.template
			.callBlocking(LlmRequest.builder().user("Hi").timeout(Duration.ofMillis(500)).build());
		assertThat(second.model()).isEqualTo("haiku");
		assertThat(second.fallback()).isTrue();
		assertThat(second.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("opus", Outcome.SKIPPED, "LlmThrottledException"),
					tuple("haiku", Outcome.SUCCESS, null));
		this.primary.verify(exactly(1), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void providerThatAskedForALongerWaitThanAllowedIsSkippedUntilItsRetryAfterHasPassed() {
		this.limited.stubFor(post(MESSAGES).willReturn(error(429, "rate_limit_error").withHeader("retry-after", "30")));
		LlmRequest request = LlmRequest.builder().chain("limited").user("Hi").build();
		LlmResponse first = this.template.callBlocking(request);
		assertThat(first.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("sonnet", Outcome.FAILURE, "LlmRateLimitException"),
					tuple("haiku", Outcome.SUCCESS, null));
		long start = System.nanoTime();
		LlmResponse second = this.template.callBlocking(request);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		assertThat(second.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("sonnet", Outcome.SKIPPED, "LlmThrottledException"),
					tuple("haiku", Outcome.SUCCESS, null));
		this.limited.verify(exactly(1), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void openAiDurationResetBeyondTheLongestWaitMakesTheNextCallFallBackWithoutReachingTheGateway() {
		this.gateway.stubFor(post(CHAT_COMPLETIONS)
			.willReturn(chatCompletion("from gpt").withHeader("x-ratelimit-remaining-requests", "0")
				.withHeader("x-ratelimit-reset-requests", "6m0s")));
		LlmRequest request = LlmRequest.builder().chain("gateway").user("Hi").build();
		assertThat(this.template.callBlocking(request).text()).isEqualTo("from gpt");
		LlmResponse second = this.template.callBlocking(request);
		assertThat(second.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("gpt", Outcome.SKIPPED, "LlmThrottledException"),
					tuple("haiku", Outcome.SUCCESS, null));
		this.gateway.verify(exactly(1), postRequestedFor(urlEqualTo(CHAT_COMPLETIONS)));
	}

	@Test
	void remainingOfMinusOneIsIgnored() {
		this.primary.stubFor(post(MESSAGES)
			.willReturn(message("Hello from Opus").withHeader("anthropic-ratelimit-requests-remaining", "-1")
				.withHeader("anthropic-ratelimit-requests-reset", "2025-06-01T12:05:00Z")
				.withHeader("anthropic-ratelimit-tokens-remaining", "-1")
				.withHeader("anthropic-ratelimit-tokens-reset", "2025-06-01T12:05:00Z")));
		for (int i = 0; i < 3; i++) {
			LlmResponse response = this.template.callBlocking(LlmRequest.ofPrompt("Hi"));
			assertThat(response.model()).isEqualTo("opus");
			assertThat(response.attempts()).extracting(LlmAttempt::outcome).containsExactly(Outcome.SUCCESS);
		}
		this.primary.verify(exactly(3), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	private static ResponseDefinitionBuilder chatCompletion(String text) {
		return aResponse().withHeader("Content-Type", "application/json").withBody("""
				{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o",
				 "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],
				 "usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}""".formatted(text));
	}

	private static List<Instant> receivedAt(WireMockServer server) {
		return server.getAllServeEvents()
			.stream()
			.map(ServeEvent::getRequest)
			.map((request) -> request.getLoggedDate().toInstant())
			.sorted(Comparator.naturalOrder())
			.toList();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		MutableClock clock() {
			return new MutableClock(Instant.parse("2025-06-01T12:00:00Z"));
		}

	}

}
