package dev.llmresilience.sample.simulator;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The parts of a Messages API request body that the simulator uses. Content may be a
 * string or an array of blocks, as the API allows; only text blocks count.
 *
 * @param model the model name
 * @param maxTokens the output token limit
 * @param stream whether the answer is streamed
 * @param inputTokens an estimate of the prompt's tokens, about four characters each
 * @param lastUserText the text of the last user turn, empty if there is none
 */
record MessagesRequest(String model, int maxTokens, boolean stream, long inputTokens, String lastUserText) {

	/**
	 * Read a request body.
	 * @param body the JSON body
	 * @return the request
	 * @throws InvalidRequestException if a required field is missing or malformed, with a
	 * message in the API's own style
	 */
	static MessagesRequest from(JsonNode body) {
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
		long characters = text(body.path("system")).length();
		String lastUserText = "";
		for (JsonNode message : messages) {
			String role = message.path("role").asText();
			if (!role.equals("user") && !role.equals("assistant")) {
				throw new InvalidRequestException("messages: role must be 'user' or 'assistant'");
			}
			String text = text(message.path("content"));
			characters += text.length();
			if (role.equals("user")) {
				lastUserText = text;
			}
		}
		return new MessagesRequest(model.asText(), maxTokens.asInt(), body.path("stream").asBoolean(false),
				Math.max(1, (characters + 3) / 4), lastUserText);
	}

	private static String text(JsonNode content) {
		if (content.isTextual()) {
			return content.asText();
		}
		List<String> parts = new ArrayList<>();
		for (JsonNode block : content) {
			if ("text".equals(block.path("type").asText())) {
				parts.add(block.path("text").asText());
			}
		}
		return String.join("\n", parts);
	}

	/**
	 * A request body that the real API would reject with {@code invalid_request_error}.
	 */
	static class InvalidRequestException extends RuntimeException {

		InvalidRequestException(String message) {
			super(message);
		}

	}

}
