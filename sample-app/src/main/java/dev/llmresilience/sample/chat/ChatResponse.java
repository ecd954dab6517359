package dev.llmresilience.sample.chat;

import java.util.List;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.StopReason;

/**
 * An answer of the chat endpoints: the text and where it came from.
 *
 * @param text the generated text
 * @param model the id of the model that answered
 * @param modelName the model name the provider reported
 * @param provider the id of the provider that answered
 * @param stopReason why generation stopped
 * @param inputTokens tokens of the prompt
 * @param outputTokens tokens generated
 * @param fallback whether a model other than the first one asked for answered
 * @param attempts every try made, the answering one last
 */
record ChatResponse(String text, String model, String modelName, String provider, StopReason stopReason,
		long inputTokens, long outputTokens, boolean fallback, List<Attempt> attempts) {

	static ChatResponse from(LlmResponse response) {
		LlmUsage usage = (response.usage() != null) ? response.usage() : LlmUsage.NONE;
		return new ChatResponse(response.text(), response.model(), response.modelName(), response.provider(),
				response.stopReason(), usage.inputTokens(), usage.outputTokens(), response.fallback(),
				response.attempts().stream().map(Attempt::from).toList());
	}

	/**
	 * One try of one model.
	 *
	 * @param model the model id
	 * @param outcome how the try ended
	 * @param errorType the exception that ended it, or {@code null} on success
	 * @param durationMs how long it took, in milliseconds
	 */
	record Attempt(String model, LlmAttempt.Outcome outcome, String errorType, long durationMs) {

		static Attempt from(LlmAttempt attempt) {
			return new Attempt(attempt.model(), attempt.outcome(), attempt.errorType(), attempt.duration().toMillis());
		}

	}

}
