package dev.llmresilience.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A WebFlux application that chats with a model through
 * {@link dev.llmresilience.LlmTemplate}. By default it answers from an embedded simulator
 * of the Anthropic Messages and OpenAI Chat Completions APIs, so it runs without an API
 * key and its failures can be injected at will.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
