package dev.llmresilience.springai.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.DefaultToolExecutionEligibilityPredicate;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.model.tool.ToolExecutionEligibilityPredicate;
import org.springframework.ai.model.tool.ToolExecutionResult;
import org.springframework.ai.model.tool.internal.ToolCallReactiveContextHolder;
import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * A Spring AI {@link ChatModel}, streaming included, served by an {@link LlmTemplate}:
 * each prompt goes through the library's pipeline (queue, retries, circuit breakers,
 * fallback through a chain of models) as one {@link LlmRequest}.
 * <p>
 * Prompts map to the neutral content model: system messages to the system prompt, user
 * messages with their images, PDFs and plain-text documents, assistant messages with
 * their tool calls, tool responses as tool results, and the tools the options resolve.
 * Where a prompt goes, how urgently and within what time come from
 * {@link LlmResilienceChatOptions}, the prompt's over the defaults; Spring AI's portable
 * options are taken too.
 * <p>
 * Tool calls are executed the way Spring AI's models execute them: with internal tool
 * execution (the default), the {@link ToolCallingManager} runs the calls and the
 * conversation goes back to the pipeline, each round trip a request of its own that may
 * be served by another model of the chain; with it off, the tool calls are returned to
 * the caller.
 * <p>
 * The answer's metadata holds the model name the provider reported, the usage (summed
 * over the rounds of a tool loop), the provider's request id as the id, and under the
 * keys of this class the model id, the provider, whether a fallback answered, every
 * attempt and the cost. The finish reason is the name of the {@code StopReason}.
 * <p>
 * This model opens no Spring AI chat model observation: the pipeline observes each model
 * call already ({@code llm.attempt}, {@code gen_ai.client.*}), and a second observation
 * of the same call would count it twice in the {@code gen_ai} metrics. Errors are the
 * library's typed exceptions ({@code dev.llmresilience.error}), and
 * {@link UnsupportedPromptException} for a prompt without a neutral form.
 *
 * @author llm-resilience
 */
public class LlmResilienceChatModel implements ChatModel {

	/** The metadata key of the id of the model that answered, as configured. */
	public static final String MODEL_ID_KEY = "llm.model";

	/** The metadata key of the id of the provider that served the answer. */
	public static final String PROVIDER_KEY = "llm.provider";

	/**
	 * The metadata key of whether a model other than the first one asked for answered, a
	 * {@link Boolean}.
	 */
	public static final String FALLBACK_KEY = "llm.fallback";

	/**
	 * The metadata key of every try made for the answer, a list of
	 * {@link dev.llmresilience.LlmAttempt}.
	 */
	public static final String ATTEMPTS_KEY = "llm.attempts";

	/** The metadata key of what the answer cost, an {@link dev.llmresilience.LlmCost}. */
	public static final String COST_KEY = "llm.cost";

	/** The generation metadata key of the provider's own stop reason. */
	public static final String RAW_STOP_REASON_KEY = "llm.raw-stop-reason";

	/** The generation metadata key of a refusal's text. */
	public static final String REFUSAL_KEY = "llm.refusal";

	private final LlmTemplate template;

	private final LlmResilienceChatOptions defaultOptions;

	private final ToolCallingManager toolCallingManager;

	private final ToolExecutionEligibilityPredicate toolExecutionEligibilityPredicate;

	private final PromptConverter promptConverter;

	/**
	 * Create a new instance.
	 * @param template serves the requests
	 * @param defaultOptions the options a prompt's own options are merged over
	 * @param toolCallingManager resolves the tools and executes their calls
	 * @param toolExecutionEligibilityPredicate decides whether the tool calls of an
	 * answer are executed here or returned to the caller
	 * @param objectMapper parses tool schemas and tool call arguments
	 */
	public LlmResilienceChatModel(LlmTemplate template, LlmResilienceChatOptions defaultOptions,
			ToolCallingManager toolCallingManager, ToolExecutionEligibilityPredicate toolExecutionEligibilityPredicate,
			ObjectMapper objectMapper) {
		Assert.notNull(template, "template must not be null");
		Assert.notNull(defaultOptions, "defaultOptions must not be null");
		Assert.notNull(toolCallingManager, "toolCallingManager must not be null");
		Assert.notNull(toolExecutionEligibilityPredicate, "toolExecutionEligibilityPredicate must not be null");
		Assert.notNull(objectMapper, "objectMapper must not be null");
		this.template = template;
		this.defaultOptions = defaultOptions.copy();
		this.toolCallingManager = toolCallingManager;
		this.toolExecutionEligibilityPredicate = toolExecutionEligibilityPredicate;
		this.promptConverter = new PromptConverter(toolCallingManager, objectMapper);
	}

