/**
 * The benchmarks themselves: overhead, breakdown, streaming scale, faults, peers, queue
 * and shared budgets.
 */
package dev.llmresilience.benchmarks.scenarios;
