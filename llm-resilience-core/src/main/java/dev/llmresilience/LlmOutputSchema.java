package dev.llmresilience;

import com.fasterxml.jackson.databind.JsonNode;

import org.springframework.util.Assert;

/**
 * The JSON Schema the answer must follow: the answer's text is then one JSON value, also
 * available parsed as {@link LlmResponse#structuredOutput()}. Each provider's native
 * feature is used where the model has one; see the documentation of structured output for
 * which is used when.
 *
 * @param name a name for the schema; letters, digits, {@code _} and {@code -}, at most 64
 * characters
 * @param schema the JSON Schema, an object schema
 * @param strict whether the provider must enforce the schema exactly (OpenAI's
 * {@code strict}); Anthropic always enforces it
 */
public record LlmOutputSchema(String name, JsonNode schema, boolean strict) {

	public LlmOutputSchema {
		Assert.isTrue(name != null && name.matches("[a-zA-Z0-9_-]{1,64}"),
				() -> "A schema name has 1 to 64 letters, digits, '_' or '-', not '" + name + "'");
		Assert.isTrue(schema != null && schema.isObject(), "The schema is a JSON object");
	}

	@Override
	public String toString() {
		return "LlmOutputSchema{name=" + this.name + ", strict=" + this.strict + "}";
	}

}
