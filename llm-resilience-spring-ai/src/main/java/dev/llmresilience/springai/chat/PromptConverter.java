package dev.llmresilience.springai.chat;

import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmMessage;
import dev.llmresilience.LlmOutputSchema;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmTool;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.lang.Nullable;
import org.springframework.util.MimeType;
import org.springframework.util.StringUtils;

/**
 * Maps a Spring AI {@link Prompt}, its options merged already, to an {@link LlmRequest}:
 * system messages to the system prompt, user messages and their media to user turns,
 * assistant messages and their tool calls to assistant turns, tool responses to tool
 * results, the tools the options resolve to {@link LlmTool}s.
 */
class PromptConverter {

	/**
	 * The name of the output schema of a native structured answer; it must differ from
	 * every tool's name, since a model without native structured output answers through a
	 * tool of that name.
	 */
	static final String OUTPUT_SCHEMA_NAME = "structured_answer";

	private final ToolCallingManager toolCallingManager;

	private final ObjectMapper objectMapper;

	PromptConverter(ToolCallingManager toolCallingManager, ObjectMapper objectMapper) {
		this.toolCallingManager = toolCallingManager;
		this.objectMapper = objectMapper;
	}

	LlmRequest toRequest(Prompt prompt, LlmResilienceChatOptions options) {
		refuseOptionsWithoutNeutralForm(options);
		LlmRequest.Builder request = LlmRequest.builder();
		List<String> system = new ArrayList<>();
		for (Message message : prompt.getInstructions()) {
			if (message instanceof SystemMessage systemMessage) {
				// a turn of the system's has no place among the turns: every provider
				// takes one system prompt ahead of them
				if (StringUtils.hasText(systemMessage.getText())) {
					system.add(systemMessage.getText());
				}
			}
			else {
				request.message(toMessage(message));
			}
		}
		if (!system.isEmpty()) {
			request.system(String.join("\n\n", system));
		}
		if (options.getChain() != null && options.getModel() != null) {
			throw new UnsupportedPromptException("The options name the chain '" + options.getChain()
					+ "' and the model '" + options.getModel() + "': a prompt goes to one or the other");
		}
		if (options.getChain() != null) {
			request.chain(options.getChain());
		}
		if (options.getModel() != null) {
			request.model(options.getModel());
		}
		request.maxTokens(options.getMaxTokens())
			.temperature(options.getTemperature())
			.topP(options.getTopP())
			.timeout(options.getTimeout())
			.tags(options.getTags());
		if (options.getPriority() != null) {
			request.priority(options.getPriority());
		}
		if (options.getStopSequences() != null) {
			request.stopSequences(options.getStopSequences());
		}
		for (ToolDefinition definition : this.toolCallingManager.resolveToolDefinitions(options)) {
			request.tool(new LlmTool(definition.name(), definition.description(),
					jsonObject(definition.inputSchema(), "The input schema of tool '" + definition.name() + "'")));
		}
		if (StringUtils.hasText(options.getOutputSchema())) {
			request.outputSchema(new LlmOutputSchema(OUTPUT_SCHEMA_NAME,
					jsonObject(options.getOutputSchema(), "The output schema"), false));
		}
		return request.build();
	}

	private static void refuseOptionsWithoutNeutralForm(LlmResilienceChatOptions options) {
		refuseIfSet("topK", options.getTopK());
		refuseIfSet("frequencyPenalty", options.getFrequencyPenalty());
		refuseIfSet("presencePenalty", options.getPresencePenalty());
	}

	private static void refuseIfSet(String option, @Nullable Object value) {
		if (value != null) {
			throw new UnsupportedPromptException("The option '" + option
					+ "' has no provider-neutral form: a fallback to another provider could not honour it");
		}
	}

