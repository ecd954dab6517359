package dev.llmresilience.benchmarks.scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

import dev.llmresilience.benchmarks.clients.TemplateClient;
import dev.llmresilience.benchmarks.clients.TemplateContext;
import dev.llmresilience.benchmarks.clients.TemplateProperties;
import dev.llmresilience.benchmarks.clients.Workload;
import dev.llmresilience.benchmarks.load.ClosedLoopLoad;
import dev.llmresilience.benchmarks.load.InterleavedComparison;
import dev.llmresilience.benchmarks.load.LoadResult;
import dev.llmresilience.benchmarks.load.Measurement;
import dev.llmresilience.benchmarks.load.Operation;
import dev.llmresilience.benchmarks.load.ResourceMeter;
import dev.llmresilience.benchmarks.load.RoundSchedule;
import dev.llmresilience.benchmarks.report.Figures;
import dev.llmresilience.benchmarks.report.MarkdownTable;
import dev.llmresilience.benchmarks.report.Report;
import dev.llmresilience.benchmarks.stub.StubProcess;
import dev.llmresilience.benchmarks.stub.StubSettings;
import dev.llmresilience.benchmarks.stub.StubTraffic;
import dev.llmresilience.resilience.FallbackChain;
import dev.llmresilience.routing.DeploymentRouter;
import dev.llmresilience.routing.Hedging;
import dev.llmresilience.routing.HedgingSettings;
import dev.llmresilience.routing.RoutingStrategy;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What deployments cost and what hedging sends: the routing decision of each strategy and
 * the hedging bookkeeping, timed alone and within whole calls against a model with one
 * deployment; and the upstream calls per request when 30% of a model's calls are slow,
 * with hedging off, capped at its default share, and with a cap above the fault rate.
 */
public final class RoutingBenchmark implements Benchmark {

	private static final int CONCURRENCY = 64;

	private static final int DEPLOYMENTS = 3;

	private static final int DECISIONS = 5_000_000;

	private static final double SLOW_RATE = 0.3;

	private static final Duration SLOW = Duration.ofMillis(300);

	private static final Duration HEDGE_DELAY = Duration.ofMillis(50);

	private final RoundSchedule schedule;

	private final ClosedLoopLoad load;

	private final Duration warmUp;

	private final Duration measured;

	/**
	 * Create the benchmark.
	 * @param schedule how long each client of the comparison runs
	 * @param load runs the load
	 * @param divisor divides the run times of the hedging part, for a quick trial
	 */
	public RoutingBenchmark(RoundSchedule schedule, ClosedLoopLoad load, int divisor) {
		this.schedule = schedule;
		this.load = load;
		this.warmUp = Duration.ofSeconds(3).dividedBy(divisor);
		this.measured = Duration.ofSeconds(10).dividedBy(divisor);
	}

	@Override
	public String name() {
		return "routing";
	}

	@Override
	public void run(Report report) {
		report.section("Deployments: the routing decision and hedging");
		List<TemplateContext> applications = new ArrayList<>();
		try (StubProcess stub = StubProcess.start(StubSettings.immediate(OverheadBenchmark.CHUNKS))) {
			TemplateContext single = start(applications, TemplateProperties.singleModel(stub.baseUrl()));
			List<TemplateClient> clients = new ArrayList<>();
			clients.add(new TemplateClient("one deployment (reference)", single.template()));
			MarkdownTable decisions = new MarkdownTable("decision", "ns each");
			for (RoutingStrategy strategy : RoutingStrategy.values()) {
				TemplateContext application = start(applications, deployed(stub, strategy, false));
				clients
					.add(new TemplateClient(DEPLOYMENTS + " deployments, " + kebab(strategy), application.template()));
				DeploymentRouter router = application.findBean(FallbackChain.class)
					.orElseThrow()
					.getExecutor("primary")
					.getRouter();
				decisions.row("choose, " + kebab(strategy), nanos(() -> router.choose(List.of()).weight()));
			}
			clients.add(new TemplateClient(DEPLOYMENTS + " deployments, weighted-random, hedging on (never due)",
					start(applications, deployed(stub, RoutingStrategy.WEIGHTED_RANDOM, true)).template()));
			Hedging hedging = new Hedging(new HedgingSettings(Duration.ofSeconds(2), 95, 1, 0.1));
			decisions.row("hedging: note an attempt and ask for a hedge", nanos(() -> {
				hedging.attempted();
				return hedging.tryHedge() ? 1 : 0;
			}));
			report.paragraph("The decision alone: " + String.format(Locale.ROOT, "%,d", DECISIONS)
					+ " decisions in a loop on one thread, after as many unmeasured, among " + DEPLOYMENTS
					+ " healthy deployments of one model (no budgets, no holds, breakers closed).");
			report.table(decisions);
			comparison(report, stub, clients);
		}
		finally {
			applications.forEach(TemplateContext::close);
		}
		hedgingUnderFaults(report);
	}

