package dev.llmresilience.sample.simulator;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The wire formats the simulator speaks, each under {@code /simulator/v1}.
 */
enum SimulatedApi {

	/** The Anthropic Messages API, {@code POST /simulator/v1/messages}. */
	MESSAGES,

	/** OpenAI Chat Completions, {@code POST /simulator/v1/chat/completions}. */
	CHAT_COMPLETIONS;

	/**
	 * Return the name the request log shows, such as {@code chat-completions}.
	 * @return the kebab-case name
	 */
	@JsonValue
	String toValue() {
		return name().toLowerCase().replace('_', '-');
	}

}
