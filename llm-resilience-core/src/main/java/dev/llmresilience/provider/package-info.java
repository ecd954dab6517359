/**
 * The providers' side of a call: the {@link dev.llmresilience.provider.LlmProvider}
 * contract, the HTTP client settings and connection pools, server-sent event parsing,
 * {@code retry-after} reading and the mapping of HTTP and stream errors to the typed
 * errors of {@link dev.llmresilience.error}. One call, one attempt: nothing here retries.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.provider;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
