package dev.llmresilience.benchmarks.scenarios;

import java.util.ArrayList;
import java.util.List;

import dev.llmresilience.benchmarks.clients.LlmClientUnderTest;
import dev.llmresilience.benchmarks.clients.RawWebClient;
import dev.llmresilience.benchmarks.clients.TemplateClient;
import dev.llmresilience.benchmarks.clients.TemplateContext;
import dev.llmresilience.benchmarks.clients.TemplateProperties;
import dev.llmresilience.benchmarks.load.ClosedLoopLoad;
import dev.llmresilience.benchmarks.load.InterleavedComparison;
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
 * Where the template's overhead goes: the same comparison at one concurrency with parts
 * switched off by configuration, each in an application of its own: the {@code llm.*}
 * observations (and so the metrics and traces they feed), and the request queue.
 */
public final class OverheadBreakdownBenchmark implements Benchmark {

	private static final int CONCURRENCY = 64;

	private static final String OBSERVATIONS = "management.observations.enable.llm";

	private final RoundSchedule schedule;

	private final ClosedLoopLoad load;

	/**
	 * Create the benchmark.
	 * @param schedule how long each client runs
	 * @param load runs the load
	 */
	public OverheadBreakdownBenchmark(RoundSchedule schedule, ClosedLoopLoad load) {
		this.schedule = schedule;
		this.load = load;
	}

	@Override
	public String name() {
		return "breakdown";
	}

	@Override
	public void run(Report report) {
		report.section("Overhead breakdown at concurrency " + CONCURRENCY);
		report.paragraph("As the overhead benchmark, with variants of the template switched by configuration: "
				+ "`management.observations.enable.llm=false` (no llm.request / llm.attempt observations, so none of the "
				+ "metrics they feed) and `llm.resilience.queue.enabled=false` (no queue), and both.");
		List<TemplateContext> applications = new ArrayList<>();
		try (StubProcess stub = StubProcess.start(StubSettings.immediate(OverheadBenchmark.CHUNKS))) {
			TemplateContext defaults = start(applications, TemplateProperties.singleModel(stub.baseUrl()));
			List<LlmClientUnderTest> clients = List.of(
					new RawWebClient(defaults.webClientBuilder(), stub.baseUrl(), defaults.objectMapper()),
					new TemplateClient(defaults.template()),
					variant(applications, "without llm observations",
							TemplateProperties.singleModel(stub.baseUrl()).boot(OBSERVATIONS, false)),
					variant(applications, "without queue",
							TemplateProperties.singleModel(stub.baseUrl()).set("queue.enabled", false)),
					variant(applications, "without both",
							TemplateProperties.singleModel(stub.baseUrl())
								.boot(OBSERVATIONS, false)
								.set("queue.enabled", false)));
			InterleavedComparison comparison = new InterleavedComparison(this.load,
					new ResourceMeter(() -> stub.cpuTime().toNanos()), this.schedule);
			for (Operation operation : Operation.values()) {
				Report.progress("breakdown " + operation.label());
				List<Measurement> measured = comparison.run(clients, operation, CONCURRENCY);
				MeasurementTable figures = new MeasurementTable();
				MarkdownTable ratios = new MarkdownTable("client", "throughput vs raw", "CPU/req vs raw",
						"CPU/req added", "alloc/req added");
				Measurement raw = measured.get(0);
				for (Measurement measurement : measured) {
					figures.add(CONCURRENCY, measurement);
					ratios.row(measurement.name(), Figures.ratio(measurement.throughput() / raw.throughput()),
							Figures.ratio(measurement.cpuMicrosPerRequest() / raw.cpuMicrosPerRequest()),
							Figures.addedMicros(measurement.cpuMicrosPerRequest() - raw.cpuMicrosPerRequest()),
							Figures.bytes(measurement.allocatedBytesPerRequest() - raw.allocatedBytesPerRequest()));
				}
				OverheadBenchmark.reportErrors(report, measured);
				report.paragraph("**" + operation.label() + "**");
				report.table(figures.toMarkdown());
				report.table(ratios);
			}
		}
		finally {
			applications.forEach(TemplateContext::close);
		}
	}

	private static TemplateClient variant(List<TemplateContext> applications, String name,
			TemplateProperties properties) {
		return new TemplateClient(name, start(applications, properties).template());
	}

	private static TemplateContext start(List<TemplateContext> applications, TemplateProperties properties) {
		TemplateContext application = TemplateContext.start(properties.toMap());
		applications.add(application);
		return application;
	}

}
