/**
 * The sample's embedded simulator of the Anthropic Messages API, with fault controls.
 */
package dev.llmresilience.sample.simulator;
