/**
 * The sample's live dashboard: traffic, breaker timelines, and a load generator.
 */
package dev.llmresilience.sample.dashboard;
