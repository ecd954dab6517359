package dev.llmresilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.util.Assert;

/**
 * A provider-neutral request to a model. Immutable; create one with {@link #builder()} or
 * {@link #ofPrompt(String)}.
 * <p>
 * A request names either a chain or a single model. With neither, the default chain
 * serves it. Fields that only one provider understands (tools, thinking, metadata,
 * response formats...) go in {@link #extraBody()}: the map is merged into the wire JSON
 * as it is, after the neutral fields, so that no provider feature is out of reach.
 *
 * @author llm-resilience
 */
public final class LlmRequest {

	private final String system;

	private final List<LlmMessage> messages;

	private final Integer maxTokens;

	private final Double temperature;

	private final Double topP;

	private final List<String> stopSequences;

	private final String chain;

	private final String model;

	private final LlmPriority priority;

	private final Duration timeout;

	private final Map<String, Object> extraBody;

	private LlmRequest(Builder builder) {
		Assert.notEmpty(builder.messages, "A request needs at least one message");
		Assert.isTrue(builder.chain == null || builder.model == null, "A request names a chain or a model, not both");
		Assert.isTrue(builder.maxTokens == null || builder.maxTokens > 0, "maxTokens must be positive");
		Assert.isTrue(builder.timeout == null || builder.timeout.compareTo(Duration.ZERO) > 0,
				"timeout must be positive");
		this.system = builder.system;
		this.messages = List.copyOf(builder.messages);
		this.maxTokens = builder.maxTokens;
		this.temperature = builder.temperature;
		this.topP = builder.topP;
		this.stopSequences = List.copyOf(builder.stopSequences);
		this.chain = builder.chain;
		this.model = builder.model;
		this.priority = builder.priority;
		this.timeout = builder.timeout;
		this.extraBody = Collections.unmodifiableMap(new LinkedHashMap<>(builder.extraBody));
	}

	/**
	 * Create a request of a single user message for the default chain.
	 * @param prompt the user message
	 * @return the request
	 */
	public static LlmRequest ofPrompt(String prompt) {
		return builder().user(prompt).build();
	}

	/**
	 * Start building a request.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return a builder that starts from this request's values.
	 * @return a new builder
	 */
	public Builder mutate() {
		return new Builder(this);
	}

	/**
	 * Return the system prompt, or {@code null}.
	 * @return the system prompt
	 */
	public String system() {
		return this.system;
	}

	/**
	 * Return the conversation turns, oldest first.
	 * @return the messages
	 */
	public List<LlmMessage> messages() {
		return this.messages;
	}

	/**
	 * Return the output token limit the caller asked for, or {@code null} for the model's
	 * limit.
	 * @return the maximum number of output tokens
	 */
	public Integer maxTokens() {
		return this.maxTokens;
	}

	/**
	 * Return the sampling temperature, or {@code null} for the provider's default.
	 * @return the temperature
	 */
	public Double temperature() {
		return this.temperature;
	}

	/**
	 * Return the nucleus sampling mass, or {@code null} for the provider's default.
	 * @return the top-p value
	 */
	public Double topP() {
		return this.topP;
	}

	/**
	 * Return the sequences that end generation; empty for none.
	 * @return the stop sequences
	 */
	public List<String> stopSequences() {
		return this.stopSequences;
	}

	/**
	 * Return the name of the chain to use, or {@code null}.
	 * @return the chain name
	 */
	public String chain() {
		return this.chain;
	}

	/**
	 * Return the id of the single model to use, or {@code null}.
	 * @return the model id, as configured under {@code llm.resilience.models}
	 */
	public String model() {
		return this.model;
	}

	/**
	 * Return how urgently this request should be served.
	 * @return the priority, {@link LlmPriority#NORMAL} unless set
	 */
	public LlmPriority priority() {
		return this.priority;
	}

	/**
	 * Return the overall time the caller grants this request, or {@code null} for no
	 * deadline.
	 * @return the timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Return the provider-specific fields merged into the wire JSON.
	 * @return an unmodifiable map, empty for none
	 */
	public Map<String, Object> extraBody() {
		return this.extraBody;
	}

	/**
	 * Return a cheap estimate of the input tokens: about four characters a token, plus a
	 * few tokens a turn. Fields in {@link #extraBody()} (tools, say) are not counted.
	 * @return the estimated number of input tokens
	 */
	public long estimatedInputTokens() {
		long characters = (this.system != null) ? this.system.length() : 0;
		for (LlmMessage message : this.messages) {
			characters += message.content().length();
		}
		return characters / 4 + 4L * (this.messages.size() + 1);
	}

	@Override
	public String toString() {
		// Prompt text stays out: it may be personal data and it is large.
		return "LlmRequest{messages=" + this.messages.size() + ", maxTokens=" + this.maxTokens + ", chain=" + this.chain
				+ ", model=" + this.model + ", priority=" + this.priority + ", timeout=" + this.timeout + ", extraBody="
				+ this.extraBody.keySet() + "}";
	}

