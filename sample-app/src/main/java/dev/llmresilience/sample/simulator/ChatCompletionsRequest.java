package dev.llmresilience.sample.simulator;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import org.springframework.lang.Nullable;

/**
 * A Chat Completions request body: what the simulator reads from it, and whether a stream
 * ends with a usage chunk ({@code stream_options.include_usage}). Content may be a string
 * or an array of parts (text, images, files); tool results come as {@code role: tool}
 * messages after the assistant message that called the tools, each answering one of its
 * calls, whose ids have at most {@value #MAX_TOOL_CALL_ID_LENGTH} characters, as the real
 * API demands.
 *
 * @param request what the simulator reads
 * @param includeUsage whether a stream ends with a chunk that holds the usage
 */
record ChatCompletionsRequest(SimulatedRequest request, boolean includeUsage) {

	/** The longest tool call id OpenAI takes back. */
	static final int MAX_TOOL_CALL_ID_LENGTH = 40;

	private static final JsonNodeFactory json = JsonNodeFactory.instance;

	/**
	 * Read a request body.
	 * @param body the JSON body
	 * @return the request
	 * @throws InvalidRequestException if a required field is missing or malformed, naming
	 * the field
	 */
	static ChatCompletionsRequest read(JsonNode body) {
		if (!body.isObject()) {
			throw new InvalidRequestException("The request body must be a JSON object");
		}
		JsonNode model = body.path("model");
		if (!model.isTextual() || model.asText().isBlank()) {
			throw new InvalidRequestException("'model' is required", "model");
		}
		JsonNode messages = body.path("messages");
		if (!messages.isArray() || messages.isEmpty()) {
			throw new InvalidRequestException("'messages' must be an array of at least one message", "messages");
		}
		boolean stream = body.path("stream").asBoolean(false);
		JsonNode streamOptions = body.path("stream_options");
		if (!streamOptions.isMissingNode() && !streamOptions.isNull() && !stream) {
			throw new InvalidRequestException("'stream_options' is only allowed with 'stream': true", "stream_options");
		}
		List<SimulatedRequest.Tool> tools = new ArrayList<>();
		long characters = 0;
		for (JsonNode tool : body.path("tools")) {
			String name = tool.path("function").path("name").textValue();
			if (!"function".equals(tool.path("type").textValue()) || name == null || name.isBlank()) {
				throw new InvalidRequestException("each of 'tools' must be a function with a name", "tools");
			}
			tools.add(new SimulatedRequest.Tool(name, tool.path("function").path("parameters")));
			characters += tool.toString().length();
		}
		Conversation conversation = Conversation.of(messages);
		ToolChoice toolChoice = ToolChoice.of(body.path("tool_choice"), tools);
		return new ChatCompletionsRequest(
				new SimulatedRequest(model.asText(), maxTokens(body), stream,
						SimulatedRequest.inputTokens(characters + conversation.characters(), conversation.images()),
						conversation.lastUser().text(), conversation.lastUser().images(), conversation.toolResults(),
						tools, toolChoice.mode(), toolChoice.tool(), outputSchema(body.path("response_format"))),
				streamOptions.path("include_usage").asBoolean(false));
	}

	/**
	 * Return the output limit: {@code max_completion_tokens}, or the older
	 * {@code max_tokens}; without either the answer is not cut.
	 */
	private static int maxTokens(JsonNode body) {
		for (String field : new String[] { "max_completion_tokens", "max_tokens" }) {
			JsonNode limit = body.path(field);
			if (limit.isMissingNode() || limit.isNull()) {
				continue;
			}
			if (!limit.isIntegralNumber() || !limit.canConvertToInt() || limit.asInt() < 1) {
				throw new InvalidRequestException("'" + field + "' must be an integer of at least 1", field);
			}
			return limit.asInt();
		}
		return Integer.MAX_VALUE;
	}

	@Nullable
	private static JsonNode outputSchema(JsonNode format) {
		if (format.isMissingNode() || format.isNull()) {
			return null;
		}
		return switch (format.path("type").asText()) {
			case "text" -> null;
			case "json_object" -> json.objectNode().put("type", "object");
			case "json_schema" -> {
				JsonNode jsonSchema = format.path("json_schema");
				if (!jsonSchema.path("name").isTextual()) {
					throw new InvalidRequestException("'response_format.json_schema.name' is required",
							"response_format");
				}
				JsonNode schema = jsonSchema.path("schema");
				yield schema.isObject() ? schema : json.objectNode().put("type", "object");
			}
			default -> throw new InvalidRequestException(
					"'response_format.type' must be 'text', 'json_object' or 'json_schema'", "response_format");
		};
	}

