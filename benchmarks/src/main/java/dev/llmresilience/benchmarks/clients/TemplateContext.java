package dev.llmresilience.benchmarks.clients;

import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmTemplate;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A minimal non-web Spring Boot application with the starter on its class path: whatever
 * auto-configuration gives (the template, resilience4j's registries, Actuator's
 * observation and metrics, Boot's {@code WebClient.Builder}) and nothing else.
 */
public final class TemplateContext implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private TemplateContext(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Start an application.
	 * @param properties its configuration, such as {@link TemplateProperties#toMap()}
	 * gives
	 * @param configurations beans of the application's own, such as a
	 * {@code ReactorResourceFactory}
	 * @return the running application
	 */
	public static TemplateContext start(Map<String, Object> properties, Class<?>... configurations) {
		return new TemplateContext(new SpringApplicationBuilder(MinimalApplication.class).sources(configurations)
			.web(WebApplicationType.NONE)
			.properties(properties)
			.run());
	}

	/**
	 * Return the auto-configured template.
	 * @return the template
	 */
	public LlmTemplate template() {
		return this.context.getBean(LlmTemplate.class);
	}

	/**
	 * Return a new {@code WebClient.Builder} as Spring Boot configures it, with the same
	 * codecs, connector resources and observation as the template's clients.
	 * @return the builder
	 */
	public WebClient.Builder webClientBuilder() {
		return this.context.getBean(WebClient.Builder.class);
	}

	/**
	 * Return the application's object mapper.
	 * @return the mapper
	 */
	public ObjectMapper objectMapper() {
		return this.context.getBean(ObjectMapper.class);
	}

	/**
	 * Return a bean of the application's by its name.
	 * @param <T> the type
	 * @param name the bean's name
	 * @param type the type
	 * @return the bean
	 */
	public <T> T bean(String name, Class<T> type) {
		return this.context.getBean(name, type);
	}

	/**
	 * Return the application's bean of a type, if it has exactly one.
	 * @param <T> the type
	 * @param type the type
	 * @return the bean, or empty if the application has none
	 */
	public <T> Optional<T> findBean(Class<T> type) {
		return Optional.ofNullable(this.context.getBeanProvider(type).getIfUnique());
	}

	@Override
	public void close() {
		this.context.close();
	}

	/**
	 * The application: auto-configuration only.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class MinimalApplication {

	}

}
