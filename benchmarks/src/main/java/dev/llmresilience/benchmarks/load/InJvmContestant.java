package dev.llmresilience.benchmarks.load;

import java.time.Duration;

import dev.llmresilience.benchmarks.clients.LlmClientUnderTest;

/**
 * A client run in this JVM, measured by a meter of this JVM.
 */
public final class InJvmContestant implements Contestant {

	private final LlmClientUnderTest client;

	private final ClosedLoopLoad load;

	private final ResourceMeter meter;

	/**
	 * Create the contestant.
	 * @param client the client
	 * @param load runs its load
	 * @param meter measures this JVM
	 */
	public InJvmContestant(LlmClientUnderTest client, ClosedLoopLoad load, ResourceMeter meter) {
		this.client = client;
		this.load = load;
		this.meter = meter;
	}

	@Override
	public String name() {
		return this.client.name();
	}

	@Override
	public void warmUp(Operation operation, int concurrency, Duration duration) {
		this.load.run(() -> operation.start(this.client), operation.blocks(this.client), concurrency, duration);
	}

	@Override
	public Round measure(Operation operation, int concurrency, Duration duration) {
		settle();
		ResourceMeter.Snapshot start = this.meter.snapshot();
		LoadResult result = this.load.run(() -> operation.start(this.client), operation.blocks(this.client),
				concurrency, duration);
		return new Round(result, this.meter.since(start));
	}

	/**
	 * Collect garbage and let the machine calm down before a measured run, so that no
	 * client pays for another's garbage.
	 */
	private static void settle() {
		System.gc();
		try {
			Thread.sleep(200);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
