package dev.llmresilience;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.util.Assert;

/**
 * The entry point for calling models: resolves the models a request may use and calls them
 * through their providers. Reactive; the {@code *Blocking} methods are thin wrappers for callers
 * on servlet threads and must not be used on an event loop.
 */
public class LlmTemplate {

	private final ModelCatalog catalog;

	/**
	 * Create a new instance.
	 * @param catalog the configured providers, models and chains
	 */
	public LlmTemplate(ModelCatalog catalog) {
		Assert.notNull(catalog, "catalog must not be null");
		this.catalog = catalog;
	}

	/**
	 * Send a request and return the whole answer.
	 * @param request the request
	 * @return the answer, or an {@link LlmException}
	 */
	public Mono<LlmResponse> call(LlmRequest request) {
		return Mono.defer(() -> {
			LlmModel model = this.catalog.modelsFor(request).get(0);
			long start = System.nanoTime();
			return this.catalog.providerOf(model)
				.call(model, request)
				.map((response) -> response.withAttempts(false,
						List.of(LlmAttempt.success(model.id(), Duration.ofNanos(System.nanoTime() - start)))));
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
		return Flux.defer(() -> {
			LlmModel model = this.catalog.modelsFor(request).get(0);
			long start = System.nanoTime();
			return this.catalog.providerOf(model).stream(model, request).map((event) -> {
				if (event instanceof LlmStreamEvent.Completion completion) {
					return new LlmStreamEvent.Completion(completion.response()
						.withAttempts(false, List
							.of(LlmAttempt.success(model.id(), Duration.ofNanos(System.nanoTime() - start)))));
				}
				return event;
			});
		});
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
		return this.catalog;
	}

}
