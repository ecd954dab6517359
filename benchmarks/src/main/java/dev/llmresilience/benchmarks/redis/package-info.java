/**
 * The Redis server and the client that the shared-budget benchmark starts and reads.
 */
package dev.llmresilience.benchmarks.redis;
