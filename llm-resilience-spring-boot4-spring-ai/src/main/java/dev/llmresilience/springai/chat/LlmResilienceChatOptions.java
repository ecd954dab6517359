package dev.llmresilience.springai.chat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.llmresilience.LlmPriority;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

/**
 * The options of an {@link LlmResilienceChatModel}: where a prompt goes (a chain or a
 * single model, by the ids configured under {@code llm.resilience}), how urgently and
 * within what time, the caller's tags, Spring AI's portable options, its tool calling
 * options and the schema of a structured answer.
 * <p>
 * {@link #getModel()} is the id of a model configured under
 * {@code llm.resilience.models}, not a provider's model name. A chain and a model
 * together are one target: options that name either replace both of the other options'.
 * {@code topK}, {@code frequencyPenalty} and {@code presencePenalty} are accepted as
 * portable options but have no neutral form: a prompt that sets them is refused with an
 * {@link UnsupportedPromptException} rather than sent without them.
 * <p>
 * Spring AI 2.0's generation: options are changed through {@link #mutate()} and a builder
 * that Spring AI's {@code ChatClient} combines with its own; tools are declared by their
 * callbacks, and run by the client's tool calling advisor.
 *
 * @author llm-resilience
 */
public class LlmResilienceChatOptions implements ToolCallingChatOptions, StructuredOutputChatOptions {

	private @Nullable String chain;

	private @Nullable String model;

	private @Nullable LlmPriority priority;

	private @Nullable Duration timeout;

	private Map<String, String> tags = new LinkedHashMap<>();

	private @Nullable Integer maxTokens;

	private @Nullable Double temperature;

	private @Nullable Double topP;

	private @Nullable Integer topK;

	private @Nullable Double frequencyPenalty;

	private @Nullable Double presencePenalty;

	private @Nullable List<String> stopSequences;

	private List<ToolCallback> toolCallbacks = new ArrayList<>();

	private Map<String, Object> toolContext = new LinkedHashMap<>();

	private @Nullable String outputSchema;

	/**
	 * Start building options.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return options of this type holding the values of any Spring AI options: the
	 * portable ones, the tool calling ones of {@link ToolCallingChatOptions}, the output
	 * schema of {@link StructuredOutputChatOptions}, and everything when they are options
	 * of this type already.
	 * @param options the options, or {@code null}
	 * @return a copy, empty for {@code null}
	 */
	public static LlmResilienceChatOptions from(@Nullable ChatOptions options) {
		if (options instanceof LlmResilienceChatOptions ours) {
			return ours.copy();
		}
		LlmResilienceChatOptions copy = new LlmResilienceChatOptions();
		if (options == null) {
			return copy;
		}
		copy.model = options.getModel();
		copy.maxTokens = options.getMaxTokens();
		copy.temperature = options.getTemperature();
		copy.topP = options.getTopP();
		copy.topK = options.getTopK();
		copy.frequencyPenalty = options.getFrequencyPenalty();
		copy.presencePenalty = options.getPresencePenalty();
		copy.setStopSequences(options.getStopSequences());
		if (options instanceof ToolCallingChatOptions tools) {
			copy.setToolCallbacks(tools.getToolCallbacks());
			copy.setToolContext(tools.getToolContext());
		}
		if (options instanceof StructuredOutputChatOptions structured) {
			copy.outputSchema = structured.getOutputSchema();
		}
		return copy;
	}

	/**
	 * Return these options over defaults: each option set here wins, the others come from
	 * the defaults. The chain and the model are taken together, from these options if
	 * they name either. Tool callbacks are taken from these options if they have any;
	 * tool contexts are merged, these options' entries winning.
	 * @param defaults the defaults
	 * @return the merged options, a new instance
	 */
	public LlmResilienceChatOptions mergedOver(LlmResilienceChatOptions defaults) {
		LlmResilienceChatOptions merged = defaults.copy();
		if (this.chain != null || this.model != null) {
			merged.chain = this.chain;
			merged.model = this.model;
		}
		merged.priority = (this.priority != null) ? this.priority : defaults.priority;
		merged.timeout = (this.timeout != null) ? this.timeout : defaults.timeout;
		merged.tags.putAll(this.tags);
		merged.maxTokens = (this.maxTokens != null) ? this.maxTokens : defaults.maxTokens;
		merged.temperature = (this.temperature != null) ? this.temperature : defaults.temperature;
		merged.topP = (this.topP != null) ? this.topP : defaults.topP;
		merged.topK = (this.topK != null) ? this.topK : defaults.topK;
		merged.frequencyPenalty = (this.frequencyPenalty != null) ? this.frequencyPenalty : defaults.frequencyPenalty;
		merged.presencePenalty = (this.presencePenalty != null) ? this.presencePenalty : defaults.presencePenalty;
		if (this.stopSequences != null) {
			merged.setStopSequences(this.stopSequences);
		}
		merged.setToolCallbacks(ToolCallingChatOptions.mergeToolCallbacks(this.toolCallbacks, defaults.toolCallbacks));
		merged.setToolContext(ToolCallingChatOptions.mergeToolContext(this.toolContext, defaults.toolContext));
		merged.outputSchema = (this.outputSchema != null) ? this.outputSchema : defaults.outputSchema;
		return merged;
	}

