package dev.llmresilience.provider.anthropic;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmModel;
import dev.llmresilience.provider.ProviderConnectors;
import dev.llmresilience.provider.ProviderSettings;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * Creates {@link AnthropicProvider} instances that talk to a local test server.
 */
final class AnthropicProviderFixtures {

	/** A key shaped like a real one, so that a leak of it is easy to spot. */
	static final String API_KEY = "sk-ant-api03-" + "Zq7xW2mK9pL4vR8t".repeat(5);

	static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);

	static final LlmModel MODEL = new LlmModel("haiku", "anthropic", "claude-haiku-4-5", 1024, 200000);

	static final String VERSION = "2023-06-01";

	private AnthropicProviderFixtures() {
	}

	static AnthropicProvider create(String baseUrl) {
		return create(baseUrl, Duration.ofSeconds(2), Duration.ofMillis(300));
	}

	static AnthropicProvider create(String baseUrl, Duration firstByteTimeout, Duration streamIdleTimeout) {
		ProviderSettings settings = new ProviderSettings("anthropic", URI.create(baseUrl), API_KEY,
				Map.of("anthropic-beta", "x"), Duration.ofSeconds(2), firstByteTimeout, streamIdleTimeout);
		WebClient.Builder builder = WebClient.builder().clientConnector(ProviderConnectors.connector(settings, null));
		return new AnthropicProvider(settings, VERSION, builder, new ObjectMapper(), CLOCK);
	}

}
