package dev.llmresilience.benchmarks.load;

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
			contestant(client).warmUp(operation, concurrency, duration);
		}
	}

	/**
	 * Measure clients of this JVM at one concurrency.
	 * @param clients the clients
	 * @param operation what each request does
	 * @param concurrency the number of callers
	 * @return one measurement per client, in the order given
	 */
	public List<Measurement> run(List<? extends LlmClientUnderTest> clients, Operation operation, int concurrency) {
		return compare(clients.stream().map(this::contestant).toList(), this.schedule, operation, concurrency);
	}

	/**
	 * Measure contestants at one concurrency: each warmed up on its own, then the rounds.
	 * @param contestants the contestants, in this JVM or not
	 * @param schedule how long each contestant runs
	 * @param operation what each request does
	 * @param concurrency the number of callers
	 * @return one measurement per contestant, in the order given
	 */
	public static List<Measurement> compare(List<? extends Contestant> contestants, RoundSchedule schedule,
			Operation operation, int concurrency) {
		for (Contestant contestant : contestants) {
			contestant.warmUp(operation, concurrency, schedule.warmUp());
		}
		List<Measurement> measurements = new ArrayList<>();
		contestants.forEach((contestant) -> measurements.add(new Measurement(contestant.name())));
		for (int round = 0; round < schedule.rounds(); round++) {
			for (int i = 0; i < contestants.size(); i++) {
				int index = (i + round) % contestants.size();
				Contestant.Round measured = contestants.get(index).measure(operation, concurrency, schedule.round());
				measurements.get(index).add(measured.result(), measured.usage());
			}
		}
		return measurements;
	}

	private Contestant contestant(LlmClientUnderTest client) {
		return new InJvmContestant(client, this.load, this.meter);
	}

}
