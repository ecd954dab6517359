package dev.llmresilience.springai.provider;

import java.time.Clock;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.deadline.IdleTimeoutOperator;
import dev.llmresilience.provider.LlmProvider;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.lang.Nullable;

/**
 * A provider whose calls go through a Spring AI {@link ChatModel}, such as a Bedrock or
 * Vertex AI model, so that it can be a link of a fallback chain like any other: the
 * chain's breakers, retries, budgets, queue, health and metrics see it as they see the
 * native providers.
 * <p>
 * Each call is one call of the model, whose name goes into the prompt's portable options
 * as the model's {@code name}. The tools go as definitions only, with Spring AI's
 * internal tool execution off, so that tool calls come back to the caller. Whole answers
 * are awaited on the bounded elastic scheduler, since {@link ChatModel#call} blocks; the
 * provider's {@code first-byte-timeout} bounds them, and a stream's first response and
 * the silence between two more. A stream that ends without a finish reason is an error,
 * not an answer.
 * <p>
 * The model must not retry by itself: only the pipeline's retries should count. While the
 * model's {@code call()} runs for an attempt, {@link #isCallingForAttempt()} says so on
 * the calling thread, so that the bridge's auto-configuration can end Spring AI's retry
 * of that call at its first failure and leave the model's other calls retried as before.
 */
public class SpringAiChatModelProvider implements LlmProvider {

	/** The {@link #type() type} of these providers. */
	public static final String TYPE = "spring-ai";

	/** Whether this thread is in a chat model's {@code call()} for an attempt. */
	private static final ThreadLocal<Boolean> callingForAttempt = new ThreadLocal<>();

	private final String id;

	private final ChatModel chatModel;

	private final Duration firstByteTimeout;

	private final Duration streamIdleTimeout;

	private final SpringAiErrors errors;

	/**
	 * Create a new instance.
	 * @param id the provider's id, its key under {@code llm.resilience.providers}
	 * @param chatModelName the name of the chat model's bean, which error messages name
	 * @param chatModel the chat model to call
	 * @param firstByteTimeout the limit for a whole answer, and for a stream's first
	 * response
	 * @param streamIdleTimeout the limit between two responses of a stream
	 * @param objectMapper reads error bodies
	 * @param clock the clock that a retry-after date is measured against
	 */
	public SpringAiChatModelProvider(String id, String chatModelName, ChatModel chatModel, Duration firstByteTimeout,
			Duration streamIdleTimeout, ObjectMapper objectMapper, Clock clock) {
		this.id = id;
		this.chatModel = chatModel;
		this.firstByteTimeout = firstByteTimeout;
		this.streamIdleTimeout = streamIdleTimeout;
		this.errors = new SpringAiErrors(id, chatModelName, firstByteTimeout, streamIdleTimeout, objectMapper, clock);
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public String type() {
		return TYPE;
	}

	/**
	 * Return the chat model this provider calls.
	 * @return the chat model
	 */
	public ChatModel getChatModel() {
		return this.chatModel;
	}

	@Override
	public Mono<LlmResponse> call(LlmModel model, LlmRequest request) {
		Mono<ChatResponse> response = Mono
			.fromCallable(() -> callForAttempt(SpringAiPrompts.prompt(this.chatModel, model, request)))
			.subscribeOn(Schedulers.boundedElastic());
		return IdleTimeoutOperator.within(response, this.firstByteTimeout, () -> this.errors.timeout(model, false))
			.map((answer) -> SpringAiAnswers.answer(this.id, model, answer))
			.switchIfEmpty(Mono.error(() -> this.errors.incomplete(model, "the chat model gave no answer")))
			.onErrorMap((error) -> this.errors.translate(model, error));
	}

	@Override
	public Flux<LlmStreamEvent> stream(LlmModel model, LlmRequest request) {
		return Flux.defer(() -> {
			SpringAiAnswers.StreamedAnswer answer = new SpringAiAnswers.StreamedAnswer(this.id, model);
			Mono<LlmStreamEvent> completion = Mono
				.defer(() -> answer.finished() ? Mono.just(new LlmStreamEvent.Completion(answer.complete(true)))
						: Mono.error(this.errors.incomplete(model, "the stream ended without a finish reason")));
			return this.chatModel.stream(SpringAiPrompts.prompt(this.chatModel, model, request))
				.transform(IdleTimeoutOperator.of(this.firstByteTimeout, this.streamIdleTimeout,
						(started) -> this.errors.timeout(model, started)))
				.concatMapIterable(answer::add)
				.concatWith(completion);
		}).onErrorMap((error) -> this.errors.translate(model, error));
	}

	private ChatResponse callForAttempt(Prompt prompt) {
		callingForAttempt.set(Boolean.TRUE);
		try {
			return this.chatModel.call(prompt);
		}
		finally {
			callingForAttempt.remove();
		}
	}

	/**
	 * Return whether the current thread is in a chat model's {@code call()} that a
	 * provider of this type makes for an attempt of the pipeline, where a retry of the
	 * chat model's own would multiply the pipeline's and hide failures from its circuit
	 * breaker.
	 * @return whether a call for an attempt is running on this thread
	 */
	public static boolean isCallingForAttempt() {
		return callingForAttempt.get() != null;
	}

	/**
	 * Return whether a prompt is one that a provider of this type wrote for an attempt of
	 * the pipeline, which the pipeline observes already.
	 * @param prompt the prompt a chat model was called with
	 * @return whether it is the prompt of an attempt
	 */
	public static boolean isAttemptPrompt(Prompt prompt) {
		return SpringAiPrompts.isAttemptPrompt(prompt);
	}

	@Override
	@Nullable
	public String unsupported(LlmModel model, LlmRequest request) {
		return SpringAiPrompts.unsupported(model, request);
	}

	@Override
	public String toString() {
		return "SpringAiChatModelProvider{id=" + this.id + ", chatModel=" + this.chatModel.getClass().getSimpleName()
				+ "}";
	}

}