	private void comparison(Report report, StubProcess stub, List<TemplateClient> clients) {
		report.paragraph("Within whole calls: `call()` at concurrency " + CONCURRENCY + " against the overhead "
				+ "benchmark's stub (answers at once), the model served by one deployment and by " + DEPLOYMENTS
				+ " (three providers on the same stub), interleaved rounds. The added CPU per request is against the "
				+ "reference; it includes the three providers' own pools and breakers, not the decision alone.");
		InterleavedComparison comparison = new InterleavedComparison(this.load,
				new ResourceMeter(() -> stub.cpuTime().toNanos()), this.schedule);
		Report.progress("routing: deployments within calls");
		List<Measurement> measured = comparison.run(clients, Operation.CALL, CONCURRENCY);
		MarkdownTable table = new MarkdownTable("client", "req/s", "p50", "client CPU/req", "CPU/req added",
				"alloc/req added", "errors");
		Measurement reference = measured.get(0);
		for (Measurement measurement : measured) {
			table.row(measurement.name(), Figures.whole(measurement.throughput()),
					Figures.micros(measurement.latencyMicros(50)), Figures.micros(measurement.cpuMicrosPerRequest()),
					Figures.addedMicros(measurement.cpuMicrosPerRequest() - reference.cpuMicrosPerRequest()),
					Figures.bytes(measurement.allocatedBytesPerRequest() - reference.allocatedBytesPerRequest()),
					measurement.failed());
		}
		OverheadBenchmark.reportErrors(report, measured);
		report.table(table);
	}

	private void hedgingUnderFaults(Report report) {
		report.paragraph("Hedging under faults: a model with two deployments (two providers on one stub, the "
				+ "model known there as `" + name("a") + "` and `" + name("b") + "`); " + Figures.percent(SLOW_RATE)
				+ " of the calls to each answer after " + SLOW.toMillis() + " ms, the others at once. Hedge delay "
				+ HEDGE_DELAY.toMillis() + " ms, one hedge at most. Closed loop of " + CONCURRENCY + " callers of "
				+ "call(), " + Figures.seconds(this.warmUp) + " warm-up, then " + Figures.seconds(this.measured)
				+ " measured, a fresh application per row. Amplification = upstream calls counted by the stub / "
				+ "requests; uncapped, every slow call would be hedged, 1.30.");
		MarkdownTable table = new MarkdownTable("hedging", "cap", "answers/s", "errors", "p50", "p99", "amplification",
				"hedges sent", "hedges won", "hedged share of requests", "client CPU/req");
		StubSettings settings = StubSettings.immediate(OverheadBenchmark.CHUNKS)
			.withSlow(name("a"), SLOW_RATE, SLOW)
			.withSlow(name("b"), SLOW_RATE, SLOW);
		try (StubProcess stub = StubProcess.start(settings)) {
			for (double cap : new double[] { 0, 0.1, 0.5 }) {
				Report.progress("routing: hedging, cap " + cap);
				hedgingRow(stub, cap, table, report);
			}
		}
		report.table(table);
	}

