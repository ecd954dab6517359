package dev.llmresilience.springai.provider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.StopReason;
import dev.llmresilience.provider.ToolCalls;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.lang.Nullable;
import org.springframework.util.StringUtils;

/**
 * Reads Spring AI's answers as neutral ones: a whole {@link ChatResponse}, or the
 * responses of a stream one after the other. A model may split one answer over several
 * generations (Anthropic's has one a content block), so every generation's text and tool
 * calls are taken, in order.
 * <p>
 * What Spring AI's portable types do not carry is not in the answer: cached tokens,
 * reasoning, citations, the provider's request id and rate-limit headers. The
 * {@link LlmResponse#requestId() request id} is the response id Spring AI reports, and
 * the {@link LlmResponse#raw() raw} body is the portable metadata: id, model and finish
 * reason.
 */
final class SpringAiAnswers {

	private SpringAiAnswers() {
	}

	/**
	 * Read a whole answer.
	 * @param providerId the id of the provider that served it
	 * @param model the model it was asked of
	 * @param response the answer as Spring AI gives it
	 * @return the neutral answer
	 */
	static LlmResponse answer(String providerId, LlmModel model, ChatResponse response) {
		StreamedAnswer answer = new StreamedAnswer(providerId, model);
		answer.add(response);
		return answer.complete(false);
	}

	/**
	 * Return the stop reason a finish reason of Spring AI stands for. Spring AI passes on
	 * each provider's own spelling (OpenAI's enum names, Anthropic's and Bedrock's
	 * lower-case names, Gemini's upper-case ones), so they are compared ignoring case.
	 * @param finishReason the finish reason, or {@code null}
	 * @param toolCalls whether the answer holds tool calls, which some models report with
	 * a plain stop
	 * @return the stop reason
	 */
	static StopReason stopReason(@Nullable String finishReason, boolean toolCalls) {
		if (toolCalls) {
			return StopReason.TOOL_USE;
		}
		String reason = (finishReason != null) ? finishReason.toLowerCase(Locale.ROOT) : "";
		return switch (reason) {
			case "stop", "end_turn", "complete", "eos", "stop_reason_unspecified" -> StopReason.END_TURN;
			case "length", "max_tokens", "model_length" -> StopReason.MAX_TOKENS;
			case "stop_sequence" -> StopReason.STOP_SEQUENCE;
			case "tool_calls", "tool_use", "function_call" -> StopReason.TOOL_USE;
			case "content_filter", "content_filtered", "safety", "prohibited_content", "blocklist", "spii",
					"guardrail_intervened" ->
				StopReason.CONTENT_FILTER;
			case "refusal" -> StopReason.REFUSAL;
			case "pause_turn" -> StopReason.PAUSE_TURN;
			default -> StopReason.OTHER;
		};
	}

	/**
	 * The answer of one call as its responses come in: the events each adds, then the
	 * whole answer. Used by one subscription at a time.
	 */
	static final class StreamedAnswer {

		private final String providerId;

		private final LlmModel model;

		private final StringBuilder text = new StringBuilder();

		private final Map<String, LlmContent.ToolCall> toolCalls = new LinkedHashMap<>();

		@Nullable
		private String finishReason;

		@Nullable
		private Usage usage;

		@Nullable
		private String responseId;

		@Nullable
		private String modelName;

		StreamedAnswer(String providerId, LlmModel model) {
			this.providerId = providerId;
			this.model = model;
		}

		/**
		 * Take in one response and return the events it adds: its text, and each tool
		 * call not seen before, as a start, its whole input and an end, since Spring AI
		 * hands a streamed call over whole.
		 * @param response the response
		 * @return the events, in order
		 */
		List<LlmStreamEvent> add(ChatResponse response) {
			List<LlmStreamEvent> events = new ArrayList<>();
			for (Generation generation : response.getResults()) {
				AssistantMessage output = generation.getOutput();
				if (output != null && StringUtils.hasLength(output.getText())) {
					this.text.append(output.getText());
					events.add(new LlmStreamEvent.TextDelta(output.getText()));
				}
				if (output != null) {
					for (AssistantMessage.ToolCall call : output.getToolCalls()) {
						toolCall(call, events);
					}
				}
				String reason = (generation.getMetadata() != null) ? generation.getMetadata().getFinishReason() : null;
				if (StringUtils.hasText(reason)) {
					this.finishReason = reason;
				}
			}
			metadata(response.getMetadata());
			return events;
		}

		private void toolCall(AssistantMessage.ToolCall call, List<LlmStreamEvent> events) {
			String id = ToolCalls.idOrNew(call.id());
			if (this.toolCalls.containsKey(id) || !StringUtils.hasText(call.name())) {
				return;
			}
			LlmContent.ToolCall read = ToolCalls.read(id, call.name(),
					(call.arguments() != null) ? call.arguments() : "");
			this.toolCalls.put(id, read);
			events.add(new LlmStreamEvent.ToolCallStart(id, read.name()));
			events.add(new LlmStreamEvent.ToolInputDelta(id, read.rawInput()));
			events.add(new LlmStreamEvent.ToolCallEnd(read));
		}

		private void metadata(@Nullable ChatResponseMetadata metadata) {
			if (metadata == null) {
				return;
			}
			if (StringUtils.hasText(metadata.getId())) {
				this.responseId = metadata.getId();
			}
			if (StringUtils.hasText(metadata.getModel())) {
				this.modelName = metadata.getModel();
			}
			Usage usage = metadata.getUsage();
			// a stream may report usage once, with empty usage on the other responses
			if (usage != null && (tokens(usage.getPromptTokens()) > 0 || tokens(usage.getCompletionTokens()) > 0)) {
				this.usage = usage;
			}
		}

		/**
		 * Return whether a finish reason came, as the last response of a whole answer
		 * carries it.
		 * @return whether the answer finished
		 */
		boolean finished() {
			return this.finishReason != null;
		}

		/**
		 * Return the whole answer.
		 * @param streamed whether it came as a stream, for its raw metadata
		 * @return the answer
		 */
		LlmResponse complete(boolean streamed) {
			List<LlmContent> content = new ArrayList<>();
			if (!this.text.isEmpty()) {
				content.add(LlmContent.text(this.text.toString()));
			}
			content.addAll(this.toolCalls.values());
			LlmUsage usage = (this.usage != null)
					? new LlmUsage(tokens(this.usage.getPromptTokens()), tokens(this.usage.getCompletionTokens()))
					: LlmUsage.NONE;
			ObjectNode raw = JsonNodeFactory.instance.objectNode();
			raw.put("id", this.responseId).put("model", this.modelName).put("finishReason", this.finishReason);
			raw.put("streamed", streamed);
			return new LlmResponse(content, null, this.model.id(),
					(this.modelName != null) ? this.modelName : this.model.name(), this.providerId,
					stopReason(this.finishReason, !this.toolCalls.isEmpty()), this.finishReason, usage, this.responseId,
					RateLimitStatus.NONE, false, List.of(), raw);
		}

		private static long tokens(@Nullable Integer count) {
			return (count != null) ? Math.max(0, count) : 0;
		}

	}

}
