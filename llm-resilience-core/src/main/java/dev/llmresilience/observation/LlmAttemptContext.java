package dev.llmresilience.observation;

import java.time.Duration;

import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmResponse;
import io.micrometer.observation.Observation;

import org.springframework.lang.Nullable;

/**
 * The {@link Observation.Context} of one call of one model: the model, its provider,
 * which try of that model it is within the request, and how it ended.
 */
public class LlmAttemptContext extends LlmObservationContext {

	private final LlmModel model;

	private final String providerType;

	private final int attempt;

	private final boolean streaming;

	private LlmResponse response;

	private Duration timeToFirstContent;

	private boolean skipped;

	private boolean hedge;

	private volatile boolean hedgeLost;

	/**
	 * Create a new instance.
	 * @param model the model called
	 * @param providerType the wire format of its provider, such as {@code anthropic}
	 * @param attempt which try of this model it is within the request, from 1
	 * @param streaming whether the answer is streamed
	 */
	public LlmAttemptContext(LlmModel model, String providerType, int attempt, boolean streaming) {
		this.model = model;
		this.providerType = providerType;
		this.attempt = attempt;
		this.streaming = streaming;
	}

	/**
	 * Return the model called.
	 * @return the model
	 */
	public LlmModel getModel() {
		return this.model;
	}

	/**
	 * Return the wire format of the model's provider, the {@code gen_ai.system}.
	 * @return the provider type
	 */
	public String getProviderType() {
		return this.providerType;
	}

	/**
	 * Return which try of this model it is within the request.
	 * @return the attempt number, from 1
	 */
	public int getAttempt() {
		return this.attempt;
	}

	/**
	 * Return whether the answer is streamed.
	 * @return {@code true} for a stream
	 */
	public boolean isStreaming() {
		return this.streaming;
	}

	/**
	 * Return the answer, if the call succeeded.
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
	 * Return how long a stream took to deliver its first text.
	 * @return the time, or {@code null} for calls and streams without text
	 */
	@Nullable
	public Duration getTimeToFirstContent() {
		return this.timeToFirstContent;
	}

	/**
	 * Set how long the stream took to deliver its first text.
	 * @param timeToFirstContent the time
	 */
	public void setTimeToFirstContent(Duration timeToFirstContent) {
		this.timeToFirstContent = timeToFirstContent;
	}

	/**
	 * Return whether the model was not called (breaker open, provider held).
	 * @return {@code true} if skipped
	 */
	public boolean isSkipped() {
		return this.skipped;
	}

	/**
	 * Mark the model as not called.
	 * @param skipped whether it was skipped
	 */
	public void setSkipped(boolean skipped) {
		this.skipped = skipped;
	}

	/**
	 * Return whether this attempt is a hedge: sent while an earlier one of the same
	 * request had brought no content yet.
	 * @return {@code true} for a hedge
	 */
	public boolean isHedge() {
		return this.hedge;
	}

	/**
	 * Mark the attempt as a hedge.
	 * @param hedge whether it is one
	 */
	public void setHedge(boolean hedge) {
		this.hedge = hedge;
	}

	/**
	 * Return whether this attempt was cancelled because another attempt of the same
	 * request, its hedge or the attempt it hedged, brought content first.
	 * @return {@code true} if it lost the race
	 */
	public boolean isHedgeLost() {
		return this.hedgeLost;
	}

	/**
	 * Mark the attempt as having lost to a hedge or to the attempt it hedged.
	 * @param hedgeLost whether it lost
	 */
	public void setHedgeLost(boolean hedgeLost) {
		this.hedgeLost = hedgeLost;
	}

}