	private LlmMessage toMessage(Message message) {
		if (message instanceof UserMessage user) {
			List<LlmContent> blocks = new ArrayList<>();
			if (StringUtils.hasLength(user.getText())) {
				blocks.add(LlmContent.text(user.getText()));
			}
			user.getMedia().forEach((media) -> blocks.add(toBlock(media)));
			return new LlmMessage(LlmMessage.Role.USER, blocks.isEmpty() ? List.of(LlmContent.text("")) : blocks);
		}
		if (message instanceof AssistantMessage assistant) {
			List<LlmContent> blocks = new ArrayList<>();
			if (StringUtils.hasLength(assistant.getText())) {
				blocks.add(LlmContent.text(assistant.getText()));
			}
			for (AssistantMessage.ToolCall call : assistant.getToolCalls()) {
				String arguments = (call.arguments() != null) ? call.arguments() : "";
				blocks.add(new LlmContent.ToolCall(call.id(), call.name(), parseArguments(arguments), arguments));
			}
			return new LlmMessage(LlmMessage.Role.ASSISTANT, blocks.isEmpty() ? List.of(LlmContent.text("")) : blocks);
		}
		if (message instanceof ToolResponseMessage toolResponses) {
			List<LlmContent> results = new ArrayList<>();
			for (ToolResponseMessage.ToolResponse response : toolResponses.getResponses()) {
				String data = (response.responseData() != null) ? response.responseData() : "";
				results.add(LlmContent.toolResult(response.id(), data));
			}
			return new LlmMessage(LlmMessage.Role.USER, results);
		}
		throw new UnsupportedPromptException(
				"A message of type " + message.getMessageType() + " has no provider-neutral form");
	}

	/**
	 * Return a tool call's arguments parsed, or {@code null} when they are not a JSON
	 * object: the call then goes back with its raw arguments, as the neutral model keeps
	 * an incomplete call.
	 */
	@Nullable
	private JsonNode parseArguments(String arguments) {
		try {
			JsonNode input = this.objectMapper.readTree(arguments);
			return (input != null && input.isObject()) ? input : null;
		}
		catch (JsonProcessingException ex) {
			return null;
		}
	}

	private static LlmContent toBlock(Media media) {
		MimeType type = media.getMimeType();
		Object data = media.getData();
		String mediaType = type.getType() + "/" + type.getSubtype();
		if ("image".equals(type.getType())) {
			if (data instanceof byte[] bytes) {
				return LlmContent.image(mediaType, Base64.getEncoder().encodeToString(bytes));
			}
			if (data instanceof String text) {
				return text.startsWith("data:") ? imageFromDataUrl(text) : LlmContent.image(toUri(text));
			}
		}
		else if (LlmContent.Document.PDF.equals(mediaType)) {
			if (data instanceof byte[] bytes) {
				return LlmContent.pdf(Base64.getEncoder().encodeToString(bytes), null);
			}
			if (data instanceof String text) {
				return LlmContent.pdf(toUri(text), null);
			}
		}
		else if (LlmContent.Document.PLAIN_TEXT.equals(mediaType) && data instanceof byte[] bytes) {
			return LlmContent.plainText(new String(bytes, charsetOf(type)), null);
		}
		throw new UnsupportedPromptException(
				"Media of type " + mediaType + " given as " + data.getClass().getSimpleName()
						+ " has no provider-neutral form: images, PDFs and plain text (as bytes) do");
	}

	private static Charset charsetOf(MimeType type) {
		return (type.getCharset() != null) ? type.getCharset() : StandardCharsets.UTF_8;
	}

	private static LlmContent imageFromDataUrl(String dataUrl) {
		int comma = dataUrl.indexOf(',');
		String header = (comma > 0) ? dataUrl.substring("data:".length(), comma) : "";
		if (!header.endsWith(";base64")) {
			throw new UnsupportedPromptException("An image data URL must carry Base64 data");
		}
		return LlmContent.image(header.substring(0, header.length() - ";base64".length()),
				dataUrl.substring(comma + 1));
	}

	private static URI toUri(String url) {
		try {
			return URI.create(url);
		}
		catch (IllegalArgumentException ex) {
			throw new UnsupportedPromptException("Media given as text must be a URL or a data URL", ex);
		}
	}

	private JsonNode jsonObject(String json, String what) {
		try {
			JsonNode node = this.objectMapper.readTree(json);
			if (node != null && node.isObject()) {
				return node;
			}
		}
		catch (JsonProcessingException ex) {
			throw new UnsupportedPromptException(what + " is not JSON", ex);
		}
		throw new UnsupportedPromptException(what + " is not a JSON object");
	}

}