	/**
	 * What the simulator reads from the messages.
	 *
	 * @param characters the characters of every message's text, tool calls and results
	 * @param images the images of every message
	 * @param lastUser the last user message
	 * @param toolResults the results of the tools the last assistant message called
	 */
	private record Conversation(long characters, long images, Content lastUser, List<String> toolResults) {

		static Conversation of(JsonNode messages) {
			long characters = 0;
			long images = 0;
			Content lastUser = Content.of(null);
			List<String> toolResults = new ArrayList<>();
			// the calls of the last assistant message that no tool message answered yet
			Set<String> unanswered = new LinkedHashSet<>();
			for (JsonNode message : messages) {
				String role = message.path("role").asText();
				if (!role.equals("tool") && !unanswered.isEmpty()) {
					throw unanswered(unanswered);
				}
				Content content = Content.of(message.path("content"));
				characters += content.characters();
				images += content.images();
				switch (role) {
					case "system", "developer" -> {
						// instructions: counted, and not read
					}
					case "user" -> lastUser = content;
					case "assistant" -> {
						toolResults.clear();
						for (JsonNode call : message.path("tool_calls")) {
							String id = call.path("id").textValue();
							if (id == null || id.isBlank() || !call.path("function").path("name").isTextual()) {
								throw new InvalidRequestException(
										"each tool call of an assistant message needs an 'id' and a function name",
										"messages");
							}
							if (id.length() > MAX_TOOL_CALL_ID_LENGTH) {
								throw new InvalidRequestException("the tool call id " + id + " is longer than "
										+ MAX_TOOL_CALL_ID_LENGTH + " characters", "messages");
							}
							characters += call.path("function").path("arguments").asText().length();
							unanswered.add(id);
						}
					}
					case "tool" -> {
						String id = message.path("tool_call_id").asText();
						if (!unanswered.remove(id)) {
							throw new InvalidRequestException("a message with role 'tool' must answer a tool call of"
									+ " the assistant message before it; 'tool_call_id' " + id + " answers none",
									"messages");
						}
						toolResults.add(content.text());
					}
					default -> throw new InvalidRequestException("'role' must be 'system', 'developer', 'user',"
							+ " 'assistant' or 'tool', not '" + role + "'", "messages");
				}
			}
			if (!unanswered.isEmpty()) {
				throw unanswered(unanswered);
			}
			return new Conversation(characters, images, lastUser, List.copyOf(toolResults));
		}

		private static InvalidRequestException unanswered(Set<String> calls) {
			return new InvalidRequestException(
					"an assistant message with 'tool_calls' must be followed by a message"
							+ " with role 'tool' for each of them; unanswered: " + String.join(", ", calls),
					"messages");
		}

	}

	/**
	 * What the simulator reads from the content of a message: a string, or an array of
	 * parts of which text is read, images are counted, and files and audio are accepted
	 * and not read.
	 */
	private record Content(String text, int images, long characters) {

		static Content of(@Nullable JsonNode content) {
			if (content == null || content.isMissingNode() || content.isNull()) {
				return new Content("", 0, 0);
			}
			if (content.isTextual()) {
				return new Content(content.asText(), 0, content.asText().length());
			}
			List<String> parts = new ArrayList<>();
			int images = 0;
			for (JsonNode part : content) {
				switch (part.path("type").asText()) {
					case "text" -> parts.add(part.path("text").asText());
					case "image_url" -> images++;
					default -> {
						// files, audio and refusals: accepted, and not read
					}
				}
			}
			String text = String.join("\n", parts);
			return new Content(text, images, text.length());
		}

	}

	/**
	 * The {@code tool_choice}, in the simulator's terms.
	 *
	 * @param mode {@code auto}, {@code any} (OpenAI's {@code required}), {@code tool} or
	 * {@code none}
	 * @param tool the function that must be called in mode {@code tool}, or {@code null}
	 */
	private record ToolChoice(String mode, @Nullable String tool) {

		static ToolChoice of(JsonNode choice, List<SimulatedRequest.Tool> tools) {
			if (choice.isMissingNode() || choice.isNull()) {
				return new ToolChoice("auto", null);
			}
			if (tools.isEmpty()) {
				throw new InvalidRequestException("'tool_choice' is only allowed together with 'tools'", "tool_choice");
			}
			if (choice.isObject()) {
				String name = choice.path("function").path("name").asText();
				if (tools.stream().noneMatch((tool) -> tool.name().equals(name))) {
					throw new InvalidRequestException("'tool_choice' names a function that is not one of 'tools'",
							"tool_choice");
				}
				return new ToolChoice("tool", name);
			}
			return switch (choice.asText()) {
				case "auto", "none" -> new ToolChoice(choice.asText(), null);
				case "required" -> new ToolChoice("any", null);
				default -> throw new InvalidRequestException(
						"'tool_choice' must be 'none', 'auto', 'required' or a function", "tool_choice");
			};
		}

	}

}
