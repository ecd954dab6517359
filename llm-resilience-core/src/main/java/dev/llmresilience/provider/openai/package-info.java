/**
 * The OpenAI Chat Completions API and the servers compatible with it: requests, answers,
 * streamed chunks, errors and rate-limit headers.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.provider.openai;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
