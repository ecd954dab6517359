/**
 * The sample's embedded simulator of the Anthropic Messages API and OpenAI Chat
 * Completions, with fault controls.
 */
package dev.llmresilience.sample.simulator;
