package dev.llmresilience.benchmarks.load;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * How a warm-up until the JIT settled went: unmeasured passes of load, repeated until a
 * pass spends less than a fiftieth of its time compiling. Compilation runs on threads of
 * this JVM, so a measurement it overlaps charges it to the requests of whichever client
 * happened to run; a short warm-up at one concurrency leaves much of it to the first
 * measured rounds.
 *
 * @param passes the passes run
 * @param compiled the time the JIT spent compiling in the last pass
 * @param lastPass how long the last pass took
 */
public record JitWarmUp(int passes, Duration compiled, Duration lastPass) {

	/**
	 * Run passes until the JIT settles.
	 * @param pass one pass of unmeasured load
	 * @param maxPasses the most passes to run
	 * @return the passes run and the compilation of the last
	 */
	public static JitWarmUp untilCompiled(Runnable pass, int maxPasses) {
		CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
		int passes = 0;
		long compiledMillis;
		long passMillis;
		do {
			long compiledBefore = jit.getTotalCompilationTime();
			long start = System.nanoTime();
			pass.run();
			passes++;
			passMillis = (System.nanoTime() - start) / 1_000_000;
			compiledMillis = jit.getTotalCompilationTime() - compiledBefore;
		}
		while (passes < maxPasses && compiledMillis * 50 >= passMillis);
		return new JitWarmUp(passes, Duration.ofMillis(compiledMillis), Duration.ofMillis(passMillis));
	}

}
