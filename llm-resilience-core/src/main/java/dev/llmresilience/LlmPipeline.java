package dev.llmresilience;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Serves the requests of an {@link LlmTemplate}. The library's pipeline
 * ({@code dev.llmresilience.pipeline.ResilientPipeline}) admits each request through the
 * priority queue and serves it from the models of its chain with retries, circuit
 * breakers and fallback; a test of an application may put a pipeline of its own behind
 * the template.
 */
public interface LlmPipeline {

	/**
	 * Send a request and return the whole answer.
	 * @param request the request
	 * @return the answer, or an error of {@code dev.llmresilience.error}
	 */
	Mono<LlmResponse> call(LlmRequest request);

	/**
	 * Send a request and stream the answer: text deltas, then one completion.
	 * @param request the request
	 * @return the events, or an error of {@code dev.llmresilience.error}
	 */
	Flux<LlmStreamEvent> stream(LlmRequest request);

}
