package dev.llmresilience.sample.chat;

import java.util.List;

import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.StopReason;

/**
 * The outcome of a tool loop: the final answer, and what each turn of the loop was.
 *
 * @param answer the final answer
 * @param turns every turn, in order, the final answer's last
 */
record ToolLoopResponse(ChatResponse answer, List<Turn> turns) {

	/**
	 * One turn of the loop: one call of the template.
	 *
	 * @param model the id of the model that answered
	 * @param fallback whether a model other than the first one asked for answered
	 * @param stopReason why it stopped: {@code TOOL_USE} when it called tools
	 * @param inputTokens tokens of the prompt, which grows with every turn
	 * @param toolCalls the names of the tools it called, empty for none
	 */
	record Turn(String model, boolean fallback, StopReason stopReason, long inputTokens, List<String> toolCalls) {

		static Turn from(LlmResponse response) {
			return new Turn(response.model(), response.fallback(), response.stopReason(),
					response.usage().inputTokens(),
					response.toolCalls().stream().map(LlmContent.ToolCall::name).toList());
		}

	}

}
