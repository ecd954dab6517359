package dev.llmresilience.pipeline;

import java.time.Duration;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.error.LlmAllModelsFailedException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.error.LlmThrottledException;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A provider's 429 asks for a wait longer than a request may wait: the provider is held,
 * and the next requests skip its models without calling them. The caller of such a
 * request still reaches what the provider said, over HTTP: its status, error type and
 * code, message and request id.
 */
class RateLimitHoldTests {

	private static final String CLAUDE_MESSAGE = "Number of request tokens has exceeded your per-minute rate limit";

	private static final String GPT_MESSAGE = "Rate limit reached for gpt-fake on requests per min (RPM)";

	private static final String GPT_RATE_LIMIT = "{\"error\":{\"message\":\"" + GPT_MESSAGE
			+ "\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";

	private final FakeProviderServer fake = FakeProviderServer.start();

	// a wait of more than the longest server wait (1s) is not waited for
	private final LlmResilience llm = FakeProviderChains.builder(this.fake)
		.model("claude", "anthropic", "claude-fake", 1024)
		.model("gpt", "openai", "gpt-fake", 1024)
		.chain("default", "claude", "gpt")
		.build();

	@AfterEach
	void close() {
		this.llm.close();
		this.fake.close();
	}

	@Test
	void requestSkippedForAHeldProviderReachesTheProvidersRateLimitError() {
		this.fake.model("claude-fake")
			.reply(FakeReply.error(429, "rate_limit_error", CLAUDE_MESSAGE).retryAfter(Duration.ofSeconds(30)));
		this.fake.model("gpt-fake").reply(FakeReply.error(429).retryAfter(Duration.ofSeconds(30)));
		LlmAllModelsFailedException first = failure(LlmRequest.ofPrompt("Hi"));
		assertThat(first.getCause()).isInstanceOf(LlmRateLimitException.class);
		assertThat(this.fake.requests().count()).isEqualTo(2);

		LlmAllModelsFailedException held = failure(LlmRequest.ofPrompt("Hi"));
		assertThat(this.fake.requests().count()).as("no model called").isEqualTo(2);
		assertThat(held.getAttempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("claude", Outcome.SKIPPED, "LlmThrottledException"),
					tuple("gpt", Outcome.SKIPPED, "LlmThrottledException"));
		assertThat(held.getCause()).isInstanceOf(LlmThrottledException.class);
		assertThat(held.getCause().getCause()).isInstanceOfSatisfying(LlmRateLimitException.class, (rateLimit) -> {
			assertThat(rateLimit.getStatusCode()).isEqualTo(429);
			assertThat(rateLimit.getErrorType()).isEqualTo("rate_limit_error");
			assertThat(rateLimit.getProviderMessage()).isEqualTo(CLAUDE_MESSAGE);
			assertThat(rateLimit.getRequestId()).isEqualTo("req_fake_1");
			assertThat(rateLimit.getRetryAfter()).isEqualTo(Duration.ofSeconds(30));
		});
		// and so does whoever reads the message only, such as a log
		assertThat(held.getMessage()).contains("HTTP 429 rate_limit_error: " + CLAUDE_MESSAGE, "req_fake_1");
	}

	@Test
	void openAiErrorCodeIsReachableFromTheThrottlingItImposed() {
		this.fake.model("gpt-fake").reply(FakeReply.json(429, GPT_RATE_LIMIT).retryAfter(Duration.ofSeconds(30)));
		LlmRequest toGpt = LlmRequest.builder().user("Hi").model("gpt").build();
		failure(toGpt);
		LlmAllModelsFailedException held = failure(toGpt);
		assertThat(this.fake.requests().count()).isOne();
		assertThat(held.getCause()).isInstanceOf(LlmThrottledException.class);
		assertThat(held.getCause().getCause()).isInstanceOfSatisfying(LlmRateLimitException.class, (rateLimit) -> {
			assertThat(rateLimit.getErrorType()).isEqualTo("requests");
			assertThat(rateLimit.getErrorCode()).isEqualTo("rate_limit_exceeded");
			assertThat(rateLimit.getProviderMessage()).isEqualTo(GPT_MESSAGE);
			assertThat(rateLimit.getRequestId()).isEqualTo("req_fake_1");
		});
	}

	@Test
	void rateLimitOfOneModelDoesNotHoldAnotherModelOfTheSameProvider() {
		this.fake.model("claude-fake")
			.reply(FakeReply.error(429, "rate_limit_error", CLAUDE_MESSAGE).retryAfter(Duration.ofSeconds(120)));
		try (LlmResilience sameKey = FakeProviderChains.builder(this.fake)
			.model("sonnet", "anthropic", "claude-fake", 1024)
			.model("haiku", "anthropic", "claude-small-fake", 1024)
			.chain("default", "sonnet", "haiku")
			.build()) {
			for (int i = 0; i < 3; i++) {
				LlmResponse answer = sameKey.template().callBlocking(LlmRequest.ofPrompt("Hi"));
				assertThat(answer.model()).isEqualTo("haiku");
			}
			// sonnet was called once, then held; haiku, on the same key, never was
			assertThat(this.fake.requests().count("claude-fake")).isOne();
			assertThat(this.fake.requests().count("claude-small-fake")).isEqualTo(3);
		}
	}

	private LlmAllModelsFailedException failure(LlmRequest request) {
		return assertThatExceptionOfType(LlmAllModelsFailedException.class)
			.isThrownBy(() -> this.llm.template().callBlocking(request))
			.actual();
	}

}
