package dev.llmresilience.springai.provider;

import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmMessage;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmTool;
import dev.llmresilience.LlmToolChoice;
import dev.llmresilience.provider.ToolCalls;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.lang.Nullable;
import org.springframework.util.MimeType;
import org.springframework.util.StringUtils;

/**
 * Writes a neutral request as a Spring AI {@link Prompt}: the system prompt, the turns
 * with their media, tool calls and tool results, and the portable options with the
 * model's name and the tools as definitions only, so that the Spring AI model returns the
 * tool calls rather than running them.
 * <p>
 * Portable options have no field for a tool choice, an output schema, reasoning, parallel
 * tool calls or extra body fields, and a tool response holds text only: a request that
 * needs one of them is refused with a reason ({@link #unsupported}), so that the chain
 * moves on rather than send it with less meaning. Reasoning of earlier turns is left out,
 * as the OpenAI format leaves it out, and so are blocks only another wire format knows.
 */
final class SpringAiPrompts {

	/**
	 * The metadata key that marks each message of a prompt written for an attempt of the
	 * pipeline. Metadata stays in the process: no model sends it.
	 */
	static final String ATTEMPT_MARKER = "llm-resilience-attempt";

	private static final Map<String, Object> MARKED = Map.of(ATTEMPT_MARKER, true);

	private static final MimeType ANY_IMAGE = MimeType.valueOf("image/*");

	private SpringAiPrompts() {
	}

	/**
	 * Return why a request cannot be written as a Spring AI prompt, or {@code null} if it
	 * can.
	 * @param model the model the request would go to
	 * @param request the request
	 * @return the reason, or {@code null}
	 */
	@Nullable
	static String unsupported(LlmModel model, LlmRequest request) {
		if (request.toolChoice() != null && request.toolChoice().mode() != LlmToolChoice.Mode.AUTO) {
			return "ToolChoiceNotSupported";
		}
		if (request.outputSchema() != null) {
			return "OutputSchemaNotSupported";
		}
		if (request.reasoning() != null && !request.reasoning().optional()) {
			return "ReasoningNotSupported";
		}
		if (request.parallelToolCalls() != null) {
			return "ParallelToolCallsNotSupported";
		}
		if (!request.extraBody().isEmpty() || !model.extraBody().isEmpty()) {
			return "ExtraBodyNotSupported";
		}
		for (LlmMessage message : request.messages()) {
			for (LlmContent block : message.content()) {
				if (block instanceof LlmContent.ToolResult result
						&& !result.content().stream().allMatch(LlmContent.Text.class::isInstance)) {
					return "ToolResultMediaNotSupported";
				}
			}
		}
		return null;
	}

	/**
	 * Write a request as a prompt for one model.
	 * @param chatModel the chat model the prompt is for
	 * @param model the model, whose name goes into the options
	 * @param request the request, which {@link #unsupported} accepted
	 * @return the prompt
	 */
	static Prompt prompt(ChatModel chatModel, LlmModel model, LlmRequest request) {
		List<Message> messages = new ArrayList<>();
		if (StringUtils.hasLength(request.system())) {
			messages.add(SystemMessage.builder().text(request.system()).metadata(MARKED).build());
		}
		// a tool response names its tool, which a neutral result knows only by its call
		Map<String, String> toolNames = new HashMap<>();
		for (LlmMessage message : request.messages()) {
			if (message.role() == LlmMessage.Role.USER) {
				user(message.content(), toolNames, messages);
			}
			else {
				messages.add(assistant(message.content(), toolNames));
			}
		}
		return new Prompt(messages, options(chatModel, model, request));
	}

	/**
	 * Return whether a prompt was written by {@link #prompt}, as the prompt a chat model
	 * passes to its observation still shows.
	 * @param prompt the prompt
	 * @return whether it is the prompt of an attempt
	 */
	static boolean isAttemptPrompt(Prompt prompt) {
		return !prompt.getInstructions().isEmpty() && prompt.getInstructions()
			.stream()
			.allMatch((message) -> Boolean.TRUE.equals(message.getMetadata().get(ATTEMPT_MARKER)));
	}

	private static ChatOptions options(ChatModel chatModel, LlmModel model, LlmRequest request) {
		List<ToolCallback> tools = request.tools()
			.stream()
			.map(DeclaredTool::new)
			.map(ToolCallback.class::cast)
			.toList();
		return PortableOptions.withDeclaredTools(chatModel, model.name(), model.outputTokensFor(request),
				request.temperature(), request.topP(),
				request.stopSequences().isEmpty() ? null : request.stopSequences(), tools);
	}

