package dev.llmresilience.sample.simulator;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.springframework.lang.Nullable;

/**
 * Reads a Messages API request body. Content may be a string or an array of blocks, as
 * the API allows: text, images, documents, tool calls and tool results.
 */
final class MessagesRequest {

	private MessagesRequest() {
	}

	/**
	 * Read a request body.
	 * @param body the JSON body
	 * @return the request
	 * @throws InvalidRequestException if a required field is missing or malformed, with a
	 * message in the API's own style
	 */
	static SimulatedRequest read(JsonNode body) {
		if (!body.isObject()) {
			throw new InvalidRequestException("The request body must be a JSON object");
		}
		JsonNode model = body.path("model");
		if (!model.isTextual() || model.asText().isBlank()) {
			throw new InvalidRequestException("model: Field required");
		}
		JsonNode maxTokens = body.path("max_tokens");
		if (!maxTokens.canConvertToInt() || !maxTokens.isIntegralNumber()) {
			throw new InvalidRequestException("max_tokens: Field required");
		}
		if (maxTokens.asInt() < 1) {
			throw new InvalidRequestException("max_tokens: Input should be greater than or equal to 1");
		}
		JsonNode messages = body.path("messages");
		if (!messages.isArray() || messages.isEmpty()) {
			throw new InvalidRequestException("messages: Field required");
		}
		List<SimulatedRequest.Tool> tools = new ArrayList<>();
		long characters = Turn.of(body.path("system")).characters();
		for (JsonNode tool : body.path("tools")) {
			tools.add(new SimulatedRequest.Tool(tool.path("name").asText(), tool.path("input_schema")));
			characters += tool.toString().length();
		}
		long images = 0;
		Turn lastUser = Turn.of(null);
		for (JsonNode message : messages) {
			String role = message.path("role").asText();
			if (!role.equals("user") && !role.equals("assistant")) {
				throw new InvalidRequestException("messages: role must be 'user' or 'assistant'");
			}
			Turn turn = Turn.of(message.path("content"));
			characters += turn.characters();
			images += turn.images();
			if (role.equals("user")) {
				lastUser = turn;
			}
		}
		JsonNode toolChoice = body.path("tool_choice");
		JsonNode outputSchema = body.path("output_config").path("format").path("schema");
		return new SimulatedRequest(model.asText(), maxTokens.asInt(), body.path("stream").asBoolean(false),
				SimulatedRequest.inputTokens(characters, images), lastUser.text(), lastUser.images(),
				lastUser.toolResults(), tools, toolChoice.path("type").asText("auto"),
				toolChoice.path("name").textValue(), outputSchema.isObject() ? outputSchema : null);
	}

	/**
	 * What the simulator reads from the content of a turn.
	 */
	private record Turn(String text, int images, List<String> toolResults, long characters) {

		static Turn of(@Nullable JsonNode content) {
			if (content == null || content.isMissingNode() || content.isNull()) {
				return new Turn("", 0, List.of(), 0);
			}
			if (content.isTextual()) {
				return new Turn(content.asText(), 0, List.of(), content.asText().length());
			}
			List<String> parts = new ArrayList<>();
			List<String> toolResults = new ArrayList<>();
			int images = 0;
			long characters = 0;
			for (JsonNode block : content) {
				switch (block.path("type").asText()) {
					case "text" -> parts.add(block.path("text").asText());
					case "image" -> images++;
					case "tool_use" -> characters += block.path("input").toString().length();
					case "tool_result" -> {
						Turn result = Turn.of(block.path("content"));
						toolResults.add(result.text());
						characters += result.characters();
						images += result.images();
					}
					default -> {
						// documents and other blocks: accepted, and not read
					}
				}
			}
			String text = String.join("\n", parts);
			return new Turn(text, images, toolResults, characters + text.length());
		}

	}

}
