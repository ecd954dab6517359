/**
 * Closed-loop load, interleaved rounds and the meters of latency, CPU and allocation.
 */
package dev.llmresilience.benchmarks.load;
