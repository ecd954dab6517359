package dev.llmresilience.benchmarks.load;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Measures what this JVM spends between two points: process CPU time (every thread:
 * callers, event loops, GC, JIT) and bytes allocated on the Java heap.
 * <p>
 * Allocation is read per thread from
 * {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes} (a TLAB counter the JVM
 * keeps anyway, so measuring costs nothing and needs no JFR) and summed over the threads
 * alive at the end. A thread that died in between takes its bytes with it; the threads
 * doing the work here (event loops, timers, pooled callers) live for the whole run, and
 * the number of threads lost is reported so that a lossy round shows.
 */
public final class ResourceMeter {

	private final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private final LongSupplier otherProcessCpuNanos;

	/**
	 * Create a meter.
	 * @param otherProcessCpuNanos the CPU time of another process to report alongside
	 * (the stub's), in nanoseconds
	 */
	public ResourceMeter(LongSupplier otherProcessCpuNanos) {
		this.otherProcessCpuNanos = otherProcessCpuNanos;
		this.threads.setThreadAllocatedMemoryEnabled(true);
	}

	/**
	 * Take the counts now.
	 * @return the snapshot
	 */
	public Snapshot snapshot() {
		long[] ids = this.threads.getAllThreadIds();
		long[] bytes = this.threads.getThreadAllocatedBytes(ids);
		Map<Long, Long> allocated = new HashMap<>(ids.length * 2);
		for (int i = 0; i < ids.length; i++) {
			if (bytes[i] >= 0) {
				allocated.put(ids[i], bytes[i]);
			}
		}
		long gcCount = 0;
		long gcMillis = 0;
		for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
			gcCount += Math.max(0, gc.getCollectionCount());
			gcMillis += Math.max(0, gc.getCollectionTime());
		}
		return new Snapshot(this.os.getProcessCpuTime(), allocated, gcCount, gcMillis,
				this.otherProcessCpuNanos.getAsLong());
	}

	/**
	 * Return what was spent since a snapshot.
	 * @param start the snapshot taken at the start
	 * @return the usage
	 */
	public ResourceUsage since(Snapshot start) {
		Snapshot end = snapshot();
		long allocated = 0;
		for (Map.Entry<Long, Long> thread : end.allocatedByThread().entrySet()) {
			allocated += thread.getValue() - start.allocatedByThread().getOrDefault(thread.getKey(), 0L);
		}
		int lost = 0;
		for (Long id : start.allocatedByThread().keySet()) {
			if (!end.allocatedByThread().containsKey(id)) {
				lost++;
			}
		}
		return new ResourceUsage(end.cpuNanos() - start.cpuNanos(), allocated, lost, end.gcCount() - start.gcCount(),
				end.gcMillis() - start.gcMillis(), end.otherCpuNanos() - start.otherCpuNanos());
	}

	/**
	 * The counts at one point.
	 *
	 * @param cpuNanos the process CPU time
	 * @param allocatedByThread bytes allocated so far by thread id
	 * @param gcCount collections so far
	 * @param gcMillis time spent collecting so far
	 * @param otherCpuNanos the other process's CPU time
	 */
	public record Snapshot(long cpuNanos, Map<Long, Long> allocatedByThread, long gcCount, long gcMillis,
			long otherCpuNanos) {

	}

}