	private static void user(List<LlmContent> content, Map<String, String> toolNames, List<Message> messages) {
		List<ToolResponseMessage.ToolResponse> responses = new ArrayList<>();
		StringBuilder text = new StringBuilder();
		List<Media> media = new ArrayList<>();
		for (LlmContent block : content) {
			if (block instanceof LlmContent.ToolResult result) {
				responses.add(new ToolResponseMessage.ToolResponse(ToolCalls.portableId(result.callId()),
						toolNames.getOrDefault(result.callId(), ""), toolResultText(result)));
			}
			else if (block instanceof LlmContent.Text part) {
				append(text, part.text());
			}
			else if (block instanceof LlmContent.Image image) {
				media.add(image(image));
			}
			else if (block instanceof LlmContent.Document document) {
				document(document, text, media);
			}
		}
		// tool results answer the turn before, so they come first, as in the OpenAI
		// format
		if (!responses.isEmpty()) {
			messages.add(ToolResponseMessage.builder().responses(responses).metadata(MARKED).build());
		}
		if (!text.isEmpty() || !media.isEmpty()) {
			messages.add(UserMessage.builder().text(text.toString()).media(media).metadata(MARKED).build());
		}
	}

	private static String toolResultText(LlmContent.ToolResult result) {
		String text = result.content()
			.stream()
			.map((part) -> ((LlmContent.Text) part).text())
			.collect(Collectors.joining("\n"));
		// a tool response has no error flag, so the failure is said in its text
		return result.error() ? "Error: " + text : text;
	}

	private static Media image(LlmContent.Image image) {
		if (image.url() != null) {
			return new Media((image.mediaType() != null) ? MimeType.valueOf(image.mediaType()) : ANY_IMAGE,
					image.url());
		}
		return Media.builder()
			.mimeType(MimeType.valueOf(image.mediaType()))
			.data(Base64.getDecoder().decode(image.data()))
			.build();
	}

	private static void document(LlmContent.Document document, StringBuilder text, List<Media> media) {
		if (!document.isPdf()) {
			append(text, (document.title() != null) ? document.title() + "\n\n" + document.data() : document.data());
			return;
		}
		Media.Builder pdf = Media.builder().mimeType(Media.Format.DOC_PDF);
		if (document.title() != null) {
			pdf.name(document.title());
		}
		URI url = document.url();
		media.add(((url != null) ? pdf.data(url) : pdf.data(Base64.getDecoder().decode(document.data()))).build());
	}

	private static AssistantMessage assistant(List<LlmContent> content, Map<String, String> toolNames) {
		StringBuilder text = new StringBuilder();
		List<AssistantMessage.ToolCall> calls = new ArrayList<>();
		for (LlmContent block : content) {
			if (block instanceof LlmContent.Text part) {
				append(text, part.text());
			}
			else if (block instanceof LlmContent.Refusal refusal) {
				append(text, refusal.text());
			}
			else if (block instanceof LlmContent.ToolCall call) {
				// ids of another provider's calls are made ones every wire format takes
				toolNames.put(call.id(), call.name());
				calls.add(new AssistantMessage.ToolCall(ToolCalls.portableId(call.id()), "function", call.name(),
						call.rawInput()));
			}
		}
		return AssistantMessage.builder().content(text.toString()).toolCalls(calls).properties(MARKED).build();
	}

	private static void append(StringBuilder text, String part) {
		if (!text.isEmpty()) {
			text.append("\n\n");
		}
		text.append(part);
	}

	/**
	 * A tool as a definition only: the model may ask for it, and since internal tool
	 * execution is off, Spring AI hands the call back rather than running it.
	 */
	private record DeclaredTool(LlmTool tool) implements ToolCallback {

		@Override
		public ToolDefinition getToolDefinition() {
			return ToolDefinition.builder()
				.name(this.tool.name())
				.description((this.tool.description() != null) ? this.tool.description() : this.tool.name())
				.inputSchema(this.tool.inputSchema().toString())
				.build();
		}

		@Override
		public String call(String toolInput) {
			throw new IllegalStateException(
					"Tool '" + this.tool.name() + "' is declared only; its calls are returned to the caller");
		}

	}

}