	/**
	 * Create an instance with no default options, Spring AI's default tool calling
	 * manager and eligibility predicate, and a plain {@link ObjectMapper}.
	 * @param template serves the requests
	 */
	public LlmResilienceChatModel(LlmTemplate template) {
		this(template, new LlmResilienceChatOptions(), ToolCallingManager.builder().build(),
				new DefaultToolExecutionEligibilityPredicate(), new ObjectMapper());
	}

	/**
	 * Send a prompt through the pipeline and wait for the answer; with internal tool
	 * execution, until the model stops calling tools. Not for use on an event loop.
	 * @param prompt the prompt
	 * @return the answer
	 * @throws dev.llmresilience.error.LlmException if the pipeline fails
	 * @throws UnsupportedPromptException if the prompt has no neutral form
	 */
	@Override
	public ChatResponse call(Prompt prompt) {
		Prompt requestPrompt = withMergedOptions(prompt);
		ChatResponse previous = null;
		while (true) {
			LlmResponse answer = this.template.call(toRequest(requestPrompt)).block();
			ChatResponse response = ChatResponseConverter.toChatResponse(answer, previous);
			if (!this.toolExecutionEligibilityPredicate.isToolExecutionRequired(requestPrompt.getOptions(), response)) {
				return response;
			}
			ToolExecutionResult result = this.toolCallingManager.executeToolCalls(requestPrompt, response);
			if (result.returnDirect()) {
				return ChatResponse.builder()
					.from(response)
					.generations(ToolExecutionResult.buildGenerations(result))
					.build();
			}
			requestPrompt = new Prompt(result.conversationHistory(), requestPrompt.getOptions());
			previous = response;
		}
	}

	/**
	 * Stream the answer to a prompt: a response for each piece of text, then one without
	 * text that carries the tool calls, the finish reason and the metadata. With internal
	 * tool execution, the tools run when a round's answer is complete and the next
	 * round's stream follows. Retries and fallback stay invisible until a round's first
	 * event reaches the caller.
	 * @param prompt the prompt
	 * @return the responses, or a typed error
	 */
	@Override
	public Flux<ChatResponse> stream(Prompt prompt) {
		return Flux.defer(() -> stream(withMergedOptions(prompt), null));
	}

	private Flux<ChatResponse> stream(Prompt prompt, @Nullable ChatResponse previous) {
		return this.template.stream(toRequest(prompt)).concatMap((event) -> {
			if (event instanceof LlmStreamEvent.TextDelta delta) {
				return Mono.just(ChatResponseConverter.toTextChunk(delta.text()));
			}
			if (event instanceof LlmStreamEvent.Completion completion) {
				return afterRound(prompt, completion.response(), previous);
			}
			// tool calls reach the caller whole, with the last chunk; Spring AI has no
			// chunk of reasoning or refusal
			return Mono.empty();
		});
	}

	private Flux<ChatResponse> afterRound(Prompt prompt, LlmResponse answer, @Nullable ChatResponse previous) {
		ChatResponse whole = ChatResponseConverter.toChatResponse(answer, previous);
		if (!this.toolExecutionEligibilityPredicate.isToolExecutionRequired(prompt.getOptions(), whole)) {
			return Flux.just(ChatResponseConverter.toLastChunk(answer, previous));
		}
		// tools run synchronously, so never on the event loop that delivered the answer
		return Flux.deferContextual((context) -> {
			ToolExecutionResult result;
			try {
				ToolCallReactiveContextHolder.setContext(context);
				result = this.toolCallingManager.executeToolCalls(prompt, whole);
			}
			finally {
				ToolCallReactiveContextHolder.clearContext();
			}
			if (result.returnDirect()) {
				return Flux.just(ChatResponse.builder()
					.from(whole)
					.generations(ToolExecutionResult.buildGenerations(result))
					.build());
			}
			return stream(new Prompt(result.conversationHistory(), prompt.getOptions()), whole);
		}).subscribeOn(Schedulers.boundedElastic());
	}

	private Prompt withMergedOptions(Prompt prompt) {
		LlmResilienceChatOptions options = LlmResilienceChatOptions.from(prompt.getOptions())
			.mergedOver(this.defaultOptions);
		return new Prompt(prompt.getInstructions(), options);
	}

	private LlmRequest toRequest(Prompt prompt) {
		return this.promptConverter.toRequest(prompt, (LlmResilienceChatOptions) prompt.getOptions());
	}

	/**
	 * Return a copy of the default options, which Spring AI's {@code ChatClient} starts
	 * each request's options from.
	 * @return the options
	 */
	@Override
	public ChatOptions getDefaultOptions() {
		return this.defaultOptions.copy();
	}

	/**
	 * Return the template that serves the requests.
	 * @return the template
	 */
	public LlmTemplate getTemplate() {
		return this.template;
	}

}
