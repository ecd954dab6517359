package dev.llmresilience.pipeline;

import java.time.Duration;

import dev.llmresilience.provider.ProviderSettings;
import dev.llmresilience.resilience.RetrySettings;
import dev.llmresilience.test.FakeProviderServer;

/**
 * Starts {@link LlmResilience} builders whose providers are served by a
 * {@link FakeProviderServer}: provider {@code anthropic} speaks the Messages API,
 * provider {@code openai} Chat Completions. A model is tried twice, with no backoff to
 * wait for.
 */
public final class FakeProviderChains {

	static final RetrySettings TWO_QUICK_ATTEMPTS = new RetrySettings(2, Duration.ofMillis(1), 1.0,
			Duration.ofMillis(1), 0, Duration.ofSeconds(1));

	private FakeProviderChains() {
	}

	/**
	 * Return a builder with both providers at the fake; the caller adds models and
	 * chains.
	 * @param fake the fake provider
	 * @return the builder
	 */
	public static LlmResilience.Builder builder(FakeProviderServer fake) {
		return LlmResilience.builder()
			.anthropic(ProviderSettings.of("anthropic", fake.baseUrl(), "sk-ant-test"), "2023-06-01")
			.openAi("openai", fake.baseUrl() + "/v1", "sk-test")
			.retry(TWO_QUICK_ATTEMPTS);
	}

}
