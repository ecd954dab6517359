package dev.llmresilience.benchmarks;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.llmresilience.benchmarks.load.ClosedLoopLoad;
import dev.llmresilience.benchmarks.load.RoundSchedule;
import dev.llmresilience.benchmarks.report.MarkdownTable;
import dev.llmresilience.benchmarks.report.Report;
import dev.llmresilience.benchmarks.scenarios.Benchmark;
import dev.llmresilience.benchmarks.scenarios.CostAccountingBenchmark;
import dev.llmresilience.benchmarks.scenarios.FaultBenchmark;
import dev.llmresilience.benchmarks.scenarios.OverheadBenchmark;
import dev.llmresilience.benchmarks.scenarios.OverheadBreakdownBenchmark;
import dev.llmresilience.benchmarks.scenarios.PeerBenchmark;
import dev.llmresilience.benchmarks.scenarios.ProfileTarget;
import dev.llmresilience.benchmarks.scenarios.QueueBenchmark;
import dev.llmresilience.benchmarks.scenarios.RoutingBenchmark;
import dev.llmresilience.benchmarks.scenarios.SharedBudgetBenchmark;
import dev.llmresilience.benchmarks.scenarios.SpringAiBridgeBenchmark;
import dev.llmresilience.benchmarks.scenarios.StreamingScaleBenchmark;
import dev.llmresilience.benchmarks.startup.StartupBenchmark;

/**
 * Runs the benchmarks named on the command line ({@code all}, or any of {@code overhead},
 * {@code overhead-jvms}, {@code breakdown}, {@code scale}, {@code faults},
 * {@code routing}, {@code peers}, {@code queue}, {@code redis}, {@code cost},
 * {@code startup}; and {@code profile}, the template alone for a profiler, which
 * {@code all} leaves out) and writes the results as Markdown to standard output.
 * {@code --quick} shortens every run, to try the harness, not to quote.
 */
public final class BenchmarkMain {

	private static final String PROFILE = "profile";

	private static final RoundSchedule SCHEDULE = new RoundSchedule(Duration.ofSeconds(3), 4, Duration.ofMillis(2500));

	private BenchmarkMain() {
	}

	/**
	 * Run the benchmarks.
	 * @param args their names, and {@code --quick} for short runs
	 */
	public static void main(String[] args) {
		// Spring Boot logs to standard output: keep it for the report alone.
		PrintStream reportOutput = System.out;
		System.setOut(System.err);
		boolean quick = List.of(args).contains("--quick");
		Map<String, Benchmark> benchmarks = benchmarks(quick);
		List<String> names = new ArrayList<>();
		for (String arg : args) {
			if (arg.equals("all")) {
				benchmarks.keySet().stream().filter((name) -> !name.equals(PROFILE)).forEach(names::add);
			}
			else if (!arg.startsWith("--")) {
				names.add(arg);
			}
		}
		if (names.isEmpty() || !benchmarks.keySet().containsAll(names)) {
			System.err
				.println("Usage: java -jar benchmarks.jar [--quick] all | " + String.join(" ", benchmarks.keySet()));
			System.exit(2);
		}
		Report report = new Report(reportOutput);
		new MachineDescription().write(report, quick);
		MarkdownTable runs = new MarkdownTable("benchmark", "started", "took", "load average before", "after");
		for (String name : names) {
			String loadBefore = LoadAverage.now();
			Instant started = Instant.now();
			Report.progress("running " + name + ", load average " + loadBefore);
			benchmarks.get(name).run(report);
			runs.row(name, LocalTime.ofInstant(started, ZoneOffset.UTC).withNano(0) + "Z",
					Duration.between(started, Instant.now()).toSeconds() + " s", loadBefore, LoadAverage.now());
		}
		report.section("Runs");
		report.paragraph("A load average well above the 2 cores means other work shared the machine during that run.");
		report.table(runs);
		Report.progress("done");
		// Reactor Netty's and the peers' non-daemon threads would keep the JVM alive.
		System.exit(0);
	}

	private static Map<String, Benchmark> benchmarks(boolean quick) {
		int divisor = quick ? 5 : 1;
		RoundSchedule schedule = SCHEDULE.shortenedBy(divisor);
		ClosedLoopLoad load = new ClosedLoopLoad();
		Map<String, Benchmark> benchmarks = new LinkedHashMap<>();
		// The peers run late, so that their thread pools and garbage touch no other
		// figure, and the queue
		// after them: its test of work that ends synchronously overflows the stack, which
		// may deoptimize code.
		// Redis comes last of all but start-up, so that no other figure shares the
		// machine with a Redis server.
		for (Benchmark benchmark : List.of(new OverheadBenchmark(schedule, load, false),
				new OverheadBenchmark(schedule, load, true), new OverheadBreakdownBenchmark(schedule, load),
				new StreamingScaleBenchmark(quick), new FaultBenchmark(divisor, load),
				new RoutingBenchmark(schedule, load, divisor), new PeerBenchmark(schedule, load),
				new SpringAiBridgeBenchmark(schedule, load), new QueueBenchmark(quick),
				new SharedBudgetBenchmark(schedule, load, divisor),
				new CostAccountingBenchmark(schedule, load, divisor), new StartupBenchmark(quick))) {
			benchmarks.put(benchmark.name(), benchmark);
		}
		// for a profiler only: not part of all
		benchmarks.put(PROFILE, new ProfileTarget(divisor, load));
		return benchmarks;
	}

}
