package dev.llmresilience.benchmarks.load;

import org.HdrHistogram.Histogram;

/**
 * The rounds of one client under one load, added up: requests, time, latency histograms
 * and resources, with the figures the report shows derived from them.
 */
public final class Measurement {

	private static final double NANOS_PER_SECOND = 1e9;

	private static final double NANOS_PER_MICRO = 1e3;

	private final String name;

	private final Histogram latency = new Histogram(3);

	private final Histogram firstElement = new Histogram(3);

	private long completed;

	private long failed;

	private long elapsedNanos;

	private ResourceUsage usage = ResourceUsage.NONE;

	private Throwable firstError;

	/**
	 * Create an empty measurement.
	 * @param name the client's name
	 */
	public Measurement(String name) {
		this.name = name;
	}

	/**
	 * Add one round.
	 * @param result what the round's load achieved
	 * @param usage what the JVM spent during the round
	 */
	public void add(LoadResult result, ResourceUsage usage) {
		this.completed += result.completed();
		this.failed += result.failed();
		this.elapsedNanos += result.elapsedNanos();
		this.latency.add(result.latency());
		this.firstElement.add(result.firstElement());
		this.usage = this.usage.plus(usage);
		if (this.firstError == null) {
			this.firstError = result.firstError();
		}
	}

	/**
	 * Return the client's name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return the requests that ended with an answer.
	 * @return the count
	 */
	public long completed() {
		return this.completed;
	}

	/**
	 * Return the requests that ended with an error.
	 * @return the count
	 */
	public long failed() {
		return this.failed;
	}

	/**
	 * Return the first error a request ended with, or {@code null}.
	 * @return the error
	 */
	public Throwable firstError() {
		return this.firstError;
	}

	/**
	 * Return completed requests per second.
	 * @return the throughput
	 */
	public double throughput() {
		return (this.elapsedNanos > 0) ? this.completed * NANOS_PER_SECOND / this.elapsedNanos : 0;
	}

	/**
	 * Return a latency percentile in microseconds.
	 * @param percentile the percentile, such as 99.0
	 * @return the latency
	 */
	public double latencyMicros(double percentile) {
		return this.latency.getValueAtPercentile(percentile) / NANOS_PER_MICRO;
	}

	/**
	 * Return a percentile of the time to the first element, in microseconds.
	 * @param percentile the percentile, such as 99.0
	 * @return the time
	 */
	public double firstElementMicros(double percentile) {
		return this.firstElement.getValueAtPercentile(percentile) / NANOS_PER_MICRO;
	}

	/**
	 * Return this JVM's CPU time per completed request, in microseconds.
	 * @return the CPU time
	 */
	public double cpuMicrosPerRequest() {
		return perRequest(this.usage.cpuNanos()) / NANOS_PER_MICRO;
	}

	/**
	 * Return the stub's CPU time per completed request, in microseconds.
	 * @return the CPU time
	 */
	public double stubCpuMicrosPerRequest() {
		return perRequest(this.usage.otherCpuNanos()) / NANOS_PER_MICRO;
	}

	/**
	 * Return the share of the machine's cores this JVM used while measured.
	 * @param cores the machine's cores
	 * @return the share, 0 to 1
	 */
	public double cpuShare(int cores) {
		return (this.elapsedNanos > 0) ? (double) this.usage.cpuNanos() / this.elapsedNanos / cores : 0;
	}

	/**
	 * Return the bytes allocated per completed request.
	 * @return the bytes
	 */
	public double allocatedBytesPerRequest() {
		return perRequest(this.usage.allocatedBytes());
	}

	private double perRequest(long total) {
		return (this.completed > 0) ? (double) total / this.completed : 0;
	}

}
