/**
 * Micrometer observations of requests ({@code llm.request}) and attempts
 * ({@code llm.attempt}), named after the OpenTelemetry GenAI conventions.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.observation;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
