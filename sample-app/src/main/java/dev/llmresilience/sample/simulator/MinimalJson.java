package dev.llmresilience.sample.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The smallest JSON value that fits a JSON Schema, as the simulator's answer to a request
 * for structured output or its input to a tool: an object holds its required properties
 * only, a string is {@value #STRING}, a number 0, an array as few items as it must have,
 * an enumeration its first value.
 */
final class MinimalJson {

	static final String STRING = "simulated";

	private static final JsonNodeFactory json = JsonNodeFactory.instance;

	private MinimalJson() {
	}

	/**
	 * Return the smallest value that fits a schema.
	 * @param schema the JSON Schema
	 * @return the value
	 */
	static JsonNode fitting(JsonNode schema) {
		if (schema.has("const")) {
			return schema.get("const");
		}
		if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
			return schema.path("enum").get(0);
		}
		for (String alternatives : new String[] { "anyOf", "oneOf" }) {
			if (schema.path(alternatives).isArray() && !schema.path(alternatives).isEmpty()) {
				return fitting(schema.path(alternatives).get(0));
			}
		}
		return switch (type(schema)) {
			case "object" -> object(schema);
			case "array" -> array(schema);
			case "string" -> json.textNode(STRING);
			case "integer", "number" -> json.numberNode(Math.max(0, schema.path("minimum").asInt(0)));
			case "boolean" -> json.booleanNode(true);
			default -> json.nullNode();
		};
	}

	private static String type(JsonNode schema) {
		JsonNode type = schema.path("type");
		if (type.isArray()) {
			// the first type that is not null, as in ["string", "null"]
			for (JsonNode option : type) {
				if (!"null".equals(option.asText())) {
					return option.asText();
				}
			}
			return "null";
		}
		return type.isTextual() ? type.asText() : (schema.has("properties") ? "object" : "null");
	}

	private static ObjectNode object(JsonNode schema) {
		ObjectNode object = json.objectNode();
		for (JsonNode required : schema.path("required")) {
			object.set(required.asText(), fitting(schema.path("properties").path(required.asText())));
		}
		return object;
	}

	private static ArrayNode array(JsonNode schema) {
		ArrayNode array = json.arrayNode();
		for (int i = 0; i < schema.path("minItems").asInt(0); i++) {
			array.add(fitting(schema.path("items")));
		}
		return array;
	}

}