	/**
	 * Return the chain to serve the prompt, as configured under
	 * {@code llm.resilience.chains}, or {@code null}.
	 * @return the chain name
	 */
	public @Nullable String getChain() {
		return this.chain;
	}

	/**
	 * Set the chain to serve the prompt.
	 * @param chain the chain name, or {@code null}
	 */
	public void setChain(@Nullable String chain) {
		this.chain = chain;
	}

	/**
	 * Return the id of the single model to serve the prompt, as configured under
	 * {@code llm.resilience.models}, or {@code null}.
	 * @return the model id
	 */
	@Override
	public @Nullable String getModel() {
		return this.model;
	}

	/**
	 * Set the id of the single model to serve the prompt.
	 * @param model the model id, or {@code null}
	 */
	public void setModel(@Nullable String model) {
		this.model = model;
	}

	/**
	 * Return how urgently the prompt is served, or {@code null} for
	 * {@link LlmPriority#NORMAL}.
	 * @return the priority
	 */
	public @Nullable LlmPriority getPriority() {
		return this.priority;
	}

	/**
	 * Set how urgently the prompt is served.
	 * @param priority the priority, or {@code null}
	 */
	public void setPriority(@Nullable LlmPriority priority) {
		this.priority = priority;
	}

	/**
	 * Return the overall time each call to the pipeline is granted, or {@code null} for
	 * no deadline.
	 * @return the timeout
	 */
	public @Nullable Duration getTimeout() {
		return this.timeout;
	}

	/**
	 * Set the overall time each call to the pipeline is granted: with internal tool
	 * execution, each round trip to a model.
	 * @param timeout the timeout, or {@code null}
	 */
	public void setTimeout(@Nullable Duration timeout) {
		this.timeout = timeout;
	}

	/**
	 * Return the caller's tags, never sent to a provider.
	 * @return the tags by name
	 */
	public Map<String, String> getTags() {
		return this.tags;
	}

	/**
	 * Set the caller's tags, such as the tenant: cost metrics and spend budgets use them.
	 * @param tags the tags by name
	 */
	public void setTags(Map<String, String> tags) {
		this.tags = new LinkedHashMap<>(tags);
	}

	@Override
	public @Nullable Integer getMaxTokens() {
		return this.maxTokens;
	}

	/**
	 * Set the output token limit.
	 * @param maxTokens the limit, or {@code null} for the model's
	 */
	public void setMaxTokens(@Nullable Integer maxTokens) {
		this.maxTokens = maxTokens;
	}

	@Override
	public @Nullable Double getTemperature() {
		return this.temperature;
	}

	/**
	 * Set the sampling temperature.
	 * @param temperature the temperature, or {@code null} for the provider's default
	 */
	public void setTemperature(@Nullable Double temperature) {
		this.temperature = temperature;
	}

	@Override
	public @Nullable Double getTopP() {
		return this.topP;
	}

	/**
	 * Set the nucleus sampling mass.
	 * @param topP the value, or {@code null} for the provider's default
	 */
	public void setTopP(@Nullable Double topP) {
		this.topP = topP;
	}

	@Override
	public @Nullable Integer getTopK() {
		return this.topK;
	}

	/**
	 * Set top-k sampling; a prompt with it is refused, since it has no neutral form.
	 * @param topK the value, or {@code null}
	 */
	public void setTopK(@Nullable Integer topK) {
		this.topK = topK;
	}

	@Override
	public @Nullable Double getFrequencyPenalty() {
		return this.frequencyPenalty;
	}

