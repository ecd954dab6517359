package dev.llmresilience.sample.simulator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the embedded LLM simulator.
 */
@ConfigurationProperties("simulator")
public class SimulatorProperties {

	/**
	 * Whether to serve the simulated Anthropic Messages and OpenAI Chat Completions APIs
	 * under /simulator.
	 */
	private boolean enabled = true;

	/**
	 * Seed of the random generator that decides which requests fail. Unset for a
	 * different sequence on every start.
	 */
	private Long seed;

	/**
	 * Behaviour per model name, the "model" field of a request. A model that is not
	 * listed behaves as an entry with default values.
	 */
	private final Map<String, Model> models = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Long getSeed() {
		return this.seed;
	}

	public void setSeed(Long seed) {
		this.seed = seed;
	}

	public Map<String, Model> getModels() {
		return this.models;
	}

	/**
	 * How the simulator answers for one model name.
	 */
	public static class Model {

		/**
		 * Time to wait before answering or failing.
		 */
		private Duration latency = Duration.ZERO;

		/**
		 * Time between two text deltas of a streamed answer.
		 */
		private Duration chunkInterval = Duration.ofMillis(20);

		/**
		 * Share of requests that fail, from 0.0 (none) to 1.0 (all).
		 */
		private double failureRate = 0.0;

		/**
		 * How a failing request fails.
		 */
		private SimulatedFailure failure = SimulatedFailure.OVERLOADED;

		/**
		 * Wait announced in the retry-after header of an injected rate-limit failure,
		 * sent in whole seconds.
		 */
		private Duration retryAfter = Duration.ofSeconds(1);

		/**
		 * Requests accepted in any 60 seconds before answering with 429.
		 */
		private int requestsPerMinute = 4000;

		/**
		 * Input and output tokens accepted in any 60 seconds before answering with 429.
		 */
		private long tokensPerMinute = 400000;

		/**
		 * Most input tokens a request may have; a larger one is answered with 400 "prompt
		 * is too long".
		 */
		private long contextWindow = 200000;

		public Duration getLatency() {
			return this.latency;
		}

		public void setLatency(Duration latency) {
			this.latency = latency;
		}

		public Duration getChunkInterval() {
			return this.chunkInterval;
		}

		public void setChunkInterval(Duration chunkInterval) {
			this.chunkInterval = chunkInterval;
		}

		public double getFailureRate() {
			return this.failureRate;
		}

		public void setFailureRate(double failureRate) {
			this.failureRate = failureRate;
		}

		public SimulatedFailure getFailure() {
			return this.failure;
		}

		public void setFailure(SimulatedFailure failure) {
			this.failure = failure;
		}

		public Duration getRetryAfter() {
			return this.retryAfter;
		}

		public void setRetryAfter(Duration retryAfter) {
			this.retryAfter = retryAfter;
		}

		public int getRequestsPerMinute() {
			return this.requestsPerMinute;
		}

		public void setRequestsPerMinute(int requestsPerMinute) {
			this.requestsPerMinute = requestsPerMinute;
		}

		public long getTokensPerMinute() {
			return this.tokensPerMinute;
		}

		public void setTokensPerMinute(long tokensPerMinute) {
			this.tokensPerMinute = tokensPerMinute;
		}

		public long getContextWindow() {
			return this.contextWindow;
		}

		public void setContextWindow(long contextWindow) {
			this.contextWindow = contextWindow;
		}

	}

}
