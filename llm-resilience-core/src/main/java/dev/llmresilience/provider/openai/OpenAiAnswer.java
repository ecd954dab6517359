package dev.llmresilience.provider.openai;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.StopReason;
import dev.llmresilience.provider.AnswerTool;
import dev.llmresilience.provider.ProviderErrorMapper;
import dev.llmresilience.provider.ResponseMetadata;
import dev.llmresilience.provider.StructuredOutput;
import dev.llmresilience.provider.ToolCalls;

import org.springframework.lang.Nullable;
import org.springframework.util.StringUtils;

/**
 * Reads a Chat Completions answer, unstreamed or assembled from its stream, into an
 * {@link LlmResponse}. The first choice's message gives, in this order: its reasoning
 * ({@code reasoning_content}, or {@code reasoning} as some compatible servers name it),
 * its text with the URL citations of its {@code annotations}, its {@code refusal}, and
 * its tool calls. With the {@link AnswerTool answer tool}, the structured output is its
 * arguments alone.
 */
final class OpenAiAnswer {

	private final ProviderErrorMapper errors;

	private final String provider;

	private final LlmModel model;

	private final LlmRequest request;

	OpenAiAnswer(ProviderErrorMapper errors, String provider, LlmModel model, LlmRequest request) {
		this.errors = errors;
		this.provider = provider;
		this.model = model;
		this.request = request;
	}

	/**
	 * Read an answer.
	 * @param body the chat completion
	 * @param metadata what the response's status and headers said
	 * @return the answer
	 * @throws dev.llmresilience.error.LlmInvalidResponseException if the body has no
	 * message, or a tool call has no name
	 */
	LlmResponse read(JsonNode body, ResponseMetadata metadata) {
		JsonNode choices = body.path("choices");
		if (!choices.isArray() || choices.isEmpty()) {
			throw this.errors.invalidResponse(this.model, "the body has no choices", null);
		}
		JsonNode choice = choices.get(0);
		JsonNode message = choice.path("message");
		if (!message.isObject()) {
			throw this.errors.invalidResponse(this.model, "the first choice has no message", null);
		}
		JsonNode finishReason = choice.path("finish_reason");
		String rawStopReason = finishReason.isTextual() ? finishReason.textValue() : null;
		StopReason stopReason = stopReason(rawStopReason);
		List<LlmContent> content = new ArrayList<>();
		String reasoning = reasoning(message);
		if (reasoning != null) {
			content.add(new LlmContent.Reasoning(reasoning, null));
		}
		String text = text(message.path("content"));
		if (!text.isEmpty()) {
			content.add(new LlmContent.Text(text, citations(message.path("annotations"))));
		}
		String refusal = message.path("refusal").textValue();
		if (StringUtils.hasLength(refusal)) {
			content.add(new LlmContent.Refusal(refusal));
			stopReason = StopReason.REFUSAL;
		}
		toolCalls(message.path("tool_calls"), content);
		String answer = null;
		if (OpenAiRequestBody.answersWithTool(this.model, this.request)) {
			AnswerTool.Answer read = AnswerTool.read(content, this.request.outputSchema().name());
			content = read.content();
			answer = read.answer();
		}
		if (answer != null && stopReason != StopReason.MAX_TOKENS) {
			// a forced tool call finishes with stop, an unforced one with tool_calls
			stopReason = StopReason.END_TURN;
		}
		JsonNode structuredOutput = (answer != null)
				? StructuredOutput.parse(answer, stopReason, this.request, this.errors, this.model)
				: StructuredOutput.parse(content, stopReason, this.request, this.errors, this.model);
		return new LlmResponse(content, structuredOutput, this.model.id(), modelName(body), this.provider, stopReason,
				rawStopReason, usage(body.path("usage")), metadata.requestId(), metadata.rateLimits(), false, List.of(),
				body);
	}

	/**
	 * Read the tool calls into content blocks.
	 */
	private void toolCalls(JsonNode toolCalls, List<LlmContent> content) {
		if (!toolCalls.isArray()) {
			return;
		}
		for (JsonNode toolCall : toolCalls) {
			JsonNode function = toolCall.path("function");
			String name = function.path("name").textValue();
			if (!StringUtils.hasText(name)) {
				throw this.errors.invalidResponse(this.model, "a tool call has no function name", null);
			}
			// arguments are a string at OpenAI; some compatible servers send the object
			JsonNode arguments = function.path("arguments");
			String raw = arguments.isTextual() ? arguments.textValue()
					: arguments.isObject() ? arguments.toString() : "";
			content.add(ToolCalls.read(ToolCalls.idOrNew(toolCall.path("id").textValue()), name, raw));
		}
	}

	@Nullable
	private static String reasoning(JsonNode message) {
		for (String field : OpenAiStream.REASONING_FIELDS) {
			String reasoning = message.path(field).textValue();
			if (StringUtils.hasLength(reasoning)) {
				return reasoning;
			}
		}
		return null;
	}

	private static List<LlmContent.Citation> citations(JsonNode annotations) {
		if (!annotations.isArray()) {
			return List.of();
		}
		List<LlmContent.Citation> citations = new ArrayList<>();
		for (JsonNode annotation : annotations) {
			String type = annotation.path("type").asText("");
			JsonNode detail = annotation.path(type);
			citations.add(new LlmContent.Citation(type, null, detail.path("title").textValue(),
					detail.path("url").textValue(), annotation));
		}
		return citations;
	}

	private String modelName(JsonNode body) {
		String name = body.path("model").textValue();
		return StringUtils.hasText(name) ? name : this.model.name();
	}

	/**
	 * Read the text of a message or delta. Content is a string at OpenAI; some compatible
	 * servers send an array of parts; it is {@code null} when the model only calls tools.
	 * @param content the {@code content} field
	 * @return the text, empty if there is none
	 */
	static String text(JsonNode content) {
		if (content.isTextual()) {
			return content.textValue();
		}
		StringBuilder text = new StringBuilder();
		if (content.isArray()) {
			for (JsonNode part : content) {
				if ("text".equals(part.path("type").textValue()) && part.path("text").isTextual()) {
					text.append(part.path("text").textValue());
				}
			}
		}
		return text.toString();
	}

	/**
	 * Read a {@code usage} object. {@code prompt_tokens} already include the tokens read
	 * from the prompt cache ({@code prompt_tokens_details.cached_tokens}); OpenAI reports
	 * no cache writes.
	 * @param usage the {@code usage} field
	 * @return the usage, {@link LlmUsage#NONE} if the field is not an object
	 */
	static LlmUsage usage(JsonNode usage) {
		if (!usage.isObject()) {
			return LlmUsage.NONE;
		}
		return new LlmUsage(usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0), 0,
				usage.path("prompt_tokens_details").path("cached_tokens").asLong(0));
	}

	/**
	 * Map a {@code finish_reason}. OpenAI reports {@code stop} both for a natural end and
	 * for a stop sequence, so {@link StopReason#STOP_SEQUENCE} never comes from here.
	 * @param raw the finish reason, or {@code null}
	 * @return the stop reason
	 */
	static StopReason stopReason(@Nullable String raw) {
		if (raw == null) {
			return StopReason.OTHER;
		}
		return switch (raw) {
			case "stop" -> StopReason.END_TURN;
			case "length" -> StopReason.MAX_TOKENS;
			case "tool_calls", "function_call" -> StopReason.TOOL_USE;
			case "content_filter" -> StopReason.CONTENT_FILTER;
			default -> StopReason.OTHER;
		};
	}

}
