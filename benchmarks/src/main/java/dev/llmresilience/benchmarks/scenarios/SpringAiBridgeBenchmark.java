package dev.llmresilience.benchmarks.scenarios;

import java.time.Duration;
import java.util.List;

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
import dev.llmresilience.springai.autoconfigure.LlmResilienceChatModelAutoConfiguration;
import dev.llmresilience.springai.chat.LlmResilienceChatModel;

/**
 * The cost of the Spring AI bridge: the auto-configured {@code llmResilienceChatModel}
 * against the {@code LlmTemplate} it calls, and against Spring AI's own
 * {@code AnthropicChatModel}, on the same stub and workload as the overhead benchmark.
 */
public final class SpringAiBridgeBenchmark implements Benchmark {

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
	public SpringAiBridgeBenchmark(RoundSchedule schedule, ClosedLoopLoad load) {
		this.schedule = schedule;
		this.load = load;
	}

	@Override
	public String name() {
		return "spring-ai-bridge";
	}

	@Override
	public void run(Report report) {
		report.section("Spring AI bridge: its ChatModel against LlmTemplate and Spring AI's AnthropicChatModel");
		report.paragraph("Same stub and request as the overhead benchmark. llm-resilience: the auto-configured "
				+ "LlmTemplate with its defaults. Bridge: the auto-configured llmResilienceChatModel of "
				+ "llm-resilience-spring-ai in the same application, asked with a Prompt whose portable options set "
				+ "max tokens; its call() blocks until the template answers, so, like Spring AI's, each concurrent call "
				+ "runs on a thread of its own. Spring AI "
				+ ArtifactVersion.of("org.springframework.ai", "spring-ai-anthropic")
				+ ": AnthropicChatModel with RetryUtils.DEFAULT_RETRY_TEMPLATE and no observation registry, as in the "
				+ "peers benchmark. Each client first runs 10 s unmeasured at concurrency 64 (JIT), then rounds are "
				+ "interleaved; ratios are against llm-resilience's LlmTemplate.");
		try (StubProcess stub = StubProcess.start(StubSettings.immediate(OverheadBenchmark.CHUNKS));
				TemplateContext application = TemplateContext.start(TemplateProperties.singleModel(stub.baseUrl())
					.springAiBridge()
					// Spring AI warns of every content_block_stop event: console output
					// is not what is measured
					.boot("logging.level.org.springframework.ai.anthropic.api.StreamHelper", "ERROR")
					.toMap())) {
			LlmResilienceChatModel bridge = application.bean(LlmResilienceChatModelAutoConfiguration.BEAN_NAME,
					LlmResilienceChatModel.class);
			List<LlmClientUnderTest> all = List.of(new TemplateClient(application.template()),
					SpringAiClient.of("bridge (ChatModel)", bridge), SpringAiClient.anthropic(stub.baseUrl()));
			InterleavedComparison comparison = new InterleavedComparison(this.load,
					new ResourceMeter(() -> stub.cpuTime().toNanos()), this.schedule);
			for (Operation operation : Operation.values()) {
				List<LlmClientUnderTest> clients = PeerBenchmark.usable(report, all, operation);
				comparison.warmUp(clients, operation, JIT_WARM_UP_CONCURRENCY, JIT_WARM_UP);
				measure(report, comparison, clients, operation);
			}
		}
	}

	private void measure(Report report, InterleavedComparison comparison, List<LlmClientUnderTest> clients,
			Operation operation) {
		MeasurementTable figures = new MeasurementTable();
		MarkdownTable ratios = new MarkdownTable("concurrency", "client", "throughput vs LlmTemplate", "added p50",
				"CPU/req vs LlmTemplate", "alloc/req vs LlmTemplate", "alloc/req added");
		for (int concurrency : CONCURRENCY) {
			Report.progress("spring-ai-bridge " + operation.label() + " at concurrency " + concurrency);
			List<Measurement> measured = comparison.run(clients, operation, concurrency);
			Measurement template = measured.get(0);
			measured.forEach((measurement) -> figures.add(concurrency, measurement));
			for (Measurement other : measured.subList(1, measured.size())) {
				ratios.row(concurrency, other.name(), Figures.ratio(other.throughput() / template.throughput()),
						Figures.addedMicros(other.latencyMicros(50) - template.latencyMicros(50)),
						Figures.ratio(other.cpuMicrosPerRequest() / template.cpuMicrosPerRequest()),
						Figures.ratio(other.allocatedBytesPerRequest() / template.allocatedBytesPerRequest()),
						Figures.bytes(other.allocatedBytesPerRequest() - template.allocatedBytesPerRequest()));
			}
			OverheadBenchmark.reportErrors(report, measured);
		}
		report.paragraph("**" + operation.label() + "**");
		report.table(figures.toMarkdown());
		report.table(ratios);
	}

}
