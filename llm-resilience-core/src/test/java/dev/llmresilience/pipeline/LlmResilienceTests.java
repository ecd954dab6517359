package dev.llmresilience.pipeline;

import java.time.Duration;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.error.LlmShutdownException;
import dev.llmresilience.provider.ProviderSettings;
import dev.llmresilience.resilience.RetrySettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link LlmResilience}: a plain Java program, without Spring Boot, builds an
 * {@code LlmTemplate} that calls providers over HTTP with retries, breakers and fallback.
 */
class LlmResilienceTests {

	@RegisterExtension
	static final WireMockExtension anthropic = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort())
		.build();

	@RegisterExtension
	static final WireMockExtension openAi = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort())
		.build();

	private static final String ANTHROPIC_KEY = "sk-ant-api03-" + "Hq4vN8sK2xT6mW9p".repeat(5);

	@Test
	void plainJavaProgramFallsBackAcrossProvidersThroughTheBuiltTemplate() {
		anthropic.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(529)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")));
		openAi.stubFor(post("/v1/chat/completions")
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("""
					{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini",
					 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],
					 "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}""")));
		try (LlmResilience llm = builder().build()) {
			LlmResponse response = llm.template().call("Hi").block(Duration.ofSeconds(10));
			assertThat(response.text()).isEqualTo("Hello!");
			assertThat(response.model()).isEqualTo("gpt");
			assertThat(response.fallback()).isTrue();
			assertThat(response.attempts()).extracting("model", "outcome", "errorType")
				.containsExactly(tuple("claude", Outcome.FAILURE, "LlmOverloadedException"),
						tuple("claude", Outcome.FAILURE, "LlmOverloadedException"),
						tuple("gpt", Outcome.SUCCESS, null));
			assertThat(llm.pipeline().getCatalog().getDefaultChain()).isEqualTo("default");
		}
		anthropic.verify(2,
				postRequestedFor(urlEqualTo("/v1/messages")).withHeader("x-api-key", equalTo(ANTHROPIC_KEY)));
		openAi.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")));
	}

	@Test
	void closingRefusesFurtherRequests() {
		LlmResilience llm = builder().build();
		llm.close();
		assertThatExceptionOfType(LlmShutdownException.class).isThrownBy(() -> llm.template().callBlocking("Hi"));
		assertThat(llm.pipeline().getQueue()).isNotNull();
	}

	@Test
	void withoutQueueEveryRequestIsServedAtOnce() {
		try (LlmResilience llm = builder().withoutQueue().build()) {
			assertThat(llm.pipeline().getQueue()).isNull();
		}
	}

	@Test
	void modelNamingAnUnknownProviderIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> builder().model("llama", "ollama", "llama3.2", 1024).build())
			.withMessageContaining("unknown provider 'ollama'");
	}

	private static LlmResilience.Builder builder() {
		// no backoff to wait for: the first model is tried twice, at once
		RetrySettings twoQuickAttempts = new RetrySettings(2, Duration.ofMillis(1), 1.0, Duration.ofMillis(1), 0,
				Duration.ofSeconds(1));
		return LlmResilience.builder()
			.anthropic(ProviderSettings.of("claude-api", anthropic.baseUrl(), ANTHROPIC_KEY), "2023-06-01")
			.openAi("openai", openAi.baseUrl() + "/v1", null)
			.model("claude", "claude-api", "claude-haiku-4-5", 1024)
			.model("gpt", "openai", "gpt-4o-mini", 1024)
			.chain("default", "claude", "gpt")
			.retry(twoQuickAttempts);
	}

}
