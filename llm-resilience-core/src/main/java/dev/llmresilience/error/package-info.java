/**
 * The errors of llm-resilience. Every error that {@link dev.llmresilience.LlmTemplate}
 * signals is an {@link dev.llmresilience.error.LlmException}; its message names the
 * provider and model, never an API key or prompt text.
 *
 * <h2>Errors a provider answered with</h2>
 * {@link dev.llmresilience.error.LlmApiException} and its subclasses carry the HTTP
 * status, the provider's error type and message, its request id and any
 * {@code retry-after}:
 * <ul>
 * <li>{@link dev.llmresilience.error.LlmInvalidRequestException} (400, 422) and
 * {@link dev.llmresilience.error.LlmRequestTooLargeException} (413, context window): fix
 * the request; only the latter may be served by a model with a larger window.</li>
 * <li>{@link dev.llmresilience.error.LlmAuthenticationException} (401) and
 * {@link dev.llmresilience.error.LlmPermissionException} (403): fix the key or its
 * rights; no retry, no fallback.</li>
 * <li>{@link dev.llmresilience.error.LlmModelNotFoundException} (404): the chain falls
 * back.</li>
 * <li>{@link dev.llmresilience.error.LlmConflictException} (409),
 * {@link dev.llmresilience.error.LlmServerException} (5xx) and
 * {@link dev.llmresilience.error.LlmOverloadedException} (529): transient; retried, then
 * the chain falls back.</li>
 * </ul>
 *
 * <h2>Too much traffic: which error is which</h2> Five errors mean that there is more
 * traffic than something allows. They differ in who said no and in what helps:
 * <ul>
 * <li>{@link dev.llmresilience.error.LlmRateLimitException}: the <em>provider</em>
 * answered 429. Retried after its {@code retry-after}, then the chain falls back; the
 * provider's rate-limit headers hold later calls back. Waiting helps; so does a higher
 * tier or a second key. A 429 without {@code retry-after} whose message speaks of spend,
 * credit, quota or billing is treated as the next kind.</li>
 * <li>{@link dev.llmresilience.error.LlmQuotaExceededException}: the <em>provider</em>
 * says the account's credit, quota or spend limit is used up (402,
 * {@code insufficient_quota}). Waiting does not help: not retried; the chain falls back
 * to another provider. Add credit or raise the limit.</li>
 * <li>{@link dev.llmresilience.error.LlmThrottledException}: <em>this application</em>
 * did not call a model because its rate budget (configured, or learnt from the provider's
 * headers and 429s) would not allow a call within the time the request may still wait.
 * Nothing was sent; the chain moves on to the next model. When the provider's own hold (a
 * 429 or 529 with {@code retry-after}) stood in the way, the provider's error is its
 * cause. Raise the budget if the provider allows more, give the request more time, or add
 * a fallback model.</li>
 * <li>{@link dev.llmresilience.error.LlmConnectionPoolExhaustedException} (a kind of
 * throttling): <em>this application</em> found no free connection to the provider within
 * the connect timeout. Nothing was sent; the chain moves on. Raise
 * {@code llm.resilience.providers.<id>.max-connections}, or keep
 * {@code llm.resilience.queue.max-concurrent} at or below it.</li>
 * <li>{@link dev.llmresilience.error.LlmQueueFullException}: <em>this application's</em>
 * request queue (or its share for the request's priority) was full, so the request was
 * refused at once and nothing was sent. Shed the load, retry later, or raise
 * {@code llm.resilience.queue.capacity}.</li>
 * </ul>
 * None of the three refused on this side counts against a model's circuit breaker.
 *
 * <h2>Errors of the call itself</h2> {@link dev.llmresilience.error.LlmTimeoutException}
 * and {@link dev.llmresilience.error.LlmConnectionException} are transient and retried;
 * {@link dev.llmresilience.error.LlmInvalidResponseException} means the answer could not
 * be read. {@link dev.llmresilience.error.LlmStreamInterruptedException} ends a stream
 * that already delivered text, keeping that text; it is never retried.
 *
 * <h2>Errors of the chain</h2> {@link dev.llmresilience.error.LlmCircuitOpenException} (a
 * model skipped while its breaker is open),
 * {@link dev.llmresilience.error.LlmAllModelsFailedException} (no model of the chain
 * could answer: the cause is the primary's error and every attempt is listed),
 * {@link dev.llmresilience.error.LlmUnknownTargetException} (no such chain or model) and
 * {@link dev.llmresilience.error.LlmShutdownException} (the application is stopping).
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.error;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
