package dev.llmresilience.benchmarks.scenarios;

import java.time.Duration;
import java.util.List;

import dev.llmresilience.benchmarks.clients.AnswerCheck;
import dev.llmresilience.benchmarks.clients.LlmClientUnderTest;
import dev.llmresilience.benchmarks.clients.RawWebClient;
import dev.llmresilience.benchmarks.clients.TemplateClient;
import dev.llmresilience.benchmarks.clients.TemplateContext;
import dev.llmresilience.benchmarks.clients.TemplateProperties;
import dev.llmresilience.benchmarks.load.ClosedLoopLoad;
import dev.llmresilience.benchmarks.load.Contestant;
import dev.llmresilience.benchmarks.load.InJvmContestant;
import dev.llmresilience.benchmarks.load.InterleavedComparison;
import dev.llmresilience.benchmarks.load.JitWarmUp;
import dev.llmresilience.benchmarks.load.Measurement;
import dev.llmresilience.benchmarks.load.Operation;
import dev.llmresilience.benchmarks.load.ResourceMeter;
import dev.llmresilience.benchmarks.load.RoundSchedule;
import dev.llmresilience.benchmarks.report.Figures;
import dev.llmresilience.benchmarks.report.MarkdownTable;
import dev.llmresilience.benchmarks.report.MeasurementTable;
import dev.llmresilience.benchmarks.report.Report;
import dev.llmresilience.benchmarks.stub.StubProcess;
import dev.llmresilience.benchmarks.stub.StubSettings;

/**
 * What {@code LlmTemplate} adds to a bare {@code WebClient} call of the same JSON to the
 * same stub, for {@code call()} and {@code stream()} at several concurrencies, against
 * the targets: for {@code call()}, CPU per request at most 1.3x raw at concurrency 16 and
 * above, heap allocated per request at most 1.4x raw, throughput at least 0.85x raw under
 * load, and at most 30 µs added to p50 at concurrency 1; for {@code stream()}, CPU per
 * stream at most 1.3x raw under load. Both clients run in this JVM, or, as
 * {@code overhead-jvms}, each in a JVM of its own.
 */
public final class OverheadBenchmark implements Benchmark {

	static final int CHUNKS = 20;

	private static final int[] CONCURRENCY = { 1, 16, 64, 256 };

	private static final int JIT_WARM_UP_PASSES = 8;

	private final RoundSchedule schedule;

	private final ClosedLoopLoad load;

	private final Duration jitWarmUp;

	private final boolean separateJvms;

	/**
	 * Create the benchmark.
	 * @param schedule how long each client runs
	 * @param load runs the load
	 * @param separateJvms whether each client runs in a JVM of its own rather than both
	 * in this one
	 */
	public OverheadBenchmark(RoundSchedule schedule, ClosedLoopLoad load, boolean separateJvms) {
		this.schedule = schedule;
		this.load = load;
		this.jitWarmUp = schedule.warmUp().dividedBy(2);
		this.separateJvms = separateJvms;
	}

	@Override
	public String name() {
		return this.separateJvms ? "overhead-jvms" : "overhead";
	}

	@Override
	public void run(Report report) {
		report.section(this.separateJvms ? "Overhead: LlmTemplate against a raw WebClient, each in a JVM of its own"
				: "Overhead: LlmTemplate against a raw WebClient");
		report.paragraph("Stub: answers at once, " + CHUNKS + " text chunks per answer (streams without pauses). "
				+ "Template: the starter's auto-configuration in a non-web Boot application (queue max-concurrent "
				+ TemplateProperties.UNTHROTTLED + ", retry, breaker, observation and metrics on, as by default). "
				+ "Raw: Boot's WebClient.Builder, the same JSON body built per request, the answer decoded to JSON. "
				+ "Closed loop; per concurrency a " + Figures.seconds(this.schedule.warmUp())
				+ " warm-up of each, then " + this.schedule.rounds() + " interleaved rounds of "
				+ Figures.seconds(this.schedule.round()) + " each. "
				+ (this.separateJvms ? "Each client runs in a JVM of its own (this JVM's options, its own Boot "
						+ "context), as in an application that uses only that client: no JIT profile, heap or thread "
						+ "is shared; this JVM only sends each round to one of them in turn. CPU is that JVM's process "
						+ "CPU time (callers, event loops, GC, JIT) per completed request; allocation is the heap "
						+ "allocated by all its threads per completed request."
						: "Both clients run in this JVM, on one Boot context (so they share the JIT's profiles of "
								+ "WebClient, Reactor and Netty). CPU is this JVM's process CPU time (callers, event "
								+ "loops, GC, JIT) per completed request; allocation is the heap allocated by all "
								+ "threads per completed request."));
		try (StubProcess stub = StubProcess.start(StubSettings.immediate(CHUNKS))) {
			if (this.separateJvms) {
				runInSeparateJvms(report, stub);
			}
			else {
				runInThisJvm(report, stub);
			}
		}
	}

	private void runInThisJvm(Report report, StubProcess stub) {
		try (TemplateContext application = TemplateContext
			.start(TemplateProperties.singleModel(stub.baseUrl()).toMap())) {
			List<LlmClientUnderTest> clients = List.of(
					new RawWebClient(application.webClientBuilder(), stub.baseUrl(), application.objectMapper()),
					new TemplateClient(application.template()));
			for (LlmClientUnderTest client : clients) {
				Throwable problem = AnswerCheck.problemOfAny(client, CHUNKS);
				if (problem != null) {
					throw new IllegalStateException(client.name() + " cannot read the stub's answer", problem);
				}
			}
			ResourceMeter meter = new ResourceMeter(() -> stub.cpuTime().toNanos());
			List<Contestant> contestants = clients.stream()
				.map((client) -> (Contestant) new InJvmContestant(client, this.load, meter))
				.toList();
			Report.progress("overhead: JIT warm-up");
			JitWarmUp jit = warmUpUntilCompiled(contestants, CONCURRENCY, this.jitWarmUp, JIT_WARM_UP_PASSES);
			report.paragraph(warmUpParagraph("every client", describe(jit)));
			for (Operation operation : Operation.values()) {
				measure(report, contestants, operation);
			}
		}
	}

