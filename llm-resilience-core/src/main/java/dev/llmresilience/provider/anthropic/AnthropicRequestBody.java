package dev.llmresilience.provider.anthropic;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmresilience.LlmCapability;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmMessage;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmOutputSchema;
import dev.llmresilience.LlmReasoning;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmTool;
import dev.llmresilience.LlmToolChoice;
import dev.llmresilience.provider.ToolCalls;

import org.springframework.lang.Nullable;

/**
 * Writes the neutral parts of a request in the Messages API's format: the turns with
 * their content blocks, the tools and tool choice, the output schema, and thinking.
 * <p>
 * What the format cannot take is left out where the documentation says so: unsigned
 * reasoning (from OpenAI-compatible servers, Anthropic needs its own signature), and
 * blocks only another wire format knows. A turn left empty by that is left out, and
 * Anthropic joins the turns of one role that then follow each other.
 * <p>
 * Thinking allows only the tool choices {@code auto} and {@code none}, never a forced
 * call ({@code any}, {@code tool}). A request whose tool choice forces a call (its own
 * {@link LlmToolChoice#REQUIRED} or {@link LlmToolChoice#tool tool} choice, or the answer
 * tool that stands in for structured output) gets the forced call without thinking when
 * its reasoning is {@link LlmReasoning#optional() optional}; when its reasoning is
 * required, the format cannot carry it ({@link #unsupported}).
 */
final class AnthropicRequestBody {

	/** The format of {@link LlmContent.ProviderBlock}s this API takes back. */
	static final String FORMAT = "anthropic";

	/** Why a request of required thinking and a forced tool call cannot be sent. */
	static final String THINKING_WITH_FORCED_TOOL = "ThinkingWithForcedTool";

	private AnthropicRequestBody() {
	}

	/**
	 * Return whether a request's output schema is met with the native structured output
	 * ({@code output_config.format}), which only some models have: those configured with
	 * {@link LlmCapability#STRUCTURED_OUTPUT}. The others get a tool of the schema's name
	 * whose input is the answer.
	 * @param model the model
	 * @param request the request
	 * @return whether the answer comes as a forced tool call
	 */
	static boolean answersWithTool(LlmModel model, LlmRequest request) {
		return request.outputSchema() != null && !model.declares(LlmCapability.STRUCTURED_OUTPUT);
	}

	/**
	 * Return why this format cannot carry a request, or {@code null} if it can: thinking
	 * that the request requires, with a tool choice that forces a tool call, which the
	 * API rejects. Optional thinking is left out instead.
	 * @param model the model
	 * @param request the request
	 * @return the reason, or {@code null}
	 */
	@Nullable
	static String unsupported(LlmModel model, LlmRequest request) {
		LlmReasoning reasoning = request.reasoning();
		if (reasoning != null && !reasoning.optional() && model.supports(LlmCapability.REASONING)
				&& forcesToolCall(model, request)) {
			return THINKING_WITH_FORCED_TOOL;
		}
		return null;
	}

	/**
	 * Return whether the tool choice sent forces a tool call: the answer tool's always
	 * does, the request's own choice when it is {@code REQUIRED} or {@code TOOL} and
	 * there are tools to call.
	 */
	private static boolean forcesToolCall(LlmModel model, LlmRequest request) {
		if (answersWithTool(model, request)) {
			return true;
		}
		LlmToolChoice choice = request.toolChoice();
		return !request.tools().isEmpty() && choice != null
				&& (choice.mode() == LlmToolChoice.Mode.REQUIRED || choice.mode() == LlmToolChoice.Mode.TOOL);
	}

	/**
	 * Write the turns as the {@code messages} array.
	 * @param request the request
	 * @param body the wire body
	 */
	static void messages(LlmRequest request, ObjectNode body) {
		ArrayNode messages = body.putArray("messages");
		for (LlmMessage message : request.messages()) {
			List<LlmContent> content = message.content();
			String role = (message.role() == LlmMessage.Role.USER) ? "user" : "assistant";
			if (content.size() == 1 && content.get(0) instanceof LlmContent.Text text && text.citations().isEmpty()) {
				// the plain form, as the request of a text prompt has always been sent
				messages.addObject().put("role", role).put("content", text.text());
				continue;
			}
			ArrayNode blocks = body.arrayNode();
			content.forEach((block) -> block(block, blocks));
			if (!blocks.isEmpty()) {
				ObjectNode turn = messages.addObject().put("role", role);
				turn.set("content", blocks);
			}
		}
	}

