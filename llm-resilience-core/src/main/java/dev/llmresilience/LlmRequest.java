package dev.llmresilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * A provider-neutral request to a model. Immutable; create one with {@link #builder()} or
 * {@link #ofPrompt(String)}.
 * <p>
 * A request names either a chain or a single model. With neither, the default chain
 * serves it. Content (text, images, documents, tool calls and results), tools, structured
 * output and reasoning are neutral: every model of a chain gets them in its own wire
 * format, and a model that cannot take them is skipped. Fields that only one provider
 * understands go in {@link #extraBody()}: the map is merged into the wire JSON as it is,
 * after the neutral fields, so that no provider feature is out of reach.
 *
 * @author llm-resilience
 */
public final class LlmRequest {

	/**
	 * The tokens an image is estimated at: about what a picture of a megapixel costs at
	 * Anthropic and OpenAI.
	 */
	static final int IMAGE_TOKENS = 1600;

	/**
	 * Characters of a PDF's Base64 data per estimated token: a page of about 3 KB costs
	 * 1,500 to 3,000 tokens of text and page image.
	 */
	static final int PDF_CHARS_PER_TOKEN = 2;

	/** The tokens a PDF given by URL is estimated at, its size being unknown. */
	static final int PDF_URL_TOKENS = 10000;

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

	private final List<LlmTool> tools;

	private final LlmToolChoice toolChoice;

	private final Boolean parallelToolCalls;

	private final LlmOutputSchema outputSchema;

	private final LlmReasoning reasoning;

	private final Map<String, String> tags;

	/** Worked out once: each model tried, its pace and its bill ask for it. */
	private final long estimatedInputTokens;

	private LlmRequest(Builder builder) {
		Assert.notEmpty(builder.messages, "A request needs at least one message");
		Assert.isTrue(builder.chain == null || builder.model == null, "A request names a chain or a model, not both");
		Assert.isTrue(builder.maxTokens == null || builder.maxTokens > 0, "maxTokens must be positive");
		Assert.isTrue(builder.timeout == null || builder.timeout.compareTo(Duration.ZERO) > 0,
				"timeout must be positive");
		Assert.isTrue(
				builder.toolChoice == null || builder.toolChoice.mode() != LlmToolChoice.Mode.TOOL
						|| builder.tools.stream().anyMatch((tool) -> tool.name().equals(builder.toolChoice.toolName())),
				() -> "The tool choice names '" + builder.toolChoice.toolName() + "', which is not among the tools");
		// most requests have no tools: their checks cost no stream
		if (!builder.tools.isEmpty()) {
			Assert.isTrue(builder.tools.stream().map(LlmTool::name).distinct().count() == builder.tools.size(),
					"Tool names must be unique");
			Assert.isTrue(
					builder.outputSchema == null || builder.tools.stream()
						.noneMatch((tool) -> tool.name().equals(builder.outputSchema.name())),
					"The output schema's name must differ from every tool's: a model without native structured "
							+ "output answers through a tool of that name");
		}
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
		this.extraBody = builder.extraBody.isEmpty() ? Map.of()
				: Collections.unmodifiableMap(new LinkedHashMap<>(builder.extraBody));
		this.tools = List.copyOf(builder.tools);
		this.toolChoice = builder.toolChoice;
		this.parallelToolCalls = builder.parallelToolCalls;
		this.outputSchema = builder.outputSchema;
		this.reasoning = builder.reasoning;
		this.tags = builder.tags.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(builder.tags));
		this.estimatedInputTokens = estimateInputTokens();
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
	 * Return the tools the model may call.
	 * @return the tools, empty for none
	 */
	public List<LlmTool> tools() {
		return this.tools;
	}

	/**
	 * Return whether and which tool the model must call, or {@code null} for the
	 * provider's default (the model decides).
	 * @return the tool choice
	 */
	@Nullable
	public LlmToolChoice toolChoice() {
		return this.toolChoice;
	}

	/**
	 * Return whether the model may call several tools in one answer, or {@code null} for
	 * the provider's default (it may).
	 * @return whether parallel tool calls are allowed
	 */
	@Nullable
	public Boolean parallelToolCalls() {
		return this.parallelToolCalls;
	}

	/**
	 * Return the JSON Schema the answer must follow, or {@code null} for free text.
	 * @return the output schema
	 */
	@Nullable
	public LlmOutputSchema outputSchema() {
		return this.outputSchema;
	}

	/**
	 * Return how much the model should reason, or {@code null} for the model's default.
	 * @return the reasoning setting
	 */
	@Nullable
	public LlmReasoning reasoning() {
		return this.reasoning;
	}

	/**
	 * Return the caller's tags, such as the tenant or the feature a request serves, by
	 * name. They are never sent to a provider: cost metrics count spend by the tags
	 * declared under {@code llm.resilience.cost.tags}, and spend budgets may be kept per
	 * tag value.
	 * @return an unmodifiable map, empty for none
	 */
	public Map<String, String> tags() {
		return this.tags;
	}

	/**
	 * Return the capabilities a model needs to take this request as it is: tools for tool
	 * definitions, calls and results; vision for images; PDF for PDF documents; reasoning
	 * for reasoning that is not optional. Structured output is not among them: a model
	 * without the native feature gets it as a forced tool call.
	 * @return the capabilities, empty for a plain text request
	 */
	public EnumSet<LlmCapability> requiredCapabilities() {
		EnumSet<LlmCapability> required = EnumSet.noneOf(LlmCapability.class);
		if (!this.tools.isEmpty()) {
			required.add(LlmCapability.TOOLS);
		}
		if (this.reasoning != null && !this.reasoning.optional()) {
			required.add(LlmCapability.REASONING);
		}
		for (LlmMessage message : this.messages) {
			for (LlmContent block : message.content()) {
				requiredFor(block, required);
			}
		}
		return required;
	}

	private static void requiredFor(LlmContent block, EnumSet<LlmCapability> required) {
		if (block instanceof LlmContent.ToolCall) {
			required.add(LlmCapability.TOOLS);
		}
		else if (block instanceof LlmContent.ToolResult result) {
			required.add(LlmCapability.TOOLS);
			result.content().forEach((part) -> requiredFor(part, required));
		}
		else if (block instanceof LlmContent.Image) {
			required.add(LlmCapability.VISION);
		}
		else if (block instanceof LlmContent.Document document && document.isPdf()) {
			required.add(LlmCapability.PDF);
		}
	}

	/**
	 * Return a cheap estimate of the input tokens: about four characters a token for
	 * text, tool inputs and tool schemas, a few tokens a turn, {@value #IMAGE_TOKENS}
	 * tokens an image, and for a PDF a token for about every
	 * {@value #PDF_CHARS_PER_TOKEN} characters of its Base64 data
	 * ({@value #PDF_URL_TOKENS} for one given by URL). Fields in {@link #extraBody()} are
	 * not counted.
	 * @return the estimated number of input tokens
	 */
	public long estimatedInputTokens() {
		return this.estimatedInputTokens;
	}

	private long estimateInputTokens() {
		long characters = (this.system != null) ? this.system.length() : 0;
		for (LlmTool tool : this.tools) {
			characters += tool.name().length() + tool.inputSchema().toString().length()
					+ ((tool.description() != null) ? tool.description().length() : 0);
		}
		long tokens = 0;
		for (LlmMessage message : this.messages) {
			for (LlmContent block : message.content()) {
				characters += characters(block);
				tokens += mediaTokens(block);
			}
		}
		return tokens + characters / 4 + 4L * (this.messages.size() + 1);
	}

	private static long characters(LlmContent block) {
		if (block instanceof LlmContent.Text text) {
			return text.text().length();
		}
		if (block instanceof LlmContent.ToolCall call) {
			return call.name().length() + call.rawInput().length();
		}
		if (block instanceof LlmContent.ToolResult result) {
			return result.content().stream().mapToLong(LlmRequest::characters).sum();
		}
		if (block instanceof LlmContent.Document document && !document.isPdf()) {
			return document.data().length();
		}
		if (block instanceof LlmContent.Reasoning reasoning) {
			return reasoning.text().length();
		}
		if (block instanceof LlmContent.Refusal refusal) {
			return refusal.text().length();
		}
		return 0;
	}

	private static long mediaTokens(LlmContent block) {
		if (block instanceof LlmContent.Image) {
			return IMAGE_TOKENS;
		}
		if (block instanceof LlmContent.Document document && document.isPdf()) {
			return (document.data() != null) ? document.data().length() / PDF_CHARS_PER_TOKEN : PDF_URL_TOKENS;
		}
		if (block instanceof LlmContent.ToolResult result) {
			return result.content().stream().mapToLong(LlmRequest::mediaTokens).sum();
		}
		return 0;
	}

	@Override
	public String toString() {
		// Prompt text stays out: it may be personal data and it is large.
		return "LlmRequest{messages=" + this.messages.size() + ", maxTokens=" + this.maxTokens + ", chain=" + this.chain
				+ ", model=" + this.model + ", priority=" + this.priority + ", timeout=" + this.timeout + ", tools="
				+ this.tools.size() + ", outputSchema="
				+ ((this.outputSchema != null) ? this.outputSchema.name() : null) + ", reasoning="
				+ (this.reasoning != null) + ", extraBody=" + this.extraBody.keySet() + ", tags=" + this.tags + "}";
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

		private final List<LlmTool> tools = new ArrayList<>();

		private LlmToolChoice toolChoice;

		private Boolean parallelToolCalls;

		private LlmOutputSchema outputSchema;

		private LlmReasoning reasoning;

		private final Map<String, String> tags = new LinkedHashMap<>();

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
			this.tools.addAll(request.tools);
			this.toolChoice = request.toolChoice;
			this.parallelToolCalls = request.parallelToolCalls;
			this.outputSchema = request.outputSchema;
			this.reasoning = request.reasoning;
			this.tags.putAll(request.tags);
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
		 * Add a user turn of content blocks, such as an image and a question about it, or
		 * the results of the previous answer's tool calls.
		 * @param content the blocks, in order
		 * @return this builder
		 */
		public Builder user(LlmContent... content) {
			return message(LlmMessage.user(content));
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
		 * Add a tool the model may call.
		 * @param tool the tool
		 * @return this builder
		 */
		public Builder tool(LlmTool tool) {
			Assert.notNull(tool, "tool must not be null");
			this.tools.add(tool);
			return this;
		}

		/**
		 * Replace all tools.
		 * @param tools the tools
		 * @return this builder
		 */
		public Builder tools(List<LlmTool> tools) {
			Assert.noNullElements(tools, "tools must not contain null");
			this.tools.clear();
			this.tools.addAll(tools);
			return this;
		}

		/**
		 * Set whether and which tool the model must call.
		 * @param toolChoice the choice, or {@code null} for the provider's default
		 * @return this builder
		 */
		public Builder toolChoice(@Nullable LlmToolChoice toolChoice) {
			this.toolChoice = toolChoice;
			return this;
		}

		/**
		 * Set whether the model may call several tools in one answer.
		 * @param parallelToolCalls whether it may, or {@code null} for the provider's
		 * default
		 * @return this builder
		 */
		public Builder parallelToolCalls(@Nullable Boolean parallelToolCalls) {
			this.parallelToolCalls = parallelToolCalls;
			return this;
		}

		/**
		 * Set the JSON Schema the answer must follow.
		 * @param outputSchema the schema, or {@code null} for free text
		 * @return this builder
		 */
		public Builder outputSchema(@Nullable LlmOutputSchema outputSchema) {
			this.outputSchema = outputSchema;
			return this;
		}

		/**
		 * Set how much the model should reason before it answers.
		 * @param reasoning the setting, or {@code null} for the model's default
		 * @return this builder
		 */
		public Builder reasoning(@Nullable LlmReasoning reasoning) {
			this.reasoning = reasoning;
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
		 * Tag the request, such as with the tenant or the feature it serves, for cost
		 * metrics and spend budgets. Tags are never sent to a provider.
		 * @param name the tag's name, such as {@code tenant}
		 * @param value its value, such as {@code acme}
		 * @return this builder
		 */
		public Builder tag(String name, String value) {
			Assert.hasText(name, "name must not be empty");
			Assert.notNull(value, "value must not be null");
			this.tags.put(name, value);
			return this;
		}

		/**
		 * Replace all tags.
		 * @param tags the tags, by name
		 * @return this builder
		 */
		public Builder tags(Map<String, String> tags) {
			Assert.notNull(tags, "tags must not be null");
			tags.forEach((name, value) -> {
				Assert.hasText(name, "A tag's name must not be empty");
				Assert.notNull(value, "A tag's value must not be null");
			});
			this.tags.clear();
			this.tags.putAll(tags);
			return this;
		}

		/**
		 * Build the request.
		 * @return the request
		 * @throws IllegalArgumentException if the request has no message, names both a
		 * chain and a model, has a non-positive limit, a tool choice of a tool it does
		 * not offer, tools of the same name, or an output schema named as one of its
		 * tools
		 */
		public LlmRequest build() {
			return new LlmRequest(this);
		}

	}

}
