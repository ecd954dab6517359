/**
 * The stub provider process the harness starts, running the tests' fake provider.
 */
package dev.llmresilience.benchmarks.stub;
