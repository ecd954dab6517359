package dev.llmresilience.benchmarks.startup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.llmresilience.benchmarks.report.MarkdownTable;
import dev.llmresilience.benchmarks.report.Report;
import dev.llmresilience.benchmarks.scenarios.Benchmark;

/**
 * The time the starter adds to an application's start: {@link StartupProbe} started in a
 * fresh JVM per start, the variants interleaved, the median of each.
 */
public final class StartupBenchmark implements Benchmark {

	private static final List<String> VARIANTS = List.of("all", "without-llm", "without-llm-and-resilience4j");

	private final int rounds;

	/**
	 * Create the benchmark.
	 * @param quick whether to start each variant fewer times
	 */
	public StartupBenchmark(boolean quick) {
		this.rounds = quick ? 3 : 11;
	}

	@Override
	public String name() {
		return "startup";
	}

	@Override
	public void run(Report report) {
		report.section("Start-up");
		report.paragraph("The time of `SpringApplication.run` of one application (auto-configuration only, not a "
				+ "web server; Actuator, Micrometer and WebClient on the class path; two providers, three models, one "
				+ "chain), each start in a fresh JVM, " + this.rounds + " starts of each variant, interleaved; "
				+ "median and spread (lowest to highest). The variants exclude auto-configurations by "
				+ "`spring.autoconfigure.exclude`, so every class stays on the class path.");
		Map<String, List<Long>> times = new LinkedHashMap<>();
		Map<String, List<Long>> beans = new LinkedHashMap<>();
		VARIANTS.forEach((variant) -> times.put(variant, new ArrayList<>()));
		for (int round = 0; round < this.rounds; round++) {
			for (String variant : VARIANTS) {
				Report.progress("startup: " + variant + ", round " + (round + 1));
				Probe probe = probe(variant);
				times.get(variant).add(probe.millis());
				if (variant.equals("all")) {
					probe.beans()
						.forEach((name, millis) -> beans.computeIfAbsent(name, (key) -> new ArrayList<>()).add(millis));
				}
			}
		}
		long all = median(times.get("all"));
		MarkdownTable table = new MarkdownTable("variant", "start, median", "lowest", "highest", "the starter adds");
		times.forEach((variant, millis) -> table.row(variant, median(millis) + " ms",
				millis.stream().mapToLong(Long::longValue).min().orElse(0) + " ms",
				millis.stream().mapToLong(Long::longValue).max().orElse(0) + " ms",
				variant.equals("all") ? "-" : (all - median(millis)) + " ms"));
		report.table(table);
		MarkdownTable slowest = new MarkdownTable("bean", "creation, median", "starts it was among the five slowest");
		beans.forEach((name, millis) -> slowest.row(name, median(millis) + " ms", millis.size()));
		report.paragraph("This library's slowest bean creations with its auto-configurations (each bean's time "
				+ "includes the beans created for it):");
		report.table(slowest);
	}

	private static long median(List<Long> values) {
		List<Long> sorted = values.stream().sorted().toList();
		return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
	}

	private static Probe probe(String variant) {
		String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
		List<String> command = List.of(java, "-cp", System.getProperty("java.class.path"), StartupProbe.class.getName(),
				variant);
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			Long millis = null;
			Map<String, Long> beans = new LinkedHashMap<>();
			try (BufferedReader output = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = output.readLine()) != null) {
					if (line.startsWith(StartupProbe.RESULT_PREFIX)) {
						millis = Long.parseLong(line.substring(StartupProbe.RESULT_PREFIX.length()));
					}
					else if (line.startsWith(StartupProbe.BEAN_PREFIX)) {
						String[] parts = line.substring(StartupProbe.BEAN_PREFIX.length()).split("=");
						beans.put(parts[0], Long.parseLong(parts[1]));
					}
				}
			}
			int exit = process.waitFor();
			if (millis == null || exit != 0) {
				throw new IllegalStateException(
						"The start-up probe " + variant + " ended with " + exit + " without its result");
			}
			return new Probe(millis, beans);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run the start-up probe", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private record Probe(long millis, Map<String, Long> beans) {

	}

}