	/**
	 * Builds an {@link LlmRequest}.
	 */
	public static final class Builder {

		private String system;

		private final List<LlmMessage> messages = new ArrayList<>();

		private Integer maxTokens;

		private Double temperature;

		private Double topP;

		private final List<String> stopSequences = new ArrayList<>();

		private String chain;

		private String model;

		private LlmPriority priority = LlmPriority.NORMAL;

		private Duration timeout;

		private final Map<String, Object> extraBody = new LinkedHashMap<>();

		private Builder() {
		}

		private Builder(LlmRequest request) {
			this.system = request.system;
			this.messages.addAll(request.messages);
			this.maxTokens = request.maxTokens;
			this.temperature = request.temperature;
			this.topP = request.topP;
			this.stopSequences.addAll(request.stopSequences);
			this.chain = request.chain;
			this.model = request.model;
			this.priority = request.priority;
			this.timeout = request.timeout;
			this.extraBody.putAll(request.extraBody);
		}

		/**
		 * Set the system prompt.
		 * @param system the system prompt
		 * @return this builder
		 */
		public Builder system(String system) {
			this.system = system;
			return this;
		}

		/**
		 * Add a user turn.
		 * @param content the text
		 * @return this builder
		 */
		public Builder user(String content) {
			return message(LlmMessage.user(content));
		}

		/**
		 * Add an assistant turn.
		 * @param content the text
		 * @return this builder
		 */
		public Builder assistant(String content) {
			return message(LlmMessage.assistant(content));
		}

		/**
		 * Add a turn.
		 * @param message the turn
		 * @return this builder
		 */
		public Builder message(LlmMessage message) {
			Assert.notNull(message, "message must not be null");
			this.messages.add(message);
			return this;
		}

		/**
		 * Replace all turns.
		 * @param messages the turns, oldest first
		 * @return this builder
		 */
		public Builder messages(List<LlmMessage> messages) {
			Assert.noNullElements(messages, "messages must not contain null");
			this.messages.clear();
			this.messages.addAll(messages);
			return this;
		}

		/**
		 * Set the output token limit; a model with a lower limit clamps it.
		 * @param maxTokens the maximum number of output tokens
		 * @return this builder
		 */
		public Builder maxTokens(Integer maxTokens) {
			this.maxTokens = maxTokens;
			return this;
		}

		/**
		 * Set the sampling temperature.
		 * @param temperature the temperature
		 * @return this builder
		 */
		public Builder temperature(Double temperature) {
			this.temperature = temperature;
			return this;
		}

		/**
		 * Set the nucleus sampling mass.
		 * @param topP the top-p value
		 * @return this builder
		 */
		public Builder topP(Double topP) {
			this.topP = topP;
			return this;
		}

		/**
		 * Set the sequences that end generation.
		 * @param stopSequences the stop sequences
		 * @return this builder
		 */
		public Builder stopSequences(List<String> stopSequences) {
			Assert.noNullElements(stopSequences, "stopSequences must not contain null");
			this.stopSequences.clear();
			this.stopSequences.addAll(stopSequences);
			return this;
		}

		/**
		 * Name the chain that serves this request; clears any single model.
		 * @param chain the chain name, as configured under {@code llm.resilience.chains}
		 * @return this builder
		 */
		public Builder chain(String chain) {
			this.chain = chain;
			this.model = null;
			return this;
		}

		/**
		 * Name the single model that serves this request; clears any chain.
		 * @param model the model id, as configured under {@code llm.resilience.models}
		 * @return this builder
		 */
		public Builder model(String model) {
			this.model = model;
			this.chain = null;
			return this;
		}

		/**
		 * Set how urgently the request should be served.
		 * @param priority the priority
		 * @return this builder
		 */
		public Builder priority(LlmPriority priority) {
			Assert.notNull(priority, "priority must not be null");
			this.priority = priority;
			return this;
		}

		/**
		 * Set the overall time granted to the request, waiting included.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			this.timeout = timeout;
			return this;
		}

		/**
		 * Add a provider-specific field to the wire JSON, for example {@code tools} or
		 * {@code thinking}. The value is serialized with Jackson.
		 * @param name the JSON field name
		 * @param value the value
		 * @return this builder
		 */
		public Builder extraBody(String name, Object value) {
			Assert.hasText(name, "name must not be empty");
			this.extraBody.put(name, value);
			return this;
		}

		/**
		 * Replace all provider-specific fields.
		 * @param extraBody the fields, by JSON name
		 * @return this builder
		 */
		public Builder extraBody(Map<String, Object> extraBody) {
			Assert.notNull(extraBody, "extraBody must not be null");
			this.extraBody.clear();
			this.extraBody.putAll(extraBody);
			return this;
		}

		/**
		 * Build the request.
		 * @return the request
		 * @throws IllegalArgumentException if the request has no message, names both a
		 * chain and a model, or has a non-positive limit
		 */
		public LlmRequest build() {
			return new LlmRequest(this);
		}

	}

}
