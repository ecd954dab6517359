package dev.llmresilience.provider.openai;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmCapability;
import dev.llmresilience.LlmModel;
import dev.llmresilience.provider.ProviderConnectors;
import dev.llmresilience.provider.ProviderSettings;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * Creates {@link OpenAiProvider} instances that talk to a local test server.
 */
final class OpenAiProviderFixtures {

	/** A key shaped like a real one, so that a leak of it is easy to spot. */
	static final String API_KEY = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0h";

	static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

	static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

	static final LlmModel MODEL = new LlmModel("mini", "openai", "gpt-4o-mini", 1024, null);

	/** Where chat completions are posted below a base URL that ends in {@code /v1}. */
	static final String PATH = "/v1/chat/completions";

	private OpenAiProviderFixtures() {
	}

	static OpenAiProvider create(String serverUrl) {
		return create(serverUrl, API_KEY);
	}

	static OpenAiProvider create(String serverUrl, String apiKey) {
		return create(settings(serverUrl + "/v1", apiKey, Duration.ofSeconds(5)));
	}

	static OpenAiProvider create(ProviderSettings settings) {
		WebClient.Builder builder = WebClient.builder().clientConnector(ProviderConnectors.connector(settings, null));
		return new OpenAiProvider(settings, builder, new ObjectMapper(), CLOCK);
	}

	static ProviderSettings settings(String baseUrl, String apiKey, Duration streamIdleTimeout) {
		return new ProviderSettings("openai", URI.create(baseUrl), apiKey, Map.of(), Duration.ofSeconds(5),
				Duration.ofSeconds(5), streamIdleTimeout);
	}

	/**
	 * Return {@link #MODEL} with its capabilities configured.
	 * @param capabilities the capabilities it is configured with, none for a model
	 * configured to take text only
	 * @return the model
	 */
	static LlmModel modelWith(LlmCapability... capabilities) {
		EnumSet<LlmCapability> declared = EnumSet.noneOf(LlmCapability.class);
		declared.addAll(List.of(capabilities));
		return new LlmModel(MODEL.id(), MODEL.provider(), MODEL.name(), MODEL.maxOutputTokens(), null, Map.of(),
				declared);
	}

	static JsonNode json(String text) {
		try {
			return new ObjectMapper().readTree(text);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

}
