package dev.llmresilience.springai.autoconfigure;

import java.time.Duration;

import dev.llmresilience.LlmPriority;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the auto-configured {@code llmResilienceChatModel}: its default
 * options, which a prompt's own options override.
 *
 * @author llm-resilience
 */
@ConfigurationProperties("llm.resilience.spring-ai.chat-model")
public class LlmResilienceChatModelProperties {

	/**
	 * Whether to auto-configure a Spring AI chat model served by the LlmTemplate.
	 */
	private boolean enabled = true;

	/**
	 * Chain that serves prompts whose options name neither a chain nor a model. Not set,
	 * the default chain serves them.
	 */
	private String chain;

	/**
	 * Id of the model that serves prompts whose options name neither a chain nor a model,
	 * instead of a chain.
	 */
	private String model;

	/**
	 * Priority of prompts whose options set none.
	 */
	private LlmPriority priority = LlmPriority.NORMAL;

	/**
	 * Overall time each call to the pipeline is granted, each round trip of a tool loop
	 * on its own, for prompts whose options set none. Not set, no deadline.
	 */
	private Duration timeout;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getChain() {
		return this.chain;
	}

	public void setChain(String chain) {
		this.chain = chain;
	}

	public String getModel() {
		return this.model;
	}

	public void setModel(String model) {
		this.model = model;
	}

	public LlmPriority getPriority() {
		return this.priority;
	}

	public void setPriority(LlmPriority priority) {
		this.priority = priority;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

}
