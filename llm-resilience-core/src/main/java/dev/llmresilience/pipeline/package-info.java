/**
 * The library's {@link dev.llmresilience.LlmPipeline}: the queue, the deadline and the
 * fallback chain put together behind {@link dev.llmresilience.LlmTemplate}.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.pipeline;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
