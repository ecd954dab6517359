package dev.llmresilience;

import java.util.stream.Stream;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.util.Assert;

/**
 * The entry point for calling models. Each request is served by the template's
 * {@link LlmPipeline}: with the library's own, it is admitted through the priority queue,
 * then served from the models of its chain, with retries, circuit breakers and fallback,
 * all within the request's overall time limit. Reactive; the {@code *Blocking} methods
 * are thin wrappers for callers on servlet threads and must not be used on an event loop.
 * Errors are those of the package {@code dev.llmresilience.error}.
 */
public class LlmTemplate {

	private final LlmPipeline pipeline;

	/**
	 * Create a new instance.
	 * @param pipeline serves the requests
	 */
	public LlmTemplate(LlmPipeline pipeline) {
		Assert.notNull(pipeline, "pipeline must not be null");
		this.pipeline = pipeline;
	}

	/**
	 * Send a request and return the whole answer.
	 * @param request the request
	 * @return the answer, or an {@code LlmException}
	 */
	public Mono<LlmResponse> call(LlmRequest request) {
		return this.pipeline.call(request);
	}

	/**
	 * Send a single user message to the default chain and return the whole answer.
	 * @param prompt the user message
	 * @return the answer, or an {@code LlmException}
	 */
	public Mono<LlmResponse> call(String prompt) {
		return call(LlmRequest.ofPrompt(prompt));
	}

	/**
	 * Send a request and stream the answer: text deltas, then one completion.
	 * @param request the request
	 * @return the events, or an {@code LlmException}
	 */
	public Flux<LlmStreamEvent> stream(LlmRequest request) {
		return this.pipeline.stream(request);
	}

	/**
	 * Stream the answer to a single user message from the default chain.
	 * @param prompt the user message
	 * @return the events, or an {@code LlmException}
	 */
	public Flux<LlmStreamEvent> stream(String prompt) {
		return stream(LlmRequest.ofPrompt(prompt));
	}

	/**
	 * Send a request and wait for the whole answer. Not for use on an event loop.
	 * @param request the request
	 * @return the answer
	 * @throws RuntimeException an {@code LlmException} if the call fails
	 */
	public LlmResponse callBlocking(LlmRequest request) {
		return call(request).block();
	}

	/**
	 * Send a single user message to the default chain and wait for the answer's text. Not
	 * for use on an event loop.
	 * @param prompt the user message
	 * @return the generated text
	 * @throws RuntimeException an {@code LlmException} if the call fails
	 */
	public String callBlocking(String prompt) {
		return callBlocking(LlmRequest.ofPrompt(prompt)).text();
	}

	/**
	 * Send a request and iterate the streamed events as they arrive. Close the stream to
	 * cancel the call. Not for use on an event loop.
	 * @param request the request
	 * @return the events; iterating throws an {@code LlmException} if the call fails
	 */
	public Stream<LlmStreamEvent> streamBlocking(LlmRequest request) {
		return stream(request).toStream();
	}

	/**
	 * Return the pipeline that serves the requests.
	 * @return the pipeline
	 */
	public LlmPipeline getPipeline() {
		return this.pipeline;
	}

}
