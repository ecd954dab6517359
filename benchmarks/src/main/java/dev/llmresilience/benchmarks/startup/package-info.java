/**
 * The start-up benchmark: the time the starter adds to an application's start, each start
 * in a fresh JVM.
 */
package dev.llmresilience.benchmarks.startup;
