/**
 * A sample application of llm-resilience: a WebFlux chat API over {@code LlmTemplate}.
 */
package dev.llmresilience.sample;
