package dev.llmresilience.provider;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.springframework.util.Assert;

/**
 * The connection settings of one provider, as configured under
 * {@code llm.resilience.providers.<id>}.
 *
 * @param id the provider id
 * @param baseUrl the root URL of the API, without a trailing slash
 * @param apiKey the API key, or {@code null} for servers that need none
 * @param headers extra headers sent with every request
 * @param connectTimeout the limit for opening a connection
 * @param firstByteTimeout the limit for the response to begin: the whole response for
 * calls, the first event for streams
 * @param streamIdleTimeout the limit between two parts of a stream
 */
public record ProviderSettings(String id, URI baseUrl, String apiKey, Map<String, String> headers,
		Duration connectTimeout, Duration firstByteTimeout, Duration streamIdleTimeout) {

	public ProviderSettings {
		Assert.hasText(id, "id must not be empty");
		Assert.notNull(baseUrl, "baseUrl must not be null");
		headers = Map.copyOf(headers);
		Assert.isTrue(isPositive(connectTimeout), "connectTimeout must be positive");
		Assert.isTrue(isPositive(firstByteTimeout), "firstByteTimeout must be positive");
		Assert.isTrue(isPositive(streamIdleTimeout), "streamIdleTimeout must be positive");
	}

	private static boolean isPositive(Duration duration) {
		return duration != null && duration.compareTo(Duration.ZERO) > 0;
	}

	/**
	 * Create settings with the default timeouts and no extra headers.
	 * @param id the provider id
	 * @param baseUrl the root URL of the API
	 * @param apiKey the API key, or {@code null}
	 * @return the settings
	 */
	public static ProviderSettings of(String id, String baseUrl, String apiKey) {
		return new ProviderSettings(id, URI.create(baseUrl), apiKey, Map.of(), Duration.ofSeconds(10),
				Duration.ofSeconds(120), Duration.ofSeconds(30));
	}

	/**
	 * Return whether an API key is configured.
	 * @return {@code true} if there is a non-empty key
	 */
	public boolean hasApiKey() {
		return this.apiKey != null && !this.apiKey.isEmpty();
	}

	@Override
	public String toString() {
		return "ProviderSettings{id=" + this.id + ", baseUrl=" + this.baseUrl + ", apiKey="
				+ (hasApiKey() ? "******" : "none") + ", headers=" + this.headers.keySet() + ", connectTimeout="
				+ this.connectTimeout + ", firstByteTimeout=" + this.firstByteTimeout + ", streamIdleTimeout="
				+ this.streamIdleTimeout + "}";
	}

}
