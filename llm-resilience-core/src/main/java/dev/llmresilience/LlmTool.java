package dev.llmresilience;

import com.fasterxml.jackson.databind.JsonNode;

import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * A tool the model may call: its name, what it does, and the JSON Schema of its input.
 *
 * @param name the name the model calls it by; letters, digits, {@code _} and {@code -},
 * at most 64 characters, as both wire formats accept
 * @param description what the tool does and when to use it, or {@code null}
 * @param inputSchema the JSON Schema of the tool's input, an object schema
 */
public record LlmTool(String name, @Nullable String description, JsonNode inputSchema) {

	public LlmTool {
		Assert.isTrue(name != null && name.matches("[a-zA-Z0-9_-]{1,64}"),
				() -> "A tool name has 1 to 64 letters, digits, '_' or '-', not '" + name + "'");
		Assert.isTrue(inputSchema != null && inputSchema.isObject(), "A tool's input schema is a JSON object");
	}

	@Override
	public String toString() {
		return "LlmTool{name=" + this.name + "}";
	}

}
