/**
 * The Markdown report and the figures it shows.
 */
package dev.llmresilience.benchmarks.report;