	private static void block(LlmContent block, ArrayNode blocks) {
		if (block instanceof LlmContent.Text text) {
			blocks.addObject().put("type", "text").put("text", text.text());
		}
		else if (block instanceof LlmContent.Image image) {
			ObjectNode source = blocks.addObject().put("type", "image").putObject("source");
			source(source, image.mediaType(), image.data(), image.url());
		}
		else if (block instanceof LlmContent.Document document) {
			ObjectNode node = blocks.addObject().put("type", "document");
			ObjectNode source = node.putObject("source");
			if (document.isPdf()) {
				source(source, document.mediaType(), document.data(), document.url());
			}
			else {
				source.put("type", "text")
					.put("media_type", LlmContent.Document.PLAIN_TEXT)
					.put("data", document.data());
			}
			if (document.title() != null) {
				node.put("title", document.title());
			}
		}
		else if (block instanceof LlmContent.ToolCall call) {
			blocks.addObject()
				.put("type", "tool_use")
				.put("id", ToolCalls.portableId(call.id()))
				.put("name", call.name())
				.set("input", ToolCalls.inputObject(call));
		}
		else if (block instanceof LlmContent.ToolResult result) {
			ObjectNode node = blocks.addObject()
				.put("type", "tool_result")
				.put("tool_use_id", ToolCalls.portableId(result.callId()));
			ArrayNode content = node.putArray("content");
			result.content().forEach((part) -> block(part, content));
			if (result.error()) {
				node.put("is_error", true);
			}
		}
		else if (block instanceof LlmContent.Reasoning reasoning) {
			// Anthropic takes back only the thinking it signed
			if (reasoning.signature() != null) {
				blocks.addObject()
					.put("type", "thinking")
					.put("thinking", reasoning.text())
					.put("signature", reasoning.signature());
			}
		}
		else if (block instanceof LlmContent.RedactedReasoning redacted) {
			blocks.addObject().put("type", "redacted_thinking").put("data", redacted.data());
		}
		else if (block instanceof LlmContent.Refusal refusal) {
			blocks.addObject().put("type", "text").put("text", refusal.text());
		}
		else if (block instanceof LlmContent.ProviderBlock provider && FORMAT.equals(provider.format())) {
			blocks.add(provider.json().deepCopy());
		}
	}

	private static void source(ObjectNode source, String mediaType, String data, URI url) {
		if (url != null) {
			source.put("type", "url").put("url", url.toString());
		}
		else {
			source.put("type", "base64").put("media_type", mediaType).put("data", data);
		}
	}

	/**
	 * Write the tools, the tool choice, the output schema and thinking.
	 * @param model the model
	 * @param request the request
	 * @param maxTokens the output token limit sent, which the thinking budget must stay
	 * under
	 * @param body the wire body
	 */
	static void options(LlmModel model, LlmRequest request, int maxTokens, ObjectNode body) {
		LlmReasoning reasoning = request.reasoning();
		// The budget is at least 1024 tokens and below max_tokens, and thinking allows no
		// forced tool call: optional reasoning that cannot fit, or would meet a forced
		// call, is left out; required reasoning is sent for the API to reject rather
		// than answered without (a chain skips the model before: see unsupported).
		boolean thinking = reasoning != null && model.supports(LlmCapability.REASONING) && (!reasoning.optional()
				|| (maxTokens > LlmReasoning.MIN_BUDGET_TOKENS && !forcesToolCall(model, request)));
		boolean answerTool = answersWithTool(model, request);
		if (!request.tools().isEmpty() || answerTool) {
			ArrayNode tools = body.putArray("tools");
			request.tools().forEach((tool) -> tool(tool, tools));
			if (answerTool) {
				LlmOutputSchema schema = request.outputSchema();
				tool(new LlmTool(schema.name(), "Give the whole answer as this tool's input, following its schema.",
						schema.schema()), tools);
			}
			toolChoice(request, answerTool, body);
		}
		if (request.outputSchema() != null && !answerTool) {
			body.putObject("output_config")
				.putObject("format")
				.put("type", "json_schema")
				.set("schema", request.outputSchema().schema());
		}
		if (thinking) {
			int budget = Math.max(LlmReasoning.MIN_BUDGET_TOKENS,
					Math.min(reasoning.effectiveBudgetTokens(), maxTokens - 1));
			body.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
		}
	}

	private static void tool(LlmTool tool, ArrayNode tools) {
		ObjectNode node = tools.addObject().put("name", tool.name());
		if (tool.description() != null) {
			node.put("description", tool.description());
		}
		node.set("input_schema", tool.inputSchema());
	}

	private static void toolChoice(LlmRequest request, boolean answerTool, ObjectNode body) {
		LlmToolChoice choice = request.toolChoice();
		ObjectNode node = body.objectNode();
		if (answerTool) {
			// Without tools of its own, or with none it may call, the answer tool is
			// forced; with them the model must call one, the answer tool when it is
			// done.
			if (request.tools().isEmpty() || (choice != null && choice.mode() == LlmToolChoice.Mode.NONE)) {
				node.put("type", "tool").put("name", request.outputSchema().name());
			}
			else {
				node.put("type", "any");
			}
		}
		else if (choice != null) {
			switch (choice.mode()) {
				case AUTO -> node.put("type", "auto");
				case REQUIRED -> node.put("type", "any");
				case NONE -> node.put("type", "none");
				case TOOL -> node.put("type", "tool").put("name", choice.toolName());
			}
		}
		// tool_choice none has no disable_parallel_tool_use: no call, none in parallel
		if (Boolean.FALSE.equals(request.parallelToolCalls()) && !"none".equals(node.path("type").asText())) {
			if (!node.has("type")) {
				node.put("type", "auto");
			}
			node.put("disable_parallel_tool_use", true);
		}
		if (!node.isEmpty()) {
			body.set("tool_choice", node);
		}
	}

}
