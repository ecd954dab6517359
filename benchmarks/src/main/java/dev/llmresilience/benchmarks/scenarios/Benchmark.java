package dev.llmresilience.benchmarks.scenarios;

import dev.llmresilience.benchmarks.report.Report;

/**
 * One part of the suite, run by name from the command line.
 */
public interface Benchmark {

	/**
	 * Return the name that selects it on the command line.
	 * @return the name
	 */
	String name();

	/**
	 * Run and write the results.
	 * @param report where the results go
	 */
	void run(Report report);

}
