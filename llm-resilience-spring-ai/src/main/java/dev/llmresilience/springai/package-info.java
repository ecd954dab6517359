/**
 * The bridge between Spring AI and llm-resilience: a Spring AI chat model served by
 * {@link dev.llmresilience.LlmTemplate}, and Spring AI chat models as providers of a
 * fallback chain.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.springai;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
