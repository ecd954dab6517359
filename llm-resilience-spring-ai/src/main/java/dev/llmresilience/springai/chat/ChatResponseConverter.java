package dev.llmresilience.springai.chat;

import java.util.List;
import java.util.stream.Collectors;

import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmUsage;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.support.UsageCalculator;
import org.springframework.lang.Nullable;

/**
 * Maps an {@link LlmResponse} to a Spring AI {@link ChatResponse} of one generation: the
 * text and tool calls in an {@link AssistantMessage}, the stop reason as the finish
 * reason, and usage, model, request id, the fallback flag, the attempts, the model id,
 * the provider and the cost in the response's metadata.
 */
final class ChatResponseConverter {

	private ChatResponseConverter() {
	}

	/**
	 * Return the whole answer.
	 * @param answer the pipeline's answer
	 * @param previous the response of the previous round of a tool loop, whose usage this
	 * one's adds to, or {@code null}
	 * @return the response
	 */
	static ChatResponse toChatResponse(LlmResponse answer, @Nullable ChatResponse previous) {
		return toChatResponse(answer, answer.text(), previous);
	}

	/**
	 * Return the last chunk of a stream: the answer without its text, which reached the
	 * caller in the chunks before, with its tool calls and metadata.
	 * @param answer the pipeline's answer
	 * @param previous the response of the previous round of a tool loop, or {@code null}
	 * @return the response
	 */
	static ChatResponse toLastChunk(LlmResponse answer, @Nullable ChatResponse previous) {
		return toChatResponse(answer, "", previous);
	}

	/**
	 * Return a chunk of streamed text.
	 * @param text the new text
	 * @return the response
	 */
	static ChatResponse toTextChunk(String text) {
		return new ChatResponse(List.of(new Generation(new AssistantMessage(text))));
	}

	private static ChatResponse toChatResponse(LlmResponse answer, String text, @Nullable ChatResponse previous) {
		List<AssistantMessage.ToolCall> toolCalls = answer.toolCalls()
			.stream()
			.map((call) -> new AssistantMessage.ToolCall(call.id(), "function", call.name(), call.rawInput()))
			.toList();
		AssistantMessage message = AssistantMessage.builder().content(text).toolCalls(toolCalls).build();
		ChatGenerationMetadata.Builder generationMetadata = ChatGenerationMetadata.builder()
			.finishReason(answer.stopReason().name());
		if (answer.rawStopReason() != null) {
			generationMetadata.metadata(LlmResilienceChatModel.RAW_STOP_REASON_KEY, answer.rawStopReason());
		}
		List<LlmContent.Refusal> refusals = answer.blocks(LlmContent.Refusal.class);
		if (!refusals.isEmpty()) {
			generationMetadata.metadata(LlmResilienceChatModel.REFUSAL_KEY,
					refusals.stream().map(LlmContent.Refusal::text).collect(Collectors.joining()));
		}
		Usage usage = UsageCalculator.getCumulativeUsage(toUsage(answer.usage()), previous);
		ChatResponseMetadata.Builder metadata = ChatResponseMetadata.builder()
			.model(answer.modelName())
			.usage(usage)
			.keyValue(LlmResilienceChatModel.MODEL_ID_KEY, answer.model())
			.keyValue(LlmResilienceChatModel.PROVIDER_KEY, answer.provider())
			.keyValue(LlmResilienceChatModel.FALLBACK_KEY, answer.fallback())
			.keyValue(LlmResilienceChatModel.ATTEMPTS_KEY, answer.attempts())
			.keyValue(LlmResilienceChatModel.COST_KEY, answer.cost());
		if (answer.requestId() != null) {
			metadata.id(answer.requestId());
		}
		return new ChatResponse(List.of(new Generation(message, generationMetadata.build())), metadata.build());
	}

	private static Usage toUsage(LlmUsage usage) {
		return new DefaultUsage(saturated(usage.inputTokens()), saturated(usage.outputTokens()),
				saturated(usage.totalTokens()), usage);
	}

	private static int saturated(long count) {
		return (int) Math.min(count, Integer.MAX_VALUE);
	}

}
