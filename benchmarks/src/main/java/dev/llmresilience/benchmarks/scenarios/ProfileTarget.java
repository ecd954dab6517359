package dev.llmresilience.benchmarks.scenarios;

import java.time.Duration;

import dev.llmresilience.benchmarks.clients.LlmClientUnderTest;
import dev.llmresilience.benchmarks.clients.RawWebClient;
import dev.llmresilience.benchmarks.clients.TemplateClient;
import dev.llmresilience.benchmarks.clients.TemplateContext;
import dev.llmresilience.benchmarks.clients.TemplateProperties;
import dev.llmresilience.benchmarks.load.ClosedLoopLoad;
import dev.llmresilience.benchmarks.load.JitWarmUp;
import dev.llmresilience.benchmarks.load.LoadResult;
import dev.llmresilience.benchmarks.load.Operation;
import dev.llmresilience.benchmarks.report.Figures;
import dev.llmresilience.benchmarks.report.MarkdownTable;
import dev.llmresilience.benchmarks.report.Report;
import dev.llmresilience.benchmarks.stub.StubProcess;
import dev.llmresilience.benchmarks.stub.StubSettings;

/**
 * The template alone under the overhead benchmark's load, for a profiler: a warm-up until
 * the JIT settles, then {@code call()} and then {@code stream()} at concurrency 64 for a
 * fixed time each, with no other client in the JVM. Run it with Java Flight Recorder (see
 * {@code benchmarks/RESULTS.md}) to see where the template's time and allocation go. The
 * system property {@code benchmarks.profile.concurrency} sets another concurrency, and
 * {@code benchmarks.profile.raw=true} profiles the raw {@code WebClient} instead, for a
 * profile to compare with.
 */
public final class ProfileTarget implements Benchmark {

	private static final int CONCURRENCY = Integer.getInteger("benchmarks.profile.concurrency", 64);

	private static final int JIT_WARM_UP_PASSES = 8;

	private final Duration warmUp;

	private final Duration measured;

	private final ClosedLoopLoad load;

	/**
	 * Create the target.
	 * @param divisor divides the run times, for a quick trial
	 * @param load runs the load
	 */
	public ProfileTarget(int divisor, ClosedLoopLoad load) {
		this.warmUp = Duration.ofSeconds(10).dividedBy(divisor);
		this.measured = Duration.ofSeconds(30).dividedBy(divisor);
		this.load = load;
	}

	@Override
	public String name() {
		return "profile";
	}

	@Override
	public void run(Report report) {
		report.section("Profile target: the template alone");
		MarkdownTable table = new MarkdownTable("operation", "from", "for", "requests/s", "errors");
		try (StubProcess stub = StubProcess.start(StubSettings.immediate(OverheadBenchmark.CHUNKS));
				TemplateContext application = TemplateContext
					.start(TemplateProperties.singleModel(stub.baseUrl()).toMap())) {
			LlmClientUnderTest client = Boolean.getBoolean("benchmarks.profile.raw")
					? new RawWebClient(application.webClientBuilder(), stub.baseUrl(), application.objectMapper())
					: new TemplateClient(application.template());
			JitWarmUp jit = JitWarmUp.untilCompiled(() -> {
				for (Operation operation : Operation.values()) {
					this.load.run(() -> operation.start(client), operation.blocks(client), CONCURRENCY, this.warmUp);
				}
			}, JIT_WARM_UP_PASSES);
			report.paragraph("Warm-up: both operations for " + Figures.seconds(this.warmUp) + " each, in passes "
					+ "repeated until a pass spent less than 2% of its time compiling (at most " + JIT_WARM_UP_PASSES
					+ "): " + jit.passes() + " passes, the last with " + jit.compiled().toMillis()
					+ " ms of compilation.");
			for (Operation operation : Operation.values()) {
				Report.progress("profile: " + operation.label());
				long from = System.currentTimeMillis();
				LoadResult result = this.load.run(() -> operation.start(client), false, CONCURRENCY, this.measured);
				table.row(operation.label(), from, Figures.seconds(this.measured),
						Figures.whole(result.completed() * 1e9 / result.elapsedNanos()), result.failed());
			}
		}
		report.paragraph(
				"Each operation's window starts at the epoch millisecond given, for a profile to be cut " + "by time.");
		report.table(table);
	}

}