	/**
	 * Set the frequency penalty; a prompt with it is refused, since it has no neutral
	 * form.
	 * @param frequencyPenalty the value, or {@code null}
	 */
	public void setFrequencyPenalty(@Nullable Double frequencyPenalty) {
		this.frequencyPenalty = frequencyPenalty;
	}

	@Override
	public @Nullable Double getPresencePenalty() {
		return this.presencePenalty;
	}

	/**
	 * Set the presence penalty; a prompt with it is refused, since it has no neutral
	 * form.
	 * @param presencePenalty the value, or {@code null}
	 */
	public void setPresencePenalty(@Nullable Double presencePenalty) {
		this.presencePenalty = presencePenalty;
	}

	@Override
	public @Nullable List<String> getStopSequences() {
		return this.stopSequences;
	}

	/**
	 * Set the sequences that end generation.
	 * @param stopSequences the sequences, or {@code null} for none
	 */
	public void setStopSequences(@Nullable List<String> stopSequences) {
		this.stopSequences = (stopSequences != null) ? new ArrayList<>(stopSequences) : null;
	}

	@Override
	public List<ToolCallback> getToolCallbacks() {
		return this.toolCallbacks;
	}

	public void setToolCallbacks(List<ToolCallback> toolCallbacks) {
		this.toolCallbacks = new ArrayList<>(toolCallbacks);
	}

	@Override
	public Map<String, Object> getToolContext() {
		return this.toolContext;
	}

	public void setToolContext(Map<String, Object> toolContext) {
		this.toolContext = new LinkedHashMap<>(toolContext);
	}

	/**
	 * Return the JSON Schema the answer must follow, or {@code null} for free text.
	 * @return the schema, as JSON text
	 */
	@Override
	public @Nullable String getOutputSchema() {
		return this.outputSchema;
	}

	/**
	 * Set the JSON Schema the answer must follow; Spring AI's {@code ChatClient} sets it
	 * for {@code entity(...)} with native structured output.
	 * @param outputSchema the schema, as JSON text, or {@code null}
	 */
	public void setOutputSchema(@Nullable String outputSchema) {
		this.outputSchema = outputSchema;
	}

	/**
	 * Return a copy of these options.
	 * @return the copy
	 */
	public LlmResilienceChatOptions copy() {
		LlmResilienceChatOptions copy = new LlmResilienceChatOptions();
		copy.chain = this.chain;
		copy.model = this.model;
		copy.priority = this.priority;
		copy.timeout = this.timeout;
		copy.setTags(this.tags);
		copy.maxTokens = this.maxTokens;
		copy.temperature = this.temperature;
		copy.topP = this.topP;
		copy.topK = this.topK;
		copy.frequencyPenalty = this.frequencyPenalty;
		copy.presencePenalty = this.presencePenalty;
		copy.setStopSequences(this.stopSequences);
		copy.setToolCallbacks(this.toolCallbacks);
		copy.setToolContext(this.toolContext);
		copy.outputSchema = this.outputSchema;
		return copy;
	}

