package dev.llmresilience.benchmarks.load;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.llmresilience.benchmarks.clients.LlmClientUnderTest;

/**
 * Compares clients under the same closed-loop load in interleaved rounds (A B, B A, A
 * B...), so that drift on a shared machine (other processes, heap growth, the JIT)
 * touches every client alike. Each run starts after a full GC, so that no client pays for
 * another's garbage.
 */
public final class InterleavedComparison {

	private final ClosedLoopLoad load;

	private final ResourceMeter meter;

	private final RoundSchedule schedule;

	/**
	 * Create a comparison.
	 * @param load runs the load
	 * @param meter measures this JVM
	 * @param schedule how long each client runs
	 */
	public InterleavedComparison(ClosedLoopLoad load, ResourceMeter meter, RoundSchedule schedule) {
		this.load = load;
		this.meter = meter;
		this.schedule = schedule;
	}

	/**
	 * Run every client once, unmeasured, so that the JIT has compiled its code before the
	 * first measured concurrency: a JVM that starts with this comparison would otherwise
	 * measure its first rounds on interpreted code.
	 * @param clients the clients
	 * @param operation what each request does
	 * @param concurrency the number of callers
	 * @param duration how long each client runs
	 */
	public void warmUp(List<? extends LlmClientUnderTest> clients, Operation operation, int concurrency,
			Duration duration) {
		for (LlmClientUnderTest client : clients) {
			runOnce(client, operation, concurrency, duration);
		}
	}

	/**
	 * Run every client at every concurrency of every operation, unmeasured, in passes
	 * repeated until the JIT settles: until a pass spends less than a fiftieth of its
	 * time compiling. Compilation runs on threads of this JVM, so a measurement it
	 * overlaps charges it to the requests of whichever client happened to run; a short
	 * warm-up at one concurrency leaves much of it to the first measured rounds.
	 * @param clients the clients
	 * @param operations the operations
	 * @param concurrencies the numbers of callers
	 * @param each how long each client runs at each concurrency in a pass
	 * @param maxPasses the most passes to run
	 * @return the passes run and the compilation of the last
	 */
	public JitWarmUp warmUpUntilCompiled(List<? extends LlmClientUnderTest> clients, List<Operation> operations,
			int[] concurrencies, Duration each, int maxPasses) {
		CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
		int passes = 0;
		long compiledMillis;
		long passMillis;
		do {
			long compiledBefore = jit.getTotalCompilationTime();
			long start = System.nanoTime();
			for (Operation operation : operations) {
				for (int concurrency : concurrencies) {
					warmUp(clients, operation, concurrency, each);
				}
			}
			passes++;
			passMillis = (System.nanoTime() - start) / 1_000_000;
			compiledMillis = jit.getTotalCompilationTime() - compiledBefore;
		}
		while (passes < maxPasses && compiledMillis * 50 >= passMillis);
		return new JitWarmUp(passes, Duration.ofMillis(compiledMillis), Duration.ofMillis(passMillis));
	}

	/**
	 * Measure clients at one concurrency.
	 * @param clients the clients
	 * @param operation what each request does
	 * @param concurrency the number of callers
	 * @return one measurement per client, in the order given
	 */
	public List<Measurement> run(List<? extends LlmClientUnderTest> clients, Operation operation, int concurrency) {
		for (LlmClientUnderTest client : clients) {
			runOnce(client, operation, concurrency, this.schedule.warmUp());
		}
		List<Measurement> measurements = new ArrayList<>();
		clients.forEach((client) -> measurements.add(new Measurement(client.name())));
		for (int round = 0; round < this.schedule.rounds(); round++) {
			for (int i = 0; i < clients.size(); i++) {
				int index = (i + round) % clients.size();
				LlmClientUnderTest client = clients.get(index);
				settle();
				ResourceMeter.Snapshot start = this.meter.snapshot();
				LoadResult result = runOnce(client, operation, concurrency, this.schedule.round());
				measurements.get(index).add(result, this.meter.since(start));
			}
		}
		return measurements;
	}

	private LoadResult runOnce(LlmClientUnderTest client, Operation operation, int concurrency, Duration duration) {
		return this.load.run(() -> operation.start(client), operation.blocks(client), concurrency, duration);
	}

	/**
	 * Collect garbage and let the machine calm down before a measured run.
	 */
	static void settle() {
		System.gc();
		try {
			Thread.sleep(200);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * How a warm-up until the JIT settled went.
	 *
	 * @param passes the passes run
	 * @param compiled the time the JIT spent compiling in the last pass
	 * @param lastPass how long the last pass took
	 */
	public record JitWarmUp(int passes, Duration compiled, Duration lastPass) {

	}

}
