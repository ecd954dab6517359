package dev.llmresilience;

import java.time.Duration;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.llmresilience.resilience.Deadline;
import dev.llmresilience.observation.LlmObservationConventions;
import dev.llmresilience.observation.LlmRequestContext;
import dev.llmresilience.observation.ReactiveObservation;
import dev.llmresilience.queue.RequestQueue;
import dev.llmresilience.resilience.FallbackChain;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * The entry point for calling models: admits each request through the priority queue, then
 * serves it from the models of its chain, with retries, circuit breakers and fallback, all within
 * the request's overall time limit. Reactive; the {@code *Blocking} methods are thin wrappers for callers
 * on servlet threads and must not be used on an event loop.
 */
public class LlmTemplate {

	private final FallbackChain chain;

	private final RequestQueue queue;

	private final Duration defaultTimeout;

	private final ObservationRegistry observationRegistry;

	private final ObservationConvention<LlmRequestContext> observationConvention = LlmObservationConventions
		.request();

	/**
	 * Create a new instance.
	 * @param chain serves each request from the models of its chain
	 * @param queue admits requests by priority under a concurrency limit, or {@code null} to
	 * serve every request at once
	 * @param defaultTimeout the overall time limit of requests that set none, or {@code null}
	 * for none
	 * @param observationRegistry observes each request ({@code llm.request})
	 */
	public LlmTemplate(FallbackChain chain, @Nullable RequestQueue queue, @Nullable Duration defaultTimeout,
			ObservationRegistry observationRegistry) {
		Assert.notNull(chain, "chain must not be null");
		Assert.notNull(observationRegistry, "observationRegistry must not be null");
		this.chain = chain;
		this.queue = queue;
		this.defaultTimeout = defaultTimeout;
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Create a new instance that observes nothing.
	 * @param chain serves each request from the models of its chain
	 * @param queue admits requests by priority under a concurrency limit, or {@code null} to
	 * serve every request at once
	 * @param defaultTimeout the overall time limit of requests that set none, or {@code null}
	 * for none
	 */
	public LlmTemplate(FallbackChain chain, @Nullable RequestQueue queue, @Nullable Duration defaultTimeout) {
		this(chain, queue, defaultTimeout, ObservationRegistry.NOOP);
	}

	/**
	 * Create a new instance that serves every request at once, without a queue, and observes
	 * nothing.
	 * @param chain serves each request from the models of its chain
	 * @param defaultTimeout the overall time limit of requests that set none, or {@code null}
	 * for none
	 */
	public LlmTemplate(FallbackChain chain, @Nullable Duration defaultTimeout) {
		this(chain, null, defaultTimeout, ObservationRegistry.NOOP);
	}

	/**
	 * Send a request and return the whole answer.
	 * @param request the request
	 * @return the answer, or an {@link LlmException}
	 */
	public Mono<LlmResponse> call(LlmRequest request) {
		return serve(request, false, (deadline) -> this.chain.call(request, deadline).flux(), (response) -> response)
			.single();
	}

	/**
	 * Admit the request through the queue, if there is one, and serve it within its deadline,
	 * under an observation.
	 * @param answerOf the whole answer an element carries, or {@code null}
	 */
	private <T> Flux<T> serve(LlmRequest request, boolean streaming, Function<Deadline, Flux<T>> work,
			Function<T, LlmResponse> answerOf) {
		return ReactiveObservation.observe(this.observationRegistry, this.observationConvention,
				() -> new LlmRequestContext(request, streaming), (context) -> {
					Deadline deadline = Deadline
						.after((request.timeout() != null) ? request.timeout() : this.defaultTimeout);
					Flux<T> served = (this.queue != null)
							? this.queue.submit(request.priority(), deadline, () -> work.apply(deadline))
							: work.apply(deadline);
					return served.doOnNext((element) -> {
						LlmResponse answer = answerOf.apply(element);
						if (answer != null) {
							context.setResponse(answer);
						}
					});
				});
	}

	/**
	 * Send a single user message to the default chain and return the whole answer.
	 * @param prompt the user message
	 * @return the answer, or an {@link LlmException}
	 */
	public Mono<LlmResponse> call(String prompt) {
		return call(LlmRequest.ofPrompt(prompt));
	}

	/**
	 * Send a request and stream the answer: text deltas, then one completion.
	 * @param request the request
	 * @return the events, or an {@link LlmException}
	 */
	public Flux<LlmStreamEvent> stream(LlmRequest request) {
		return serve(request, true, (deadline) -> this.chain.stream(request, deadline),
				(event) -> (event instanceof LlmStreamEvent.Completion completion) ? completion.response() : null);
	}

	/**
	 * Return the request queue.
	 * @return the queue, or {@code null} if requests are served at once
	 */
	@Nullable
	public RequestQueue getQueue() {
		return this.queue;
	}

	/**
	 * Stream the answer to a single user message from the default chain.
	 * @param prompt the user message
	 * @return the events, or an {@link LlmException}
	 */
	public Flux<LlmStreamEvent> stream(String prompt) {
		return stream(LlmRequest.ofPrompt(prompt));
	}

	/**
	 * Send a request and wait for the whole answer. Not for use on an event loop.
	 * @param request the request
	 * @return the answer
	 * @throws LlmException if the call fails
	 */
	public LlmResponse callBlocking(LlmRequest request) {
		return call(request).block();
	}

	/**
	 * Send a single user message to the default chain and wait for the answer's text. Not for
	 * use on an event loop.
	 * @param prompt the user message
	 * @return the generated text
	 * @throws LlmException if the call fails
	 */
	public String callBlocking(String prompt) {
		return callBlocking(LlmRequest.ofPrompt(prompt)).text();
	}

	/**
	 * Send a request and iterate the streamed events as they arrive. Close the stream to cancel
	 * the call. Not for use on an event loop.
	 * @param request the request
	 * @return the events; iterating throws {@link LlmException} if the call fails
	 */
	public Stream<LlmStreamEvent> streamBlocking(LlmRequest request) {
		return stream(request).toStream();
	}

	/**
	 * Return the configured providers, models and chains.
	 * @return the catalog
	 */
	public ModelCatalog getCatalog() {
		return this.chain.getCatalog();
	}

}
