package dev.llmresilience;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A model's complete answer.
 *
 * @param text the generated text, all text blocks joined
 * @param model the id of the model that answered, as configured under
 * {@code llm.resilience.models}
 * @param modelName the model name the provider reported, such as
 * {@code claude-haiku-4-5-20251001}
 * @param provider the id of the provider that served the call
 * @param stopReason why generation stopped
 * @param rawStopReason the provider's own stop reason, or {@code null}
 * @param usage the tokens consumed
 * @param requestId the provider's request id, for support cases, or {@code null}
 * @param rateLimits what the provider's rate-limit headers said
 * @param fallback whether a model other than the first one asked for answered
 * @param attempts every try made for this request, in order, the answering one last
 * @param raw the provider's response body as it came, for fields this API does not map
 * (tool calls, thinking blocks...); for a streamed answer, the body assembled from its
 * events in the shape of the unstreamed one, so that tool calls are read the same way
 * from both
 */
public record LlmResponse(String text, String model, String modelName, String provider, StopReason stopReason,
		String rawStopReason, LlmUsage usage, String requestId, RateLimitStatus rateLimits, boolean fallback,
		List<LlmAttempt> attempts, JsonNode raw) {

	public LlmResponse {
		attempts = List.copyOf(attempts);
	}

	/**
	 * Return a copy with the given attempt history.
	 * @param fallback whether a model other than the first one asked for answered
	 * @param attempts every try made for this request
	 * @return the copy
	 */
	public LlmResponse withAttempts(boolean fallback, List<LlmAttempt> attempts) {
		return new LlmResponse(this.text, this.model, this.modelName, this.provider, this.stopReason,
				this.rawStopReason, this.usage, this.requestId, this.rateLimits, fallback, attempts, this.raw);
	}

	@Override
	public String toString() {
		// The text and raw body stay out of logs: they may hold personal data.
		return "LlmResponse{model=" + this.model + ", modelName=" + this.modelName + ", provider=" + this.provider
				+ ", stopReason=" + this.stopReason + ", usage=" + this.usage + ", requestId=" + this.requestId
				+ ", fallback=" + this.fallback + ", attempts=" + this.attempts + "}";
	}

}
