package dev.llmresilience.springai.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingManager;
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
 * Tool calls are returned, as Spring AI 2.0's models return them: the tool calling
 * advisor of Spring AI's {@code ChatClient} runs them with its {@code ToolCallingManager}
 * and sends the conversation back, each round trip a request of its own through the
 * pipeline that may be served by another model of the chain; a caller of the model itself
 * gets the tool calls. The tool calling manager here only resolves the tools the options
 * declare.
 * <p>
 * The answer's metadata holds the model name the provider reported, the usage (summed of
 * the answer), the provider's request id as the id, and under the keys of this class the
 * model id, the provider, whether a fallback answered, every attempt and the cost. The
 * finish reason is the name of the {@code StopReason}.
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

	private final PromptConverter promptConverter;

	/**
	 * Create a new instance.
	 * @param template serves the requests
	 * @param defaultOptions the options a prompt's own options are merged over
	 * @param toolCallingManager resolves the tools the options declare
	 * @param objectMapper parses tool schemas and tool call arguments
	 */
	public LlmResilienceChatModel(LlmTemplate template, LlmResilienceChatOptions defaultOptions,
			ToolCallingManager toolCallingManager, ObjectMapper objectMapper) {
		Assert.notNull(template, "template must not be null");
		Assert.notNull(defaultOptions, "defaultOptions must not be null");
		Assert.notNull(toolCallingManager, "toolCallingManager must not be null");
		Assert.notNull(objectMapper, "objectMapper must not be null");
		this.template = template;
		this.defaultOptions = defaultOptions.copy();
		this.promptConverter = new PromptConverter(toolCallingManager, objectMapper);
	}

	/**
	 * Create an instance with no default options, Spring AI's default tool calling
	 * manager and a plain {@link ObjectMapper}.
	 * @param template serves the requests
	 */
	public LlmResilienceChatModel(LlmTemplate template) {
		this(template, new LlmResilienceChatOptions(), ToolCallingManager.builder().build(), new ObjectMapper());
	}

	/**
	 * Send a prompt through the pipeline and wait for the answer, tool calls included.
	 * Not for use on an event loop.
	 * @param prompt the prompt
	 * @return the answer
	 * @throws dev.llmresilience.error.LlmException if the pipeline fails
	 * @throws UnsupportedPromptException if the prompt has no neutral form
	 */
	@Override
	public ChatResponse call(Prompt prompt) {
		LlmResponse answer = this.template.call(toRequest(withMergedOptions(prompt))).block();
		return ChatResponseConverter.toChatResponse(answer, null);
	}

	/**
	 * Stream the answer to a prompt: a response for each piece of text, then one without
	 * text that carries the tool calls, the finish reason and the metadata. Retries and
	 * fallback stay invisible until the first event reaches the caller.
	 * @param prompt the prompt
	 * @return the responses, or a typed error
	 */
	@Override
	public Flux<ChatResponse> stream(Prompt prompt) {
		return Flux.defer(() -> this.template.stream(toRequest(withMergedOptions(prompt))).concatMap((event) -> {
			if (event instanceof LlmStreamEvent.TextDelta delta) {
				return Mono.just(ChatResponseConverter.toTextChunk(delta.text()));
			}
			if (event instanceof LlmStreamEvent.Completion completion) {
				return Mono.just(ChatResponseConverter.toLastChunk(completion.response(), null));
			}
			// tool calls reach the caller whole, with the last chunk; Spring AI has no
			// chunk of reasoning or refusal
			return Mono.empty();
		}));
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
	public LlmResilienceChatOptions getOptions() {
		return this.defaultOptions.copy();
	}

	/**
	 * Return a copy of the default options, as {@link #getOptions()} does.
	 * @return the options
	 */
	@Override
	public LlmResilienceChatOptions getDefaultOptions() {
		return getOptions();
	}

	/**
	 * Return the template that serves the requests.
	 * @return the template
	 */
	public LlmTemplate getTemplate() {
		return this.template;
	}

}
