package dev.llmresilience.benchmarks.scenarios;

import java.time.Duration;
import java.util.List;

import dev.llmresilience.benchmarks.clients.RawWebClient;
import dev.llmresilience.benchmarks.clients.TemplateClient;
import dev.llmresilience.benchmarks.clients.TemplateContext;
import dev.llmresilience.benchmarks.clients.TemplateProperties;
import dev.llmresilience.benchmarks.report.Figures;
import dev.llmresilience.benchmarks.report.MarkdownTable;
import dev.llmresilience.benchmarks.report.Report;
import dev.llmresilience.benchmarks.stub.StubProcess;
import dev.llmresilience.benchmarks.stub.StubSettings;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;

/**
 * Holds 10,000 slow streams open at once (20 chunks a second apart), first with a raw
 * WebClient, then with the template and its provider's default pool
 * ({@code max-connections} 500), then with the template and a pool large enough, and
 * reports heap after GC, live threads and time to first text. Targets: heap under 512
 * MiB, no thread per stream.
 * <p>
 * Every run starts on cold connections. The raw client's pool is closed after its run, so
 * that no process ever holds much more than 10,000 connections (each may open 20,000
 * files here).
 */
public final class StreamingScaleBenchmark implements Benchmark {

	private static final long HEAP_TARGET = 512L * 1024 * 1024;

	/** A provider pool large enough for every stream. */
	private static final int LARGE_POOL = 16_384;

	private final int streams;

	private final int chunks;

	private final Duration chunkInterval = Duration.ofSeconds(1);

	private final Duration ramp = Duration.ofSeconds(5);

	/**
	 * Create the benchmark.
	 * @param quick whether to hold fewer, shorter streams
	 */
	public StreamingScaleBenchmark(boolean quick) {
		this.streams = quick ? 1_000 : 10_000;
		this.chunks = quick ? 5 : 20;
	}

	@Override
	public String name() {
		return "scale";
	}

	@Override
	public void run(Report report) {
		report.section("Streaming scale: " + Figures.whole(this.streams) + " streams open at once");
		report.paragraph("Stub: " + this.chunks + " text chunks per stream, " + this.chunkInterval.toMillis()
				+ " ms apart (the first at once). Three runs, each on cold connections, streams started over "
				+ this.ramp.toSeconds() + " s: a raw WebClient on a pool of its own; the template with its provider's "
				+ "pool at the default max-connections (500: a stream that gets no connection within the connect "
				+ "timeout, 10 s, fails); the template with max-connections " + Figures.whole(LARGE_POOL)
				+ ". Heap is measured after two " + "System.gc() calls while every stream is open; it is the "
				+ "whole JVM (two Spring contexts, the harness). Threads are the JVM's live threads. Time to first "
				+ "text runs from subscribing to the first text delta.");
		Duration streamLength = this.chunkInterval.multipliedBy(this.chunks);
		try (StubProcess stub = StubProcess
			.start(StubSettings.immediate(this.chunks).withChunkInterval(this.chunkInterval));
				TemplateContext defaultPool = TemplateContext
					.start(TemplateProperties.singleModel(stub.baseUrl()).toMap());
				TemplateContext largePool = TemplateContext.start(TemplateProperties.singleModel(stub.baseUrl())
					.set("providers.stub.max-connections", LARGE_POOL)
					.toMap())) {
			StreamHolder holder = new StreamHolder(stub, this.streams, this.ramp, streamLength);
			HeldStreams raw = holdWithOwnPool(holder, defaultPool, stub);
			HeldStreams templateDefaultPool = holder
				.hold(new TemplateClient("llm-resilience, max-connections 500 (default)", defaultPool.template()));
			HeldStreams template = holder.hold(new TemplateClient(
					"llm-resilience, max-connections " + Figures.whole(LARGE_POOL), largePool.template()));
			write(report, List.of(raw, templateDefaultPool, template));
			verdicts(report, raw, template, templateDefaultPool);
		}
	}

	/**
	 * Hold the streams with a raw client on a pool of its own, closed afterwards, so that
	 * the stub never holds more than one run's idle connections.
	 */
	private HeldStreams holdWithOwnPool(StreamHolder holder, TemplateContext application, StubProcess stub) {
		ConnectionProvider pool = ConnectionProvider.builder("raw-scale")
			.maxConnections(this.streams + 1024)
			.pendingAcquireMaxCount(-1)
			.build();
		try {
			return holder.hold(new RawWebClient(
					application.webClientBuilder()
						.clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool))),
					stub.baseUrl(), application.objectMapper()));
		}
		finally {
			pool.disposeLater().block(Duration.ofSeconds(30));
		}
	}

	private static void write(Report report, List<HeldStreams> runs) {
		MarkdownTable table = new MarkdownTable("client", "streams started", "first text", "completed", "failed",
				"open at stub", "heap before", "heap held (after GC)", "Netty direct memory", "threads before",
				"threads held", "peak threads", "first text p50", "p99", "max");
		for (HeldStreams held : runs) {
			table.row(held.client(), held.started(), held.firstTexts(), held.completed(), held.failed(),
					held.openAtStub(), Figures.bytes(held.heapBefore()), Figures.bytes(held.heapHeld()),
					Figures.bytes(held.directMemoryHeld()), held.threadsBefore(), held.threadsHeld(),
					held.peakThreads(), Figures.micros(held.timeToFirstText().getValueAtPercentile(50) / 1e3),
					Figures.micros(held.timeToFirstText().getValueAtPercentile(99) / 1e3),
					Figures.micros(held.timeToFirstText().getMaxValue() / 1e3));
			if (held.firstError() != null) {
				report.paragraph(held.client() + ": " + held.failed() + " streams failed, the first with `"
						+ held.firstError() + "`");
			}
		}
		report.table(table);
	}

	private void verdicts(Report report, HeldStreams raw, HeldStreams template, HeldStreams templateDefaultPool) {
		double addedP50 = (template.timeToFirstText().getValueAtPercentile(50)
				- raw.timeToFirstText().getValueAtPercentile(50)) / 1e3;
		double addedP99 = (template.timeToFirstText().getValueAtPercentile(99)
				- raw.timeToFirstText().getValueAtPercentile(99)) / 1e3;
		int addedThreads = template.threadsHeld() - template.threadsBefore();
		long addedHeap = (template.heapHeld() - template.heapBefore()) - (raw.heapHeld() - raw.heapBefore());
		report.table(new MarkdownTable("target", "figure", "verdict")
			.row("heap < 512 MiB with " + Figures.whole(this.streams) + " streams open",
					Figures.bytes(template.heapHeld()) + " (" + template.firstTexts() + " streams open)",
					Figures.verdict(template.heapHeld() < HEAP_TARGET && template.firstTexts() == this.streams))
			.row("no thread per stream", addedThreads + " threads added while held",
					Figures.verdict(addedThreads < this.streams / 100))
			.row("added time to first text vs raw",
					"p50 " + Figures.addedMicros(addedP50) + ", p99 " + Figures.addedMicros(addedP99), "(no target)")
			.row("heap per open stream added vs raw", Figures.bytes((double) addedHeap / this.streams), "(no target)")
			.row("streams opened with the default max-connections (500)",
					templateDefaultPool.firstTexts() + " of " + this.streams, "(as configured)"));
	}

}
