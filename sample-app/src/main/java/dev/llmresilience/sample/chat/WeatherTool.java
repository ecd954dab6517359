package dev.llmresilience.sample.chat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmTool;

/**
 * The sample's one tool, {@code get_weather}: a made-up weather report for a city, the
 * same every time, so that answers and tests can rely on it.
 */
final class WeatherTool {

	static final String NAME = "get_weather";

	private WeatherTool() {
	}

	/**
	 * Return the tool as the model is offered it.
	 * @return the tool
	 */
	static LlmTool definition() {
		ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "object");
		schema.putObject("properties")
			.putObject("city")
			.put("type", "string")
			.put("description", "The city, such as Paris");
		schema.putArray("required").add("city");
		return new LlmTool(NAME, "The current weather in a city", schema);
	}

	/**
	 * Run a call the model asked for.
	 * @param call the call
	 * @return its result, or an error the model can read for a call this tool cannot
	 * serve
	 */
	static LlmContent.ToolResult run(LlmContent.ToolCall call) {
		if (!NAME.equals(call.name()) || call.input() == null || !call.input().path("city").isTextual()) {
			return LlmContent.toolError(call.id(), "Call get_weather with a city");
		}
		return LlmContent.toolResult(call.id(), report(call.input().path("city").asText()));
	}

	static String report(String city) {
		return "Weather in " + city + ": sunny, 24 degrees Celsius, a light westerly wind, humidity at 40 percent,"
				+ " and no rain until the evening.";
	}

}
