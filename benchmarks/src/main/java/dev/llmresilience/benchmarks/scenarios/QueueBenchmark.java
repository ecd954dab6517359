package dev.llmresilience.benchmarks.scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

import dev.llmresilience.LlmPriority;
import dev.llmresilience.benchmarks.report.Figures;
import dev.llmresilience.benchmarks.report.MarkdownTable;
import dev.llmresilience.benchmarks.report.Report;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The request queue on its own: what enqueueing and dispatching cost per request with
 * 10,000 waiting, and whom it serves first under saturation, with strict priority and
 * with aging.
 */
public final class QueueBenchmark implements Benchmark {

	private static final int QUEUED = 10_000;

	private static final int RUNS = 5;

	private static final Duration AGING = Duration.ofMillis(250);

	private final Duration overload;

	/**
	 * Create the benchmark.
	 * @param quick whether to saturate the queue for a shorter time
	 */
	public QueueBenchmark(boolean quick) {
		this.overload = quick ? Duration.ofSeconds(1) : Duration.ofSeconds(3);
	}

	@Override
	public String name() {
		return "queue";
	}

	@Override
	public void run(Report report) {
		report.section("Queue: dispatch cost with " + Figures.whole(QUEUED) + " queued, and fairness");
		dispatch(report);
		fairness(report);
	}

	private void dispatch(Report report) {
		report.paragraph("RequestQueue used directly: max-concurrent 1, held by a gate; " + Figures.whole(QUEUED)
				+ " requests of the four priorities in turn are enqueued (submit + subscribe), then the gate opens and "
				+ "the queue dispatches them one after the other. Work that ends asynchronously (a hop to Reactor's "
				+ "parallel scheduler, as a network answer would) is compared with the same chain of work without a "
				+ "queue. Median of " + RUNS + " runs after " + RUNS + " warm-up runs.");
		QueueDispatch dispatch = new QueueDispatch(QUEUED);
		IntFunction<Mono<Integer>> asynchronous = (index) -> Mono.just(index).publishOn(Schedulers.parallel());
		for (int i = 0; i < RUNS; i++) {
			dispatch.throughQueue(asynchronous);
			dispatch.baselineNanosPerItem(asynchronous);
		}
		List<QueueDispatch.Result> results = new ArrayList<>();
		List<Double> baselines = new ArrayList<>();
		for (int i = 0; i < RUNS; i++) {
			results.add(dispatch.throughQueue(asynchronous));
			baselines.add(dispatch.baselineNanosPerItem(asynchronous));
		}
		results.sort(Comparator.comparingDouble(QueueDispatch.Result::dispatchNanosPerRequest));
		baselines.sort(Comparator.naturalOrder());
		QueueDispatch.Result median = results.get(RUNS / 2);
		double baseline = baselines.get(RUNS / 2);
		report.table(new MarkdownTable("figure", "value")
			.row("requests waiting when the gate opened", Figures.whole(median.waiting()))
			.row("enqueue, mean / p99 / max",
					micros(median.enqueueNanos().getMean()) + " / "
							+ micros(median.enqueueNanos().getValueAtPercentile(99)) + " / "
							+ micros(median.enqueueNanos().getMaxValue()))
			.row("dispatch through the queue, per request", micros(median.dispatchNanosPerRequest()))
			.row("same work chained without a queue, per item", micros(baseline))
			.row("**added by the queue per request (dispatch)**", micros(median.dispatchNanosPerRequest() - baseline))
			.row("every request ended", median.allEnded() && median.error() == null));

		Report.progress("queue: work that ends synchronously");
		QueueDispatch.Result synchronous = dispatch.throughQueue(Mono::just);
		report.paragraph("Work that ends synchronously (a request failing at once, say every model's breaker open): "
				+ synchronous.dispatched() + " of " + synchronous.waiting() + " dispatched, "
				+ (synchronous.allEnded() ? "all ended" : "**not all ended**")
				+ ((synchronous.error() != null) ? ", first error: `" + synchronous.error() + "`" : ", no error") + ", "
				+ micros(synchronous.dispatchNanosPerRequest()) + " per dispatch.");
	}

	private void fairness(Report report) {
		report.paragraph("Saturation: RequestQueue with max-concurrent 2, each request holds its permit 2 ms; one "
				+ "request of each priority arrives every 2 ms (twice the service rate) for "
				+ Figures.seconds(this.overload) + ", then the backlog drains. Waits run from submit to dispatch. "
				+ "With aging, a request's place is its arrival time plus its priority's distance from CRITICAL "
				+ "times the aging interval: neighbouring priorities are one interval apart in arrival time, which "
				+ "under an overload of k times the service rate becomes about k intervals of waiting time.");
		QueueFairness fairness = new QueueFairness(this.overload);
		for (Duration aging : List.of(Duration.ZERO, AGING)) {
			Report.progress("queue: saturation with aging " + aging.toMillis() + " ms");
			Map<LlmPriority, QueueFairness.Served> served = fairness.run(aging);
			MarkdownTable table = new MarkdownTable("priority", "served", "served during overload", "wait p50",
					"wait mean", "wait p99", "wait max");
			served.forEach((priority, figures) -> table.row(priority, figures.count(), figures.duringOverload(),
					millis(figures.waitMillis(50)), millis(figures.meanWaitMillis()), millis(figures.waitMillis(99)),
					millis(figures.maxWaitMillis())));
			report.paragraph("**aging " + (aging.isZero() ? "0 (strict priority)" : aging.toMillis() + " ms") + "**");
			report.table(table);
		}
	}

	private static String micros(double nanos) {
		return String.format(Locale.ROOT, "%.2f µs", nanos / 1e3);
	}

	private static String millis(double millis) {
		return String.format(Locale.ROOT, "%,.0f ms", millis);
	}

}