	private void runInSeparateJvms(Report report, StubProcess stub) {
		try (ClientJvm raw = ClientJvm.start(ClientJvm.Kind.RAW, stub);
				ClientJvm template = ClientJvm.start(ClientJvm.Kind.TEMPLATE, stub)) {
			List<ClientJvm> contestants = List.of(raw, template);
			StringBuilder warmUps = new StringBuilder();
			for (ClientJvm contestant : contestants) {
				String problem = contestant.problem(CHUNKS);
				if (problem != null) {
					throw new IllegalStateException(contestant.name() + " cannot read the stub's answer: " + problem);
				}
				Report.progress("overhead-jvms: JIT warm-up of " + contestant.name());
				JitWarmUp jit = contestant.warmUpUntilCompiled(CONCURRENCY, this.jitWarmUp, JIT_WARM_UP_PASSES);
				warmUps.append((warmUps.length() > 0) ? "; " : "")
					.append(contestant.name())
					.append(' ')
					.append(describe(jit));
			}
			report.paragraph(warmUpParagraph("each JVM's client", warmUps.toString()));
			for (Operation operation : Operation.values()) {
				measure(report, contestants, operation);
			}
		}
	}

	/**
	 * Run contestants of this JVM at every concurrency of both operations, unmeasured, in
	 * passes until the JIT settles.
	 * @param contestants the contestants
	 * @param concurrencies the concurrencies of a pass
	 * @param each how long each runs each operation at each concurrency in a pass
	 * @param maxPasses the most passes
	 * @return how the warm-up went
	 */
	static JitWarmUp warmUpUntilCompiled(List<? extends Contestant> contestants, int[] concurrencies, Duration each,
			int maxPasses) {
		return JitWarmUp.untilCompiled(() -> {
			for (Operation operation : Operation.values()) {
				for (int concurrency : concurrencies) {
					contestants.forEach((contestant) -> contestant.warmUp(operation, concurrency, each));
				}
			}
		}, maxPasses);
	}

	private String warmUpParagraph(String who, String outcome) {
		return "JIT warm-up before the first measurement: " + who + " at every concurrency of both operations for "
				+ Figures.seconds(this.jitWarmUp) + " each, in passes repeated until a pass spent less than 2% of its "
				+ "time compiling (at most " + JIT_WARM_UP_PASSES + "): " + outcome + ".";
	}

	private static String describe(JitWarmUp jit) {
		return jit.passes() + " passes, the last " + Figures.seconds(jit.lastPass()) + " with "
				+ jit.compiled().toMillis() + " ms of compilation";
	}

	private void measure(Report report, List<? extends Contestant> contestants, Operation operation) {
		MeasurementTable figures = new MeasurementTable();
		MarkdownTable targets = new MarkdownTable("concurrency", "throughput vs raw", "added p50", "added p99",
				"CPU/req vs raw", "alloc/req vs raw", "alloc/req added");
		boolean call = operation == Operation.CALL;
		for (int concurrency : CONCURRENCY) {
			Report.progress(name() + " " + operation.label() + " at concurrency " + concurrency);
			List<Measurement> measured = InterleavedComparison.compare(contestants, this.schedule, operation,
					concurrency);
			Measurement raw = measured.get(0);
			Measurement template = measured.get(1);
			figures.add(concurrency, raw).add(concurrency, template);
			double throughput = template.throughput() / raw.throughput();
			double addedP50 = template.latencyMicros(50) - raw.latencyMicros(50);
			double addedP99 = template.latencyMicros(99) - raw.latencyMicros(99);
			double cpu = template.cpuMicrosPerRequest() / raw.cpuMicrosPerRequest();
			double allocation = template.allocatedBytesPerRequest() / raw.allocatedBytesPerRequest();
			boolean loaded = concurrency > 1;
			targets.row(concurrency,
					Figures.ratio(throughput)
							+ ((call && loaded) ? " (≥ 0.85x: " + Figures.verdict(throughput >= 0.85) + ")" : ""),
					Figures.addedMicros(addedP50)
							+ ((call && !loaded) ? " (≤ 30 µs: " + Figures.verdict(addedP50 <= 30) + ")" : ""),
					Figures.addedMicros(addedP99),
					Figures.ratio(cpu) + (loaded ? " (≤ 1.3x: " + Figures.verdict(cpu <= 1.3) + ")" : ""),
					Figures.ratio(allocation) + (call ? " (≤ 1.4x: " + Figures.verdict(allocation <= 1.4) + ")" : ""),
					Figures.bytes(template.allocatedBytesPerRequest() - raw.allocatedBytesPerRequest()));
			reportErrors(report, measured);
		}
		report.paragraph("**" + operation.label() + "**");
		report.table(figures.toMarkdown());
		report.table(targets);
	}

	static void reportErrors(Report report, List<Measurement> measured) {
		for (Measurement measurement : measured) {
			if (measurement.firstError() != null) {
				report.paragraph(measurement.name() + ": " + measurement.failed() + " requests failed, the first with "
						+ measurement.firstError());
			}
		}
	}

}
