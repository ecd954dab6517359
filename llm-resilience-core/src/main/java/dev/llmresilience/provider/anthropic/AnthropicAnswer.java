package dev.llmresilience.provider.anthropic;

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

import org.springframework.util.StringUtils;

/**
 * Reads a Messages API answer, unstreamed or assembled from its stream, into an
 * {@link LlmResponse}: its content blocks in order, the stop reason, usage, and the
 * structured output, which the {@link AnswerTool answer tool}'s input alone gives when
 * the model called it.
 */
final class AnthropicAnswer {

	private final ProviderErrorMapper errors;

	private final String provider;

	private final LlmModel model;

	private final LlmRequest request;

	AnthropicAnswer(ProviderErrorMapper errors, String provider, LlmModel model, LlmRequest request) {
		this.errors = errors;
		this.provider = provider;
		this.model = model;
		this.request = request;
	}

	/**
	 * Read an answer.
	 * @param body the message
	 * @param metadata what the response's status and headers said
	 * @return the answer
	 * @throws dev.llmresilience.error.LlmInvalidResponseException if the body is not a
	 * message, a block is malformed, or a tool call's input is not JSON although the
	 * answer was not cut off
	 */
	LlmResponse read(JsonNode body, ResponseMetadata metadata) {
		JsonNode blocks = body.path("content");
		if (!"message".equals(body.path("type").asText()) || !blocks.isArray()) {
			throw this.errors.invalidResponse(this.model, "the body is not a message with a content array", null);
		}
		String rawStopReason = body.path("stop_reason").isTextual() ? body.path("stop_reason").asText() : null;
		StopReason stopReason = stopReason(rawStopReason);
		List<LlmContent> content = new ArrayList<>();
		for (JsonNode block : blocks) {
			content.add(block(block, stopReason));
		}
		String answer = null;
		if (AnthropicRequestBody.answersWithTool(this.model, this.request)) {
			AnswerTool.Answer read = AnswerTool.read(content, this.request.outputSchema().name());
			content = read.content();
			answer = read.answer();
		}
		if (answer != null && stopReason == StopReason.TOOL_USE) {
			stopReason = StopReason.END_TURN;
		}
		JsonNode structuredOutput = (answer != null)
				? StructuredOutput.parse(answer, stopReason, this.request, this.errors, this.model)
				: StructuredOutput.parse(content, stopReason, this.request, this.errors, this.model);
		JsonNode usage = body.path("usage");
		return new LlmResponse(content, structuredOutput, this.model.id(), body.path("model").asText(this.model.name()),
				this.provider, stopReason, rawStopReason,
				usage(usage.path("input_tokens").asLong(0), usage.path("output_tokens").asLong(0),
						usage.path("cache_creation_input_tokens").asLong(0),
						usage.path("cache_read_input_tokens").asLong(0)),
				metadata.requestId(), metadata.rateLimits(), false, List.of(), body);
	}

	private LlmContent block(JsonNode block, StopReason stopReason) {
		String type = block.path("type").asText("");
		switch (type) {
			case "text" -> {
				return new LlmContent.Text(block.path("text").asText(""), citations(block.path("citations")));
			}
			case "tool_use" -> {
				String id = block.path("id").textValue();
				String name = block.path("name").textValue();
				if (!StringUtils.hasText(id) || !StringUtils.hasText(name)) {
					throw this.errors.invalidResponse(this.model, "a tool_use block has no id or name", null);
				}
				return toolCall(id, name, block.path("input"), stopReason);
			}
			case "thinking" -> {
				return new LlmContent.Reasoning(block.path("thinking").asText(""), block.path("signature").textValue());
			}
			case "redacted_thinking" -> {
				return new LlmContent.RedactedReasoning(block.path("data").asText(""));
			}
			default -> {
				return new LlmContent.ProviderBlock(AnthropicRequestBody.FORMAT, type, block);
			}
		}
	}

	/**
	 * Read a tool call's input: an object unstreamed; from a stream, the joined text when
	 * it did not parse, which only an answer cut off at its token limit may have.
	 */
	private LlmContent.ToolCall toolCall(String id, String name, JsonNode input, StopReason stopReason) {
		if (input.isObject()) {
			return new LlmContent.ToolCall(id, name, input);
		}
		if (input.isTextual() && stopReason == StopReason.MAX_TOKENS) {
			return new LlmContent.ToolCall(id, name, null, input.textValue());
		}
		throw this.errors.invalidResponse(this.model, "the input of a tool_use block is not a JSON object", null);
	}

	private static List<LlmContent.Citation> citations(JsonNode citations) {
		if (!citations.isArray()) {
			return List.of();
		}
		List<LlmContent.Citation> read = new ArrayList<>();
		for (JsonNode citation : citations) {
			read.add(new LlmContent.Citation(citation.path("type").asText(""), citation.path("cited_text").textValue(),
					title(citation), citation.path("url").textValue(), citation));
		}
		return read;
	}

	private static String title(JsonNode citation) {
		String title = citation.path("document_title").textValue();
		return (title != null) ? title : citation.path("title").textValue();
	}

	/**
	 * Create the usage of an answer from the Messages API's counts, whose
	 * {@code input_tokens} are only the tokens after the last cache breakpoint: the
	 * tokens written to and read from the cache are added to make the whole prompt.
	 * @param uncachedInputTokens {@code input_tokens}
	 * @param outputTokens {@code output_tokens}
	 * @param cacheCreationInputTokens {@code cache_creation_input_tokens}
	 * @param cacheReadInputTokens {@code cache_read_input_tokens}
	 * @return the usage
	 */
	static LlmUsage usage(long uncachedInputTokens, long outputTokens, long cacheCreationInputTokens,
			long cacheReadInputTokens) {
		return new LlmUsage(
				LlmUsage.sum(Math.max(0, uncachedInputTokens), Math.max(0, cacheCreationInputTokens),
						Math.max(0, cacheReadInputTokens)),
				outputTokens, cacheCreationInputTokens, cacheReadInputTokens);
	}

	/**
	 * Map a {@code stop_reason}.
	 * @param raw the stop reason, or {@code null}
	 * @return the stop reason
	 */
	static StopReason stopReason(String raw) {
		if (raw == null) {
			return StopReason.OTHER;
		}
		return switch (raw) {
			case "end_turn" -> StopReason.END_TURN;
			case "max_tokens", "model_context_window_exceeded" -> StopReason.MAX_TOKENS;
			case "stop_sequence" -> StopReason.STOP_SEQUENCE;
			case "tool_use" -> StopReason.TOOL_USE;
			case "refusal" -> StopReason.REFUSAL;
			case "pause_turn" -> StopReason.PAUSE_TURN;
			default -> StopReason.OTHER;
		};
	}

}
