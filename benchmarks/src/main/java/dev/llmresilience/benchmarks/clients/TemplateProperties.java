package dev.llmresilience.benchmarks.clients;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.llmresilience.springai.autoconfigure.LlmResilienceChatModelAutoConfiguration;
import dev.llmresilience.springai.autoconfigure.SpringAiProviderAutoConfiguration;

/**
 * The configuration of a benchmark application, built up in code: providers, models and
 * chains under {@code llm.resilience}, plus quiet logging and a queue that never
 * throttles the load.
 */
public final class TemplateProperties {

	private static final String PREFIX = "llm.resilience.";

	private static final String EXCLUDE = "spring.autoconfigure.exclude";

	/** Concurrency limit of the queue: above any load the benchmarks apply. */
	public static final int UNTHROTTLED = 16_384;

	private final Map<String, Object> properties = new LinkedHashMap<>();

	/**
	 * The auto-configurations of the Spring AI bridge, which is on the class path of the
	 * benchmarks but not of an application that uses the starter alone.
	 */
	public static final String SPRING_AI_BRIDGE = LlmResilienceChatModelAutoConfiguration.class.getName() + ","
			+ SpringAiProviderAutoConfiguration.class.getName();

	/**
	 * Start with quiet logging, an unthrottled queue and the Spring AI bridge left out.
	 */
	public TemplateProperties() {
		this.properties.put("spring.main.banner-mode", "off");
		this.properties.put("spring.main.log-startup-info", "false");
		this.properties.put("logging.level.root", "WARN");
		this.properties.put(EXCLUDE, SPRING_AI_BRIDGE);
		set("queue.max-concurrent", UNTHROTTLED);
		set("queue.capacity", UNTHROTTLED);
	}

	/**
	 * Configure the usual benchmark set-up: an Anthropic provider {@code stub} at the
	 * stub, a model {@code primary} named {@link Workload#MODEL} and a chain
	 * {@code default} of it alone.
	 * @param stubUrl the stub's root URL
	 * @return the properties
	 */
	public static TemplateProperties singleModel(URI stubUrl) {
		return new TemplateProperties().anthropicProvider("stub", stubUrl)
			.model("primary", "stub", Workload.MODEL)
			.chain("default", "primary");
	}

	/**
	 * Add an Anthropic provider.
	 * @param id the provider id
	 * @param baseUrl its root URL
	 * @return these properties
	 */
	public TemplateProperties anthropicProvider(String id, URI baseUrl) {
		set("providers." + id + ".type", "anthropic");
		set("providers." + id + ".base-url", baseUrl.toString());
		set("providers." + id + ".api-key", Workload.API_KEY);
		return this;
	}

	/**
	 * Add an OpenAI-compatible provider.
	 * @param id the provider id
	 * @param baseUrl its root URL, without {@code /v1}
	 * @return these properties
	 */
	public TemplateProperties openAiProvider(String id, URI baseUrl) {
		set("providers." + id + ".type", "openai");
		set("providers." + id + ".base-url", baseUrl + "/v1");
		return this;
	}

	/**
	 * Add a model.
	 * @param id the model id
	 * @param provider the provider id
	 * @param name the name sent upstream
	 * @return these properties
	 */
	public TemplateProperties model(String id, String provider, String name) {
		set("models." + id + ".provider", provider);
		set("models." + id + ".name", name);
		return this;
	}

	/**
	 * Add a chain.
	 * @param name the chain's name
	 * @param models the model ids, the preferred first
	 * @return these properties
	 */
	public TemplateProperties chain(String name, String... models) {
		set("chains." + name, String.join(",", List.of(models)));
		return this;
	}

	/**
	 * Set any property under {@code llm.resilience}.
	 * @param name the name after {@code llm.resilience.}
	 * @param value the value
	 * @return these properties
	 */
	public TemplateProperties set(String name, Object value) {
		this.properties.put(PREFIX + name, value);
		return this;
	}

	/**
	 * Auto-configure the Spring AI bridge too, as an application that adds
	 * {@code llm-resilience-spring-ai} gets it.
	 * @return these properties
	 */
	public TemplateProperties springAiBridge() {
		this.properties.remove(EXCLUDE);
		return this;
	}

	/**
	 * Set a Spring Boot property outside {@code llm.resilience}.
	 * @param name the full name
	 * @param value the value
	 * @return these properties
	 */
	public TemplateProperties boot(String name, Object value) {
		this.properties.put(name, value);
		return this;
	}

	/**
	 * Return the properties.
	 * @return a copy
	 */
	public Map<String, Object> toMap() {
		return new LinkedHashMap<>(this.properties);
	}

}
