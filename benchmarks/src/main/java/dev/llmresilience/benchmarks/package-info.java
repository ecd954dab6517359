/**
 * The benchmark harness: its entry point, the description of the machine it runs on and
 * the load average it reports.
 */
package dev.llmresilience.benchmarks;
