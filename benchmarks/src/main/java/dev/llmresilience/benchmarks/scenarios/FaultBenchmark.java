package dev.llmresilience.benchmarks.scenarios;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.llmresilience.benchmarks.clients.TemplateClient;
import dev.llmresilience.benchmarks.clients.TemplateContext;
import dev.llmresilience.benchmarks.clients.TemplateProperties;
import dev.llmresilience.benchmarks.load.ClosedLoopLoad;
import dev.llmresilience.benchmarks.load.LoadResult;
import dev.llmresilience.benchmarks.load.Measurement;
import dev.llmresilience.benchmarks.load.Operation;
import dev.llmresilience.benchmarks.load.ResourceMeter;
import dev.llmresilience.benchmarks.report.Figures;
import dev.llmresilience.benchmarks.report.MarkdownTable;
import dev.llmresilience.benchmarks.report.Report;
import dev.llmresilience.benchmarks.stub.StubProcess;
import dev.llmresilience.benchmarks.stub.StubSettings;
import dev.llmresilience.benchmarks.stub.StubTraffic;

/**
 * The template under faults: 30% of the calls to the primary model answer 529, the chain
 * falls back to a healthy OpenAI-compatible model. Compares breaker settings by the
 * answers per second and by the amplification, the upstream calls the stub counted per
 * logical request.
 */
public final class FaultBenchmark implements Benchmark {

	private static final String FAULTY = "claude-primary";

	private static final String HEALTHY = "claude-healthy";

	private static final String FALLBACK = "gpt-secondary";

	private static final double FAULT_RATE = 0.3;

	private static final int CONCURRENCY = 64;

	private final Duration warmUp;

	private final Duration measured;

	private final ClosedLoopLoad load;

	/**
	 * Create the benchmark.
	 * @param divisor divides the run times, for a quick trial
	 * @param load runs the load
	 */
	public FaultBenchmark(int divisor, ClosedLoopLoad load) {
		this.warmUp = Duration.ofSeconds(3).dividedBy(divisor);
		this.measured = Duration.ofSeconds(10).dividedBy(divisor);
		this.load = load;
	}

	@Override
	public String name() {
		return "faults";
	}

	@Override
	public void run(Report report) {
		report.section("Under faults: 30% 529 on the primary model");
		report.paragraph("Stub: answers at once; " + Figures.percent(FAULT_RATE) + " of the calls to `" + FAULTY
				+ "` answer 529 overloaded_error. Chain: `primary` (Anthropic, `" + FAULTY + "`) then `secondary` "
				+ "(OpenAI-compatible, `" + FALLBACK + "`). Retry: 3 attempts, backoff 20 ms doubling to 200 ms with "
				+ "jitter. Closed loop of " + CONCURRENCY + " callers of call(), " + Figures.seconds(this.warmUp)
				+ " warm-up, then " + Figures.seconds(this.measured) + " measured, a fresh application per row. "
				+ "Amplification = upstream calls counted by the stub / logical requests. Without a breaker the "
				+ "expectation is 1 + 0.3 + 0.09 = 1.39 primary calls and 0.027 fallback calls per request.");
		MarkdownTable table = new MarkdownTable("breaker", "answers/s", "errors", "p50", "p99", "amplification",
				"primary calls (529s)", "fallback calls", "answered by fallback", "client CPU/req");
		try (StubProcess stub = StubProcess
			.start(StubSettings.immediate(OverheadBenchmark.CHUNKS).withFault(FAULTY, FAULT_RATE, 529))) {
			for (Variant variant : variants()) {
				Report.progress("faults: " + variant.name());
				run(stub, variant, table, report);
			}
		}
		report.table(table);
	}

	private void run(StubProcess stub, Variant variant, MarkdownTable table, Report report) {
		TemplateProperties properties = new TemplateProperties().anthropicProvider("stub", stub.baseUrl())
			.openAiProvider("stub-openai", stub.baseUrl())
			.model("primary", "stub", variant.primaryName())
			.model("secondary", "stub-openai", FALLBACK)
			.chain("default", "primary", "secondary")
			.set("retry.max-attempts", 3)
			.set("retry.initial-backoff", "20ms")
			.set("retry.max-backoff", "200ms");
		variant.breaker().forEach((name, value) -> properties.set("circuit-breaker." + name, value));
		try (TemplateContext application = TemplateContext.start(properties.toMap())) {
			TemplateClient client = new TemplateClient(application.template());
			this.load.run(() -> Operation.CALL.start(client), false, CONCURRENCY, this.warmUp);
			stub.resetTraffic();
			ResourceMeter meter = new ResourceMeter(() -> stub.cpuTime().toNanos());
			ResourceMeter.Snapshot start = meter.snapshot();
			LoadResult result = this.load.run(() -> Operation.CALL.start(client), false, CONCURRENCY, this.measured);
			Measurement measurement = new Measurement(variant.name());
			measurement.add(result, meter.since(start));
			StubTraffic traffic = stub.traffic();
			long requests = result.completed() + result.failed();
			long primaryCalls = traffic.calls(variant.primaryName());
			long fallbackAnswers = traffic.calls(FALLBACK, 200);
			table.row(variant.name(), Figures.whole(measurement.throughput()), result.failed(),
					Figures.micros(measurement.latencyMicros(50)), Figures.micros(measurement.latencyMicros(99)),
					String.format(Locale.ROOT, "%.3f", (double) traffic.totalCalls() / requests),
					Figures.whole(primaryCalls) + " (" + Figures.whole(traffic.calls(variant.primaryName(), 529)) + ")",
					Figures.whole(traffic.calls(FALLBACK)),
					Figures.percent((double) fallbackAnswers / Math.max(1, result.completed())),
					Figures.micros(measurement.cpuMicrosPerRequest()));
			if (result.firstError() != null) {
				report.paragraph(
						variant.name() + ": the first of " + result.failed() + " errors was " + result.firstError());
			}
		}
	}

	private static List<Variant> variants() {
		return List.of(new Variant("no faults (reference)", HEALTHY, Map.of()),
				new Variant("off (threshold 100%, 1,000,000 minimum calls)", FAULTY,
						Map.of("failure-rate-threshold", 100, "minimum-number-of-calls", 1_000_000)),
				new Variant("on, library defaults (threshold 50%, 10 calls, 60 s window, 30 s open)", FAULTY, Map.of()),
				new Variant("on, strict (threshold 20%, 20 calls, 2 s open)", FAULTY,
						Map.of("failure-rate-threshold", 20, "minimum-number-of-calls", 20, "wait-in-open", "2s")));
	}

	/**
	 * One row: the primary model's name (faulty or not) and the breaker's settings.
	 */
	private record Variant(String name, String primaryName, Map<String, Object> breaker) {

	}

}
