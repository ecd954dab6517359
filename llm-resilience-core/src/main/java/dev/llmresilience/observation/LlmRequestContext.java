package dev.llmresilience.observation;

import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import io.micrometer.observation.Observation;

import org.springframework.lang.Nullable;

/**
 * The {@link Observation.Context} of one logical request served by
 * {@link dev.llmresilience.LlmTemplate}: its chain, whether it streams, and how it ended.
 * It holds no prompt or answer text for tags; handlers that want the text must read it
 * from the request and response themselves.
 */
public class LlmRequestContext extends LlmObservationContext {

	private final LlmRequest request;

	private final boolean streaming;

	private LlmResponse response;

	/**
	 * Create a new instance.
	 * @param request the request
	 * @param streaming whether the answer is streamed
	 */
	public LlmRequestContext(LlmRequest request, boolean streaming) {
		this.request = request;
		this.streaming = streaming;
	}

	/**
	 * Return the request.
	 * @return the request
	 */
	public LlmRequest getRequest() {
		return this.request;
	}

	/**
	 * Return whether the answer is streamed.
	 * @return {@code true} for a stream
	 */
	public boolean isStreaming() {
		return this.streaming;
	}

	/**
	 * Return the answer, once there is one.
	 * @return the response, or {@code null}
	 */
	@Nullable
	public LlmResponse getResponse() {
		return this.response;
	}

	/**
	 * Set the answer.
	 * @param response the response
	 */
	public void setResponse(LlmResponse response) {
		this.response = response;
	}

	/**
	 * Return the name of the chain asked for, {@code model:<id>} for a single model, or
	 * {@code default} for the default chain.
	 * @return the target's name
	 */
	public String getTarget() {
		if (this.request.model() != null) {
			return "model:" + this.request.model();
		}
		return (this.request.chain() != null) ? this.request.chain() : "default";
	}

}