	/**
	 * Return a builder that starts from a copy of these options.
	 * @return the builder
	 */
	@Override
	public Builder mutate() {
		return new Builder(copy());
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof LlmResilienceChatOptions that)) {
			return false;
		}
		return Objects.equals(this.chain, that.chain) && Objects.equals(this.model, that.model)
				&& this.priority == that.priority && Objects.equals(this.timeout, that.timeout)
				&& this.tags.equals(that.tags) && Objects.equals(this.maxTokens, that.maxTokens)
				&& Objects.equals(this.temperature, that.temperature) && Objects.equals(this.topP, that.topP)
				&& Objects.equals(this.topK, that.topK) && Objects.equals(this.frequencyPenalty, that.frequencyPenalty)
				&& Objects.equals(this.presencePenalty, that.presencePenalty)
				&& Objects.equals(this.stopSequences, that.stopSequences)
				&& this.toolCallbacks.equals(that.toolCallbacks) && this.toolContext.equals(that.toolContext)
				&& Objects.equals(this.outputSchema, that.outputSchema);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.chain, this.model, this.priority, this.timeout, this.tags, this.maxTokens,
				this.temperature, this.topP, this.topK, this.frequencyPenalty, this.presencePenalty, this.stopSequences,
				this.toolCallbacks, this.toolContext, this.outputSchema);
	}

	@Override
	public String toString() {
		// The tool context and the schema stay out: they may hold the caller's data.
		return "LlmResilienceChatOptions{chain=" + this.chain + ", model=" + this.model + ", priority=" + this.priority
				+ ", timeout=" + this.timeout + ", tags=" + this.tags + ", maxTokens=" + this.maxTokens
				+ ", temperature=" + this.temperature + ", topP=" + this.topP + ", toolCallbacks="
				+ this.toolCallbacks.size() + ", outputSchema=" + (this.outputSchema != null) + "}";
	}

	/**
	 * Builds {@link LlmResilienceChatOptions}.
	 */
	public static final class Builder
			implements ToolCallingChatOptions.Builder<Builder>, StructuredOutputChatOptions.Builder<Builder> {

		private LlmResilienceChatOptions options;

		private Builder() {
			this(new LlmResilienceChatOptions());
		}

		private Builder(LlmResilienceChatOptions options) {
			this.options = options;
		}

		@Override
		public Builder clone() {
			return new Builder(this.options.copy());
		}

		/**
		 * Take the options another builder would build over these: each option set there
		 * wins, as {@link LlmResilienceChatOptions#mergedOver} merges them.
		 * @param other the other builder
		 * @return this builder
		 */
		@Override
		public Builder combineWith(ChatOptions.Builder<?> other) {
			this.options = from(other.build()).mergedOver(this.options);
			return this;
		}

		/**
		 * Send the prompt to a chain.
		 * @param chain the chain name, as configured under {@code llm.resilience.chains}
		 * @return this builder
		 */
		public Builder chain(@Nullable String chain) {
			this.options.chain = chain;
			return this;
		}

		/**
		 * Send the prompt to a single model.
		 * @param model the model id, as configured under {@code llm.resilience.models}
		 * @return this builder
		 */
		@Override
		public Builder model(@Nullable String model) {
			this.options.model = model;
			return this;
		}

		/**
		 * Set how urgently the prompt is served.
		 * @param priority the priority
		 * @return this builder
		 */
		public Builder priority(@Nullable LlmPriority priority) {
			this.options.priority = priority;
			return this;
		}

		/**
		 * Set the overall time each call to the pipeline is granted.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder timeout(@Nullable Duration timeout) {
			this.options.timeout = timeout;
			return this;
		}

		/**
		 * Add a caller's tag, never sent to a provider.
		 * @param name the tag's name, such as {@code tenant}
		 * @param value its value
		 * @return this builder
		 */
		public Builder tag(String name, String value) {
			this.options.tags.put(name, value);
			return this;
		}

		/**
		 * Set the JSON Schema the answer must follow.
		 * @param outputSchema the schema, as JSON text
		 * @return this builder
		 */
		@Override
		public Builder outputSchema(@Nullable String outputSchema) {
			this.options.outputSchema = outputSchema;
			return this;
		}

		@Override
		public Builder toolCallbacks(List<ToolCallback> toolCallbacks) {
			this.options.setToolCallbacks(toolCallbacks);
			return this;
		}

		@Override
		public Builder toolCallbacks(ToolCallback... toolCallbacks) {
			return toolCallbacks(List.of(toolCallbacks));
		}

		@Override
		public Builder toolContext(Map<String, Object> context) {
			this.options.toolContext.putAll(context);
			return this;
		}

		@Override
		public Builder toolContext(String key, Object value) {
			this.options.toolContext.put(key, value);
			return this;
		}

		@Override
		public Builder frequencyPenalty(@Nullable Double frequencyPenalty) {
			this.options.frequencyPenalty = frequencyPenalty;
			return this;
		}

		@Override
		public Builder maxTokens(@Nullable Integer maxTokens) {
			this.options.maxTokens = maxTokens;
			return this;
		}

		@Override
		public Builder presencePenalty(@Nullable Double presencePenalty) {
			this.options.presencePenalty = presencePenalty;
			return this;
		}

		@Override
		public Builder stopSequences(@Nullable List<String> stopSequences) {
			this.options.setStopSequences(stopSequences);
			return this;
		}

		@Override
		public Builder temperature(@Nullable Double temperature) {
			this.options.temperature = temperature;
			return this;
		}

		@Override
		public Builder topK(@Nullable Integer topK) {
			this.options.topK = topK;
			return this;
		}

		@Override
		public Builder topP(@Nullable Double topP) {
			this.options.topP = topP;
			return this;
		}

		@Override
		public LlmResilienceChatOptions build() {
			return this.options.copy();
		}

	}

}
