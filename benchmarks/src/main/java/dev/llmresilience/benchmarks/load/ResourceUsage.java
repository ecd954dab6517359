package dev.llmresilience.benchmarks.load;

/**
 * What a JVM spent over some time.
 *
 * @param cpuNanos CPU time of the whole process
 * @param allocatedBytes bytes allocated on the heap
 * @param threadsLost threads that died in between, whose allocation is missing
 * @param gcCount garbage collections
 * @param gcMillis time spent in garbage collections
 * @param otherCpuNanos CPU time of the other process watched (the stub)
 */
public record ResourceUsage(long cpuNanos, long allocatedBytes, int threadsLost, long gcCount, long gcMillis,
		long otherCpuNanos) {

	/** Nothing spent. */
	public static final ResourceUsage NONE = new ResourceUsage(0, 0, 0, 0, 0, 0);

	/**
	 * Return the sum of this usage and another.
	 * @param other the other usage
	 * @return the sum
	 */
	public ResourceUsage plus(ResourceUsage other) {
		return new ResourceUsage(this.cpuNanos + other.cpuNanos, this.allocatedBytes + other.allocatedBytes,
				this.threadsLost + other.threadsLost, this.gcCount + other.gcCount, this.gcMillis + other.gcMillis,
				this.otherCpuNanos + other.otherCpuNanos);
	}

}
