package dev.llmresilience.pipeline;

import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Function;

import dev.llmresilience.LlmPipeline;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.observation.LlmObservationConventions;
import dev.llmresilience.observation.LlmRequestContext;
import dev.llmresilience.observation.ReactiveObservation;
import dev.llmresilience.queue.RequestQueue;
import dev.llmresilience.resilience.FallbackChain;
import dev.llmresilience.resilience.ModelCatalog;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * The library's {@link LlmPipeline}: admits each request through the priority queue, then
 * serves it from the models of its chain, with retries, circuit breakers and fallback,
 * all within the request's overall time limit, under an {@code llm.request} observation.
 */
public class ResilientPipeline implements LlmPipeline {

	private final FallbackChain chain;

	private final RequestQueue queue;

	private final Duration defaultTimeout;

	private final ObservationRegistry observationRegistry;

	private final ObservationConvention<LlmRequestContext> observationConvention = LlmObservationConventions.request();

	/**
	 * Create a new instance.
	 * @param chain serves each request from the models of its chain
	 * @param queue admits requests by priority under a concurrency limit, or {@code null}
	 * to serve every request at once
	 * @param defaultTimeout the overall time limit of requests that set none, or
	 * {@code null} for none
	 * @param observationRegistry observes each request ({@code llm.request})
	 */
	public ResilientPipeline(FallbackChain chain, @Nullable RequestQueue queue, @Nullable Duration defaultTimeout,
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
	 * @param queue admits requests by priority under a concurrency limit, or {@code null}
	 * to serve every request at once
	 * @param defaultTimeout the overall time limit of requests that set none, or
	 * {@code null} for none
	 */
	public ResilientPipeline(FallbackChain chain, @Nullable RequestQueue queue, @Nullable Duration defaultTimeout) {
		this(chain, queue, defaultTimeout, ObservationRegistry.NOOP);
	}

	@Override
	public Mono<LlmResponse> call(LlmRequest request) {
		// the chain answers once or fails: nothing to check that again
		return Mono.fromDirect(serve(request, false, (deadline) -> this.chain.call(request, deadline).flux(),
				LlmRequestContext::setResponse));
	}

	@Override
	public Flux<LlmStreamEvent> stream(LlmRequest request) {
		return serve(request, true, (deadline) -> this.chain.stream(request, deadline), (context, event) -> {
			if (event instanceof LlmStreamEvent.Completion completion) {
				context.setResponse(completion.response());
			}
		});
	}

	/**
	 * Admit the request through the queue, if there is one, and serve it within its
	 * deadline, under an observation.
	 * @param noteAnswer notes the whole answer an element carries in the observation's
	 * context
	 */
	private <T> Flux<T> serve(LlmRequest request, boolean streaming, Function<Deadline, Flux<T>> work,
			BiConsumer<LlmRequestContext, T> noteAnswer) {
		return ReactiveObservation.observe(this.observationRegistry, this.observationConvention,
				() -> new LlmRequestContext(request, streaming), (context) -> {
					Deadline deadline = Deadline
						.after((request.timeout() != null) ? request.timeout() : this.defaultTimeout);
					return (this.queue != null)
							? this.queue.submit(request.priority(), deadline, () -> work.apply(deadline))
							: work.apply(deadline);
				}, noteAnswer);
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
	 * Return the configured providers, models and chains.
	 * @return the catalog
	 */
	public ModelCatalog getCatalog() {
		return this.chain.getCatalog();
	}

	/**
	 * Return the chain that serves the requests, with the executor of every model.
	 * @return the chain
	 */
	public FallbackChain getChain() {
		return this.chain;
	}

}
