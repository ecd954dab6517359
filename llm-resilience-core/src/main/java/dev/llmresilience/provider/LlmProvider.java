package dev.llmresilience.provider;

import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmUsage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.lang.Nullable;

/**
 * The wire client of one configured provider: turns a neutral request into the provider's
 * HTTP call and its answer, or its error, back into neutral types. A provider makes
 * exactly one HTTP request per subscription and never retries by itself; resilience is
 * layered above it.
 * <p>
 * Errors are signalled as {@link dev.llmresilience.error.LlmException} subclasses only.
 */
public interface LlmProvider {

	/**
	 * Return the id of this provider, the key under {@code llm.resilience.providers}.
	 * @return the provider id
	 */
	String id();

	/**
	 * Return the wire format this provider speaks, such as {@code anthropic} or
	 * {@code openai}. Provider-specific request fields are only sent to providers of the
	 * same format.
	 * @return the format's name
	 */
	String type();

	/**
	 * Call the model once and return its whole answer. The response carries no attempt
	 * history; the caller adds it.
	 * @param model the model to call
	 * @param request the request
	 * @return the answer
	 */
	Mono<LlmResponse> call(LlmModel model, LlmRequest request);

	/**
	 * Call the model once and stream its answer: text deltas, then one completion. A
	 * stream that ends without the provider's terminal event fails with
	 * {@link dev.llmresilience.error.LlmInvalidResponseException}.
	 * @param model the model to call
	 * @param request the request
	 * @return the events
	 */
	Flux<LlmStreamEvent> stream(LlmModel model, LlmRequest request);

	/**
	 * Return why this provider's wire format cannot carry a request, or {@code null} if
	 * it can. A model whose provider cannot carry a request is skipped with this reason
	 * rather than sent less than the caller asked.
	 * @param model the model the request would go to
	 * @param request the request
	 * @return the reason, such as {@code PdfUrlNotSupported}, or {@code null}
	 */
	@Nullable
	default String unsupported(LlmModel model, LlmRequest request) {
		return null;
	}

	/**
	 * Return how many of a call's tokens count against this provider's token rate limits,
	 * to settle the call's reservation in the configured token budgets. By default every
	 * token ({@link LlmUsage#totalTokens()}), cached input tokens included, as OpenAI
	 * counts them.
	 * @param usage the usage the provider reported for a call
	 * @return the tokens its rate limits count
	 */
	default long rateLimitedTokens(LlmUsage usage) {
		return usage.totalTokens();
	}

}
