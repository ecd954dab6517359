package dev.llmresilience.benchmarks.scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.llmresilience.benchmarks.clients.AnswerCheck;
import dev.llmresilience.benchmarks.clients.AnthropicSdkClient;
import dev.llmresilience.benchmarks.clients.LlmClientUnderTest;
import dev.llmresilience.benchmarks.clients.SpringAiClient;
import dev.llmresilience.benchmarks.clients.TemplateClient;
import dev.llmresilience.benchmarks.clients.TemplateContext;
import dev.llmresilience.benchmarks.clients.TemplateProperties;
import dev.llmresilience.benchmarks.load.ClosedLoopLoad;
import dev.llmresilience.benchmarks.load.InterleavedComparison;
import dev.llmresilience.benchmarks.load.Measurement;
import dev.llmresilience.benchmarks.load.Operation;
import dev.llmresilience.benchmarks.load.ResourceMeter;
import dev.llmresilience.benchmarks.load.RoundSchedule;
import dev.llmresilience.benchmarks.report.ArtifactVersion;
import dev.llmresilience.benchmarks.report.Figures;
import dev.llmresilience.benchmarks.report.MarkdownTable;
import dev.llmresilience.benchmarks.report.MeasurementTable;
import dev.llmresilience.benchmarks.report.Report;
import dev.llmresilience.benchmarks.stub.StubProcess;
import dev.llmresilience.benchmarks.stub.StubSettings;

/**
 * llm-resilience against Spring AI's {@code AnthropicChatModel} (retry on) and the
 * official Anthropic Java SDK, on the same stub and workload as the overhead benchmark. A
 * peer that cannot read the stub's answer is reported with its error and left out.
 */
public final class PeerBenchmark implements Benchmark {

	private static final int[] CONCURRENCY = { 16, 64, 256 };

	private static final int JIT_WARM_UP_CONCURRENCY = 64;

	private static final Duration JIT_WARM_UP = Duration.ofSeconds(10);

	private final RoundSchedule schedule;

	private final ClosedLoopLoad load;

	/**
	 * Create the benchmark.
	 * @param schedule how long each client runs
	 * @param load runs the load
	 */
	public PeerBenchmark(RoundSchedule schedule, ClosedLoopLoad load) {
		this.schedule = schedule;
		this.load = load;
	}

	@Override
	public String name() {
		return "peers";
	}

	@Override
	public void run(Report report) {
		report.section("Peers: Spring AI and the Anthropic SDK on the same stub");
		report.paragraph("Same stub and request as the overhead benchmark. Spring AI "
				+ ArtifactVersion.of("org.springframework.ai", "spring-ai-anthropic")
				+ ": AnthropicChatModel built on AnthropicApi with RetryUtils.DEFAULT_RETRY_TEMPLATE; its call() "
				+ "blocks, so each concurrent call runs on a thread of its own. Anthropic SDK "
				+ ArtifactVersion.of("com.anthropic", "anthropic-java")
				+ ": AnthropicOkHttpClientAsync with baseUrl set to the stub, default retries (2). Each client first "
				+ "runs 10 s unmeasured at concurrency 64 (JIT), then rounds are interleaved as above; ratios are "
				+ "peer / llm-resilience. Spring AI's StreamHelper logs a WARN for every content_block_stop event; that "
				+ "logger is set to ERROR here so that console output is not part of its figures.");
		try (StubProcess stub = StubProcess.start(StubSettings.immediate(OverheadBenchmark.CHUNKS));
				TemplateContext application = TemplateContext.start(TemplateProperties.singleModel(stub.baseUrl())
					// Spring AI warns of every content_block_stop event: console output
					// is not what is measured
					.boot("logging.level.org.springframework.ai.anthropic.api.StreamHelper", "ERROR")
					.toMap());
				AnthropicSdkClient sdk = new AnthropicSdkClient(stub.baseUrl())) {
			List<LlmClientUnderTest> all = List.of(new TemplateClient(application.template()),
					SpringAiClient.anthropic(stub.baseUrl()), sdk);
			InterleavedComparison comparison = new InterleavedComparison(this.load,
					new ResourceMeter(() -> stub.cpuTime().toNanos()), this.schedule);
			for (Operation operation : Operation.values()) {
				List<LlmClientUnderTest> clients = usable(report, all, operation);
				comparison.warmUp(clients, operation, JIT_WARM_UP_CONCURRENCY, JIT_WARM_UP);
				measure(report, comparison, clients, operation);
			}
		}
	}

	static List<LlmClientUnderTest> usable(Report report, List<LlmClientUnderTest> clients, Operation operation) {
		List<LlmClientUnderTest> usable = new ArrayList<>();
		for (LlmClientUnderTest client : clients) {
			Throwable problem = AnswerCheck.problemOf(client, operation, OverheadBenchmark.CHUNKS);
			if (problem == null) {
				usable.add(client);
			}
			else {
				report.paragraph(client.name() + " " + operation.label() + " left out: " + problem);
			}
		}
		return usable;
	}

	private void measure(Report report, InterleavedComparison comparison, List<LlmClientUnderTest> clients,
			Operation operation) {
		MeasurementTable figures = new MeasurementTable();
		MarkdownTable ratios = new MarkdownTable("concurrency", "peer", "throughput vs llm-resilience",
				"CPU/req vs llm-resilience", "alloc/req vs llm-resilience");
		for (int concurrency : CONCURRENCY) {
			Report.progress("peers " + operation.label() + " at concurrency " + concurrency);
			List<Measurement> measured = comparison.run(clients, operation, concurrency);
			Measurement ours = measured.get(0);
			measured.forEach((measurement) -> figures.add(concurrency, measurement));
			for (Measurement peer : measured.subList(1, measured.size())) {
				ratios.row(concurrency, peer.name(), Figures.ratio(peer.throughput() / ours.throughput()),
						Figures.ratio(peer.cpuMicrosPerRequest() / ours.cpuMicrosPerRequest()),
						Figures.ratio(peer.allocatedBytesPerRequest() / ours.allocatedBytesPerRequest()));
			}
			OverheadBenchmark.reportErrors(report, measured);
		}
		report.paragraph("**" + operation.label() + "**");
		report.table(figures.toMarkdown());
		report.table(ratios);
	}

}
