package dev.llmresilience;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.springframework.lang.Nullable;

/**
 * A model's complete answer.
 *
 * @param content the answer's blocks in the order the model produced them: text (with its
 * citations), tool calls, reasoning, refusals, and blocks only its provider knows
 * @param structuredOutput the answer parsed as JSON when the request asked for an
 * {@link LlmRequest#outputSchema() output schema}; {@code null} otherwise, and when the
 * answer was cut off or refused
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
 * @param raw the provider's response body as it came, for fields this API does not map;
 * for a streamed answer, the body assembled from its events in the shape of the
 * unstreamed one
 * @param cost what the request cost: this answer and every attempt before it that the
 * provider bills; {@link LlmCost#UNKNOWN} if a model without prices answered or was
 * billed
 */
public record LlmResponse(List<LlmContent> content, @Nullable JsonNode structuredOutput, String model, String modelName,
		String provider, StopReason stopReason, @Nullable String rawStopReason, LlmUsage usage,
		@Nullable String requestId, RateLimitStatus rateLimits, boolean fallback, List<LlmAttempt> attempts,
		JsonNode raw, LlmCost cost) {

	public LlmResponse {
		content = List.copyOf(content);
		attempts = List.copyOf(attempts);
	}

	/**
	 * Create an answer whose cost is not known yet, as a provider reads it: the chain
	 * that served it adds the cost with the attempts.
	 * @param content the answer's blocks
	 * @param structuredOutput the answer parsed as JSON, or {@code null}
	 * @param model the id of the model that answered
	 * @param modelName the model name the provider reported
	 * @param provider the id of the provider that served the call
	 * @param stopReason why generation stopped
	 * @param rawStopReason the provider's own stop reason, or {@code null}
	 * @param usage the tokens consumed
	 * @param requestId the provider's request id, or {@code null}
	 * @param rateLimits what the provider's rate-limit headers said
	 * @param fallback whether a model other than the first one asked for answered
	 * @param attempts every try made for this request
	 * @param raw the provider's response body
	 */
	public LlmResponse(List<LlmContent> content, @Nullable JsonNode structuredOutput, String model, String modelName,
			String provider, StopReason stopReason, @Nullable String rawStopReason, LlmUsage usage,
			@Nullable String requestId, RateLimitStatus rateLimits, boolean fallback, List<LlmAttempt> attempts,
			JsonNode raw) {
		this(content, structuredOutput, model, modelName, provider, stopReason, rawStopReason, usage, requestId,
				rateLimits, fallback, attempts, raw, LlmCost.UNKNOWN);
	}

	/**
	 * Return the text blocks of the answer, joined.
	 * @return the text, empty if there is none
	 */
	public String text() {
		if (this.content.size() == 1 && this.content.get(0) instanceof LlmContent.Text only) {
			// the common case, an answer of one text block, copies nothing
			return only.text();
		}
		StringBuilder text = new StringBuilder();
		for (LlmContent block : this.content) {
			if (block instanceof LlmContent.Text part) {
				text.append(part.text());
			}
		}
		return text.toString();
	}

	/**
	 * Return the tool calls the model asked for, in order.
	 * @return the calls, empty for none
	 */
	public List<LlmContent.ToolCall> toolCalls() {
		return blocks(LlmContent.ToolCall.class);
	}

	/**
	 * Return the blocks of one type, in order.
	 * @param <T> the block type
	 * @param type the block type
	 * @return the blocks, empty for none
	 */
	public <T extends LlmContent> List<T> blocks(Class<T> type) {
		return this.content.stream().filter(type::isInstance).map(type::cast).toList();
	}

	/**
	 * Return this answer as the assistant turn of a conversation, to send back with the
	 * results of its tool calls. Reasoning and provider-only blocks are kept: a provider
	 * that needs them back gets them, the others do not.
	 * @return the message
	 */
	public LlmMessage toMessage() {
		return new LlmMessage(LlmMessage.Role.ASSISTANT,
				this.content.isEmpty() ? List.of(LlmContent.text("")) : this.content);
	}

	/**
	 * Return a copy with the given attempt history.
	 * @param fallback whether a model other than the first one asked for answered
	 * @param attempts every try made for this request
	 * @return the copy
	 */
	public LlmResponse withAttempts(boolean fallback, List<LlmAttempt> attempts) {
		return withAttempts(fallback, attempts, this.cost);
	}

	/**
	 * Return a copy with the given attempt history and cost.
	 * @param fallback whether a model other than the first one asked for answered
	 * @param attempts every try made for this request
	 * @param cost what the request cost
	 * @return the copy
	 */
	public LlmResponse withAttempts(boolean fallback, List<LlmAttempt> attempts, LlmCost cost) {
		return new LlmResponse(this.content, this.structuredOutput, this.model, this.modelName, this.provider,
				this.stopReason, this.rawStopReason, this.usage, this.requestId, this.rateLimits, fallback, attempts,
				this.raw, cost);
	}

	@Override
	public String toString() {
		// The content and raw body stay out of logs: they may hold personal data.
		return "LlmResponse{model=" + this.model + ", modelName=" + this.modelName + ", provider=" + this.provider
				+ ", stopReason=" + this.stopReason + ", content=" + this.content + ", usage=" + this.usage + ", cost="
				+ this.cost + ", requestId=" + this.requestId + ", fallback=" + this.fallback + ", attempts="
				+ this.attempts + "}";
	}

}
