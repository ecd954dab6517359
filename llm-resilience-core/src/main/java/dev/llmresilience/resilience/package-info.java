/**
 * Resilience of calls to models: the catalog of models and chains, retry with backoff and
 * {@code retry-after}, a circuit breaker per model, the classification of errors, and
 * fallback through the models of a chain.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.resilience;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