	private void hedgingRow(StubProcess stub, double cap, MarkdownTable table, Report report) {
		TemplateProperties properties = new TemplateProperties().anthropicProvider("a", stub.baseUrl())
			.anthropicProvider("b", stub.baseUrl())
			.set("models.primary.deployments.a.provider", "a")
			.set("models.primary.deployments.a.name", name("a"))
			.set("models.primary.deployments.b.provider", "b")
			.set("models.primary.deployments.b.name", name("b"))
			.chain("default", "primary");
		if (cap > 0) {
			properties.set("models.primary.hedging.enabled", true)
				.set("models.primary.hedging.delay", HEDGE_DELAY.toMillis() + "ms")
				.set("models.primary.hedging.max-share", cap);
		}
		try (TemplateContext application = TemplateContext.start(properties.toMap())) {
			TemplateClient client = new TemplateClient(application.template());
			MeterRegistry meters = application.findBean(MeterRegistry.class).orElseThrow();
			this.load.run(() -> Operation.CALL.start(client), false, CONCURRENCY, this.warmUp);
			stub.resetTraffic();
			double sentBefore = count(meters, "llm.hedges.sent");
			double wonBefore = count(meters, "llm.hedges.won");
			ResourceMeter meter = new ResourceMeter(() -> stub.cpuTime().toNanos());
			ResourceMeter.Snapshot start = meter.snapshot();
			LoadResult result = this.load.run(() -> Operation.CALL.start(client), false, CONCURRENCY, this.measured);
			Measurement measurement = new Measurement("cap " + cap);
			measurement.add(result, meter.since(start));
			StubTraffic traffic = stub.traffic();
			long requests = result.completed() + result.failed();
			double sent = count(meters, "llm.hedges.sent") - sentBefore;
			table.row((cap > 0) ? "on" : "off", (cap > 0) ? Figures.percent(cap) : "-",
					Figures.whole(measurement.throughput()), result.failed(),
					Figures.micros(measurement.latencyMicros(50)), Figures.micros(measurement.latencyMicros(99)),
					String.format(Locale.ROOT, "%.3f", (double) traffic.totalCalls() / requests), Figures.whole(sent),
					Figures.whole(count(meters, "llm.hedges.won") - wonBefore), Figures.percent(sent / requests),
					Figures.micros(measurement.cpuMicrosPerRequest()));
			if (result.firstError() != null) {
				report.paragraph(
						"cap " + cap + ": the first of " + result.failed() + " errors was " + result.firstError());
			}
		}
	}

	private static double count(MeterRegistry meters, String name) {
		return meters.find(name).counters().stream().mapToDouble((counter) -> counter.count()).sum();
	}

	private static TemplateProperties deployed(StubProcess stub, RoutingStrategy strategy, boolean hedging) {
		TemplateProperties properties = new TemplateProperties();
		for (int i = 0; i < DEPLOYMENTS; i++) {
			properties.anthropicProvider("stub-" + i, stub.baseUrl())
				.set("models.primary.deployments.d" + i + ".provider", "stub-" + i);
		}
		properties.set("models.primary.name", Workload.MODEL)
			.set("models.primary.routing", kebab(strategy))
			.chain("default", "primary");
		if (hedging) {
			properties.set("models.primary.hedging.enabled", true).set("models.primary.hedging.delay", "10s");
		}
		return properties;
	}

	/**
	 * Time an action: as many runs unmeasured, then the measured ones.
	 * @return nanoseconds per run
	 */
	private static String nanos(LongSupplier action) {
		long sink = 0;
		for (int i = 0; i < DECISIONS; i++) {
			sink += action.getAsLong();
		}
		long start = System.nanoTime();
		for (int i = 0; i < DECISIONS; i++) {
			sink += action.getAsLong();
		}
		long elapsed = System.nanoTime() - start;
		// the sink keeps the JIT from dropping the work
		return String.format(Locale.ROOT, "%.0f", (double) elapsed / DECISIONS + ((sink == Long.MIN_VALUE) ? 1 : 0));
	}

	private static String name(String deployment) {
		return Workload.MODEL + "-" + deployment;
	}

	private static String kebab(RoutingStrategy strategy) {
		return strategy.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	private static TemplateContext start(List<TemplateContext> applications, TemplateProperties properties) {
		TemplateContext application = TemplateContext.start(properties.toMap());
		applications.add(application);
		return application;
	}

}
