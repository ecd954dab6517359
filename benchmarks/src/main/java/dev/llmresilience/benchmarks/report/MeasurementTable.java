package dev.llmresilience.benchmarks.report;

import dev.llmresilience.benchmarks.load.Measurement;

/**
 * The figures of measured clients, one row per client and concurrency.
 */
public final class MeasurementTable {

	private final int cores = Runtime.getRuntime().availableProcessors();

	private final MarkdownTable table = new MarkdownTable("concurrency", "client", "req/s", "p50", "p99",
			"first text p50", "client CPU/req", "client CPU use", "alloc/req", "stub CPU/req", "errors");

	/**
	 * Add a row.
	 * @param concurrency the concurrency measured at
	 * @param measurement the client's figures
	 * @return this table
	 */
	public MeasurementTable add(int concurrency, Measurement measurement) {
		this.table.row(concurrency, measurement.name(), Figures.whole(measurement.throughput()),
				Figures.micros(measurement.latencyMicros(50)), Figures.micros(measurement.latencyMicros(99)),
				Figures.micros(measurement.firstElementMicros(50)), Figures.micros(measurement.cpuMicrosPerRequest()),
				Figures.percent(measurement.cpuShare(this.cores)),
				Figures.bytes(measurement.allocatedBytesPerRequest()),
				Figures.micros(measurement.stubCpuMicrosPerRequest()), measurement.failed());
		return this;
	}

	/**
	 * Return the table.
	 * @return the Markdown table
	 */
	public MarkdownTable toMarkdown() {
		return this.table;
	}

}
