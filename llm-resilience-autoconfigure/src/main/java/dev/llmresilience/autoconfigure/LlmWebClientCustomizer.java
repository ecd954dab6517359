package dev.llmresilience.autoconfigure;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * Callback to customize the {@link WebClient.Builder} of one provider, for example to add
 * a filter or a proxy. Applied, in order, after Spring Boot's own WebClient customizers
 * and after the provider's connector is set; the provider sets its base URL and auth
 * headers afterwards.
 */
@FunctionalInterface
public interface LlmWebClientCustomizer {

	/**
	 * Customize the builder of one provider.
	 * @param providerId the provider id, the key under {@code llm.resilience.providers}
	 * @param builder the builder to customize
	 */
	void customize(String providerId, WebClient.Builder builder);

}
