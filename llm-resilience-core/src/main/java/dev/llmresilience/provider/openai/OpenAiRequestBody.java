package dev.llmresilience.provider.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmresilience.LlmCapability;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmMessage;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmOutputSchema;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmTool;
import dev.llmresilience.LlmToolChoice;
import dev.llmresilience.provider.ToolCalls;

import org.springframework.lang.Nullable;
import org.springframework.util.StringUtils;

/**
 * Writes the neutral parts of a request in the Chat Completions format: the system prompt
 * and turns, the tools and tool choice, the output schema and the reasoning effort.
 * <p>
 * The format has no block for some neutral content, so it is written in the nearest form
 * that keeps its meaning: a user turn's tool results become {@code role: tool} messages
 * before it; a failed tool's result is its text after {@code Error: }; images a tool
 * returned follow in a user message; a plain-text document is a text part after its
 * title; a refusal sent back is the assistant's text. Reasoning is left out: Chat
 * Completions takes none back. Blocks only another wire format knows are left out too.
 * <p>
 * A tool call's {@code arguments} are its {@link LlmContent.ToolCall#rawInput() raw
 * input}, unchanged, also when they are not JSON (a model's invalid arguments, or a call
 * cut off at the token limit): the string the format takes is what the model wrote.
 */
final class OpenAiRequestBody {

	/** The format of {@link LlmContent.ProviderBlock}s this API takes back. */
	static final String FORMAT = "openai";

	private OpenAiRequestBody() {
	}

	/**
	 * Return whether a request's output schema is met with a forced tool call rather than
	 * {@code response_format}: only for a model whose capabilities are configured without
	 * {@link LlmCapability#STRUCTURED_OUTPUT}.
	 * @param model the model
	 * @param request the request
	 * @return whether the answer comes as a tool call
	 */
	static boolean answersWithTool(LlmModel model, LlmRequest request) {
		return request.outputSchema() != null && !model.supports(LlmCapability.STRUCTURED_OUTPUT);
	}

	/**
	 * Return why this format cannot carry a request, or {@code null} if it can: Chat
	 * Completions takes PDFs only as data, never by URL.
	 * @param request the request
	 * @return the reason, or {@code null}
	 */
	@Nullable
	static String unsupported(LlmRequest request) {
		for (LlmMessage message : request.messages()) {
			for (LlmContent block : message.content()) {
				if (isPdfUrl(block) || (block instanceof LlmContent.ToolResult result
						&& result.content().stream().anyMatch(OpenAiRequestBody::isPdfUrl))) {
					return "PdfUrlNotSupported";
				}
			}
		}
		return null;
	}

	private static boolean isPdfUrl(LlmContent block) {
		return block instanceof LlmContent.Document document && document.url() != null;
	}

	/**
	 * Write the system prompt and the turns as the {@code messages} array.
	 * @param request the request
	 * @param body the wire body
	 */
	static void messages(LlmRequest request, ObjectNode body) {
		ArrayNode messages = body.putArray("messages");
		if (StringUtils.hasLength(request.system())) {
			messages.addObject().put("role", "system").put("content", request.system());
		}
		for (LlmMessage message : request.messages()) {
			if (message.role() == LlmMessage.Role.USER) {
				user(message.content(), messages);
			}
			else {
				assistant(message.content(), messages);
			}
		}
	}

	private static void user(List<LlmContent> content, ArrayNode messages) {
		if (content.size() == 1 && content.get(0) instanceof LlmContent.Text text) {
			// the plain form, as the request of a text prompt has always been sent
			messages.addObject().put("role", "user").put("content", text.text());
			return;
		}
		List<LlmContent> parts = new ArrayList<>();
		for (LlmContent block : content) {
			if (block instanceof LlmContent.ToolResult result) {
				toolMessage(result, messages, parts);
			}
		}
		content.stream().filter((block) -> !(block instanceof LlmContent.ToolResult)).forEach(parts::add);
		ArrayNode array = messages.arrayNode();
		parts.forEach((part) -> part(part, array));
		if (!array.isEmpty()) {
			messages.addObject().put("role", "user").set("content", array);
		}
	}

	/**
	 * Write a tool result as a {@code role: tool} message of its text; what else it holds
	 * (images, documents) goes to the user message that follows.
	 */
	private static void toolMessage(LlmContent.ToolResult result, ArrayNode messages, List<LlmContent> parts) {
		StringBuilder text = new StringBuilder(result.error() ? "Error: " : "");
		List<LlmContent> media = new ArrayList<>();
		for (LlmContent part : result.content()) {
			if (part instanceof LlmContent.Text partText) {
				text.append(partText.text());
			}
			else {
				media.add(part);
			}
		}
		messages.addObject()
			.put("role", "tool")
			.put("tool_call_id", ToolCalls.portableId(result.callId()))
			.put("content", text.toString());
		if (!media.isEmpty()) {
			parts.add(LlmContent.text("The tool call " + ToolCalls.portableId(result.callId()) + " also returned:"));
			parts.addAll(media);
		}
	}

