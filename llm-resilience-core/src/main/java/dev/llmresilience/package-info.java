/**
 * The API of llm-resilience: {@link dev.llmresilience.LlmTemplate}, the entry point for
 * calling models, and the values it takes and returns: requests and their messages,
 * answers, stream events, token usage, priorities, and the record of each attempt. The
 * errors are in {@link dev.llmresilience.error}. Nothing here depends on another package
 * of the library.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