	private static void part(LlmContent block, ArrayNode parts) {
		if (block instanceof LlmContent.Text text) {
			parts.addObject().put("type", "text").put("text", text.text());
		}
		else if (block instanceof LlmContent.Image image) {
			String url = (image.url() != null) ? image.url().toString()
					: "data:" + image.mediaType() + ";base64," + image.data();
			parts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
		}
		else if (block instanceof LlmContent.Document document && document.isPdf() && document.data() != null) {
			parts.addObject()
				.put("type", "file")
				.putObject("file")
				.put("filename", (document.title() != null) ? document.title() : "document.pdf")
				.put("file_data", "data:" + LlmContent.Document.PDF + ";base64," + document.data());
		}
		else if (block instanceof LlmContent.Document document && !document.isPdf()) {
			String title = (document.title() != null) ? document.title() + ":\n" : "";
			parts.addObject().put("type", "text").put("text", title + document.data());
		}
		else if (block instanceof LlmContent.ProviderBlock provider && FORMAT.equals(provider.format())) {
			parts.add(provider.json().deepCopy());
		}
	}

	private static void assistant(List<LlmContent> content, ArrayNode messages) {
		StringBuilder text = new StringBuilder();
		ArrayNode toolCalls = messages.arrayNode();
		for (LlmContent block : content) {
			if (block instanceof LlmContent.Text part) {
				text.append(part.text());
			}
			else if (block instanceof LlmContent.Refusal refusal) {
				text.append(refusal.text());
			}
			else if (block instanceof LlmContent.ToolCall call) {
				ObjectNode node = toolCalls.addObject()
					.put("id", ToolCalls.portableId(call.id()))
					.put("type", "function");
				// the arguments as the model wrote them, JSON or not: Chat Completions
				// takes a string, and the model sees what it wrote
				node.putObject("function").put("name", call.name()).put("arguments", call.rawInput());
			}
		}
		if (text.isEmpty() && toolCalls.isEmpty()) {
			// reasoning only, which this format does not take back
			return;
		}
		ObjectNode message = messages.addObject().put("role", "assistant");
		// null rather than empty when the turn only calls tools, as OpenAI answers it
		message.put("content", text.isEmpty() ? null : text.toString());
		if (!toolCalls.isEmpty()) {
			message.set("tool_calls", toolCalls);
		}
	}

	/**
	 * Write the tools, the tool choice, the output schema and the reasoning effort.
	 * @param model the model
	 * @param request the request
	 * @param body the wire body
	 */
	static void options(LlmModel model, LlmRequest request, ObjectNode body) {
		boolean answerTool = answersWithTool(model, request);
		LlmOutputSchema schema = request.outputSchema();
		if (!request.tools().isEmpty() || answerTool) {
			ArrayNode tools = body.putArray("tools");
			request.tools().forEach((tool) -> tool(tool, tools));
			if (answerTool) {
				tool(new LlmTool(schema.name(), "Give the whole answer as this tool's arguments, following its schema.",
						schema.schema()), tools);
			}
			toolChoice(request, answerTool, body);
			if (request.parallelToolCalls() != null) {
				body.put("parallel_tool_calls", request.parallelToolCalls());
			}
		}
		if (schema != null && !answerTool) {
			ObjectNode jsonSchema = body.putObject("response_format")
				.put("type", "json_schema")
				.putObject("json_schema")
				.put("name", schema.name());
			jsonSchema.set("schema", schema.schema());
			jsonSchema.put("strict", schema.strict());
		}
		if (request.reasoning() != null && model.supports(LlmCapability.REASONING)) {
			body.put("reasoning_effort", request.reasoning().effectiveEffort().name().toLowerCase(Locale.ROOT));
		}
	}

	private static void tool(LlmTool tool, ArrayNode tools) {
		ObjectNode function = tools.addObject().put("type", "function").putObject("function").put("name", tool.name());
		if (tool.description() != null) {
			function.put("description", tool.description());
		}
		function.set("parameters", tool.inputSchema());
	}

	private static void toolChoice(LlmRequest request, boolean answerTool, ObjectNode body) {
		LlmToolChoice choice = request.toolChoice();
		if (answerTool) {
			// Without tools of its own the answer tool is forced; with them the model
			// must call one, the answer tool when it is done.
			if (request.tools().isEmpty()) {
				body.putObject("tool_choice")
					.put("type", "function")
					.putObject("function")
					.put("name", request.outputSchema().name());
			}
			else {
				body.put("tool_choice", "required");
			}
		}
		else if (choice != null) {
			switch (choice.mode()) {
				case AUTO -> body.put("tool_choice", "auto");
				case REQUIRED -> body.put("tool_choice", "required");
				case NONE -> body.put("tool_choice", "none");
				case TOOL -> body.putObject("tool_choice")
					.put("type", "function")
					.putObject("function")
					.put("name", choice.toolName());
			}
		}
	}

}
