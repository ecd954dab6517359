package dev.llmresilience.benchmarks.scenarios;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.llmresilience.LlmCost;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmPrices;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.actuate.LlmCostMetrics;
import dev.llmresilience.benchmarks.clients.AnswerCheck;
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
import dev.llmresilience.benchmarks.redis.CommandStats;
import dev.llmresilience.benchmarks.redis.RedisAdminClient;
import dev.llmresilience.benchmarks.redis.RedisServerProcess;
import dev.llmresilience.benchmarks.report.Figures;
import dev.llmresilience.benchmarks.report.MarkdownTable;
import dev.llmresilience.benchmarks.report.Report;
import dev.llmresilience.benchmarks.scenarios.SharedBudgetBenchmark.CountedClient;
import dev.llmresilience.benchmarks.stub.StubProcess;
import dev.llmresilience.benchmarks.stub.StubSettings;
import dev.llmresilience.budget.CostAccounting;
import dev.llmresilience.budget.RequestSpend;
import dev.llmresilience.budget.SpendBudget;
import dev.llmresilience.budget.SpendLedger;
import dev.llmresilience.budget.SpendListener;
import dev.llmresilience.budget.SpendReservation;
import dev.llmresilience.cluster.ClusterStatus;
import dev.llmresilience.cluster.RedisRateLimitSharing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * What cost accounting adds to a call. First the accounting alone, on one thread, as the
 * call path runs it for every call (the request's account, the reservation from the
 * budgets that cover the call, the cost of its usage at its prices, the settlement, the
 * spend listeners), without a budget and with one budget kept in this JVM, against the
 * issue's targets of 1 µs and 5 µs. Then whole calls of the template against the stub,
 * interleaved: prices without a budget, one budget of this JVM, and one budget shared
 * through a Redis server on loopback; and, for scale, the shared budget's reservation
 * alone.
 */
public final class CostAccountingBenchmark implements Benchmark {

	/** The target without a budget, in nanoseconds. */
	private static final double TARGET_WITHOUT_BUDGET = 1_000;

	/** The target with one budget of this JVM, in nanoseconds. */
	private static final double TARGET_WITH_BUDGET = 5_000;

	private static final int[] CONCURRENCY = { 1, 16, 64 };

	private static final Duration MICRO_WARM_UP = Duration.ofSeconds(5);

	private static final Duration MICRO_ROUND = Duration.ofMillis(500);

	private static final int MICRO_ROUNDS = 10;

	private static final int BATCH = 1_000;

	private static final Duration JIT_WARM_UP = Duration.ofSeconds(10);

	private static final int JIT_WARM_UP_CONCURRENCY = 16;

	private static final Duration BARE_WARM_UP = Duration.ofSeconds(2);

	private static final Duration BARE_RUN = Duration.ofSeconds(5);

	private static final int MAX_ATTEMPTS = 3;

	/** Prices of the benchmark's model, per million tokens: Claude Sonnet 4.5's. */
	private static final String INPUT_PRICE = "3";

	private static final String OUTPUT_PRICE = "15";

	/** High enough that no call ever passes it: the figures are the bookkeeping alone. */
	private static final BigDecimal LIMIT = new BigDecimal("1000000000");

	private static final String NONE = "no budget";

	private static final String LOCAL = "one budget (this JVM)";

	private static final String SHARED = "one budget (Redis)";

	private final RoundSchedule schedule;

	private final ClosedLoopLoad load;

	private final int divisor;

	/**
	 * Create the benchmark.
	 * @param schedule how long each client runs
	 * @param load runs the load
	 * @param divisor what the other durations are divided by, 1 for a full run
	 */
	public CostAccountingBenchmark(RoundSchedule schedule, ClosedLoopLoad load, int divisor) {
		this.schedule = schedule;
		this.load = load;
		this.divisor = divisor;
	}

	@Override
	public String name() {
		return "cost";
	}

	@Override
	public void run(Report report) {
		report.section("Cost accounting: what it adds to a call");
		measureAccountingAlone(report);
		measureCalls(report);
	}

	/**
	 * The accounting alone, as {@code ModelExecutor} and its call context run it for one
	 * call that a budget may cover.
	 */
	private void measureAccountingAlone(Report report) {
		LlmModel model = new LlmModel("primary", "stub", Workload.MODEL, 4096, null).withPrices(
				new LlmPrices("USD", new LlmPrices.Rates(new BigDecimal(INPUT_PRICE), new BigDecimal(OUTPUT_PRICE))));
		LlmRequest request = LlmRequest.builder().user(Workload.PROMPT).maxTokens(Workload.MAX_TOKENS).build();
		LlmUsage usage = new LlmUsage(request.estimatedInputTokens(), 40);
		List<Variant> variants = List.of(
				new Variant(NONE + ", no spend listener", new CostAccounting(List.of()), TARGET_WITHOUT_BUDGET),
				new Variant(NONE + ", the `llm.cost` counter", new CostAccounting(List.of(costMetrics())),
						TARGET_WITHOUT_BUDGET),
				new Variant(LOCAL + ", no spend listener", withBudget(List.of()), TARGET_WITH_BUDGET), new Variant(
						LOCAL + ", the `llm.cost` counter", withBudget(List.of(costMetrics())), TARGET_WITH_BUDGET));
		List<OneCall> calls = variants.stream()
			.map((variant) -> new OneCall(variant.accounting(), model, request, usage))
			.toList();
		for (int i = 0; i < variants.size(); i++) {
			Report.progress("cost: warm-up of " + variants.get(i).name());
			runFor(calls.get(i), microWarmUp());
		}
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		double[][] cpuPerCall = new double[variants.size()][MICRO_ROUNDS];
		double[][] wallPerCall = new double[variants.size()][MICRO_ROUNDS];
		long[] made = new long[variants.size()];
		long[] allocated = new long[variants.size()];
		Report.progress("cost: the accounting alone, " + MICRO_ROUNDS + " interleaved rounds");
		for (int round = 0; round < MICRO_ROUNDS; round++) {
			for (int i = 0; i < variants.size(); i++) {
				long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
				long cpuBefore = threads.getCurrentThreadCpuTime();
				long start = System.nanoTime();
				long count = runFor(calls.get(i), microRound());
				wallPerCall[i][round] = (double) (System.nanoTime() - start) / count;
				cpuPerCall[i][round] = (double) (threads.getCurrentThreadCpuTime() - cpuBefore) / count;
				allocated[i] += threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
				made[i] += count;
			}
		}
		MarkdownTable table = new MarkdownTable("accounting of one call", "CPU ns/call (median of rounds)",
				"fastest round", "slowest round", "wall ns/call (median)", "alloc/call", "target");
		for (int i = 0; i < variants.size(); i++) {
			if (calls.get(i).sink == Long.MIN_VALUE) {
				// never: keeps the work from being optimised away
				throw new IllegalStateException();
			}
			double[] rounds = cpuPerCall[i];
			Arrays.sort(rounds);
			double median = median(rounds);
			double target = variants.get(i).targetNanos();
			table.row(variants.get(i).name(), Figures.whole(median), Figures.whole(rounds[0]),
					Figures.whole(rounds[MICRO_ROUNDS - 1]), Figures.whole(median(wallPerCall[i])),
					Figures.bytes((double) allocated[i] / made[i]),
					"< " + Figures.micros(target / 1000) + ": " + Figures.verdict(median < target));
		}
		report.paragraph("**The accounting alone**, on one thread, for one call: the request's account "
				+ "(`CostAccounting.forRequest`), whether a budget covers the call, its reservation "
				+ "(estimated input and " + Workload.MAX_TOKENS + " output tokens at " + INPUT_PRICE + " and "
				+ OUTPUT_PRICE + " a million, subscribed as the call path does), the cost of its usage ("
				+ usage.inputTokens() + " in, " + usage.outputTokens() + " out), the request's running total, "
				+ "and the settlement with the spend listeners (`RequestSpend.billed`). The budget covers "
				+ "everything, refuses, counts by month in UTC and is never passed. The `llm.cost` counter is "
				+ "the listener that Spring Boot applications with Micrometer get (LlmCostMetrics, here on a "
				+ "SimpleMeterRegistry, no tags declared). A " + Figures.seconds(microWarmUp())
				+ " warm-up per row, then " + MICRO_ROUNDS + " rounds of " + Figures.seconds(microRound())
				+ " per row, the rows interleaved so that they share the machine's moods alike. The figure judged "
				+ "is the thread's CPU time of a round divided by its calls, which other work on the machine "
				+ "leaves as it is, where the wall time also counts the time the thread waited for a core; and "
				+ "the allocation of the thread per call.");
		report.table(table);
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
	}

	private static LlmCostMetrics costMetrics() {
		return new LlmCostMetrics(new SimpleMeterRegistry(), Map.of());
	}

	private static CostAccounting withBudget(List<SpendListener> listeners) {
		SpendBudget budget = new SpendBudget("everything", SpendBudget.Scope.EVERYTHING, LIMIT, "USD",
				SpendBudget.Period.MONTH, ZoneOffset.UTC, SpendBudget.Action.REFUSE);
		return new CostAccounting(listeners, List.of(budget), Clock.systemUTC());
	}

	/**
	 * Make calls in batches until a time has passed.
	 * @return the calls made
	 */
	private static long runFor(OneCall call, Duration duration) {
		long end = System.nanoTime() + duration.toNanos();
		long made = 0;
		do {
			for (int i = 0; i < BATCH; i++) {
				call.run();
			}
			made += BATCH;
		}
		while (System.nanoTime() < end);
		return made;
	}

	/**
	 * Whole calls: prices without a budget, a budget of this JVM and a budget shared
	 * through Redis, interleaved; then the shared budget's reservation alone.
	 */
	private void measureCalls(Report report) {
		Optional<Path> program = RedisServerProcess.find();
		if (program.isEmpty()) {
			report.paragraph("**Whole calls skipped**: no `redis-server` program on the PATH, in /usr/bin or in "
					+ "/usr/local/bin. Install Redis (on Debian, the `redis-server` package) to run this part.");
			return;
		}
		RedisServerProcess redis;
		try {
			redis = RedisServerProcess.start(program.get());
		}
		catch (RuntimeException ex) {
			report.paragraph("**Whole calls skipped**: " + program.get() + " did not start: " + ex.getMessage());
			return;
		}
		try (redis;
				RedisAdminClient admin = new RedisAdminClient(RedisServerProcess.HOST, redis.port());
				StubProcess stub = StubProcess.start(StubSettings.immediate(OverheadBenchmark.CHUNKS));
				TemplateContext none = TemplateContext.start(properties(stub, redis, false, false).toMap());
				TemplateContext local = TemplateContext.start(properties(stub, redis, true, false).toMap());
				TemplateContext shared = TemplateContext.start(properties(stub, redis, true, true).toMap())) {
			RedisRateLimitSharing sharing = shared.findBean(RedisRateLimitSharing.class).orElse(null);
			ClusterStatus status = (sharing != null) ? SharedBudgetBenchmark.awaitShared(sharing) : null;
			if (status == null || !status.isShared()) {
				report.paragraph("**Whole calls not measured**: the application with `llm.resilience.cluster.enabled` "
						+ "did not share its budget" + ((status != null) ? " (" + status.reason() + ")" : "") + ".");
				return;
			}
			List<CountedClient> clients = List.of(new CountedClient(new TemplateClient(NONE, none.template())),
					new CountedClient(new TemplateClient(LOCAL, local.template())),
					new CountedClient(new TemplateClient(SHARED, shared.template())));
			for (CountedClient client : clients) {
				Throwable problem = AnswerCheck.problemOf(client, Operation.CALL, OverheadBenchmark.CHUNKS);
				if (problem != null) {
					throw new IllegalStateException(client.name() + " cannot read the stub's answer", problem);
				}
			}
			ResourceMeter meter = new ResourceMeter(() -> redis.cpuTime().toNanos());
			report.paragraph("**Whole calls**: three applications alike but for their budget, on one stub that "
					+ "answers at once, `call()` only, no rate budgets: *" + NONE + "* (prices only), *" + LOCAL
					+ "* (`llm.resilience.cost.budgets.everything.limit` " + LIMIT.toPlainString() + "), *" + SHARED
					+ "* (the same with `llm.resilience.cluster.enabled` on a Redis server on loopback, started by "
					+ "the harness, Redis " + admin.version() + "; cluster settings at their defaults: timeout "
					+ "100 ms). A shared budget's call adds its estimate to the period's counter (`INCRBY`) before "
					+ "it is sent and settles it after (one more `INCRBY`, not waited for). Closed loop; a "
					+ Figures.seconds(jitWarmUp()) + " warm-up of each at concurrency " + JIT_WARM_UP_CONCURRENCY
					+ ", then per concurrency a " + Figures.seconds(this.schedule.warmUp()) + " warm-up of each and "
					+ this.schedule.rounds() + " interleaved rounds of " + Figures.seconds(this.schedule.round())
					+ " each. `INCRBY`/call is counted by `INFO commandstats` over the shared application's whole "
					+ "measurement, divided by the calls it started; a measurement during which it fell back to its "
					+ "local share is made again (at most " + MAX_ATTEMPTS + " times, the last one shown and marked).");
			compare(report, new InterleavedComparison(this.load, meter, this.schedule), clients, sharing, admin);
			measureReservation(report, meter, sharing, admin);
		}
	}

	private static TemplateProperties properties(StubProcess stub, RedisServerProcess redis, boolean budget,
			boolean cluster) {
		TemplateProperties properties = TemplateProperties.singleModel(stub.baseUrl())
			.set("models.primary.prices.input", INPUT_PRICE)
			.set("models.primary.prices.output", OUTPUT_PRICE)
			.boot("spring.data.redis.host", RedisServerProcess.HOST)
			.boot("spring.data.redis.port", redis.port());
		if (budget) {
			properties.set("cost.budgets.everything.limit", LIMIT.toPlainString());
		}
		return cluster ? properties.set("cluster.enabled", true) : properties;
	}

	private void compare(Report report, InterleavedComparison comparison, List<CountedClient> clients,
			RedisRateLimitSharing sharing, RedisAdminClient admin) {
		Report.progress("cost: JIT warm-up");
		comparison.warmUp(clients, Operation.CALL, JIT_WARM_UP_CONCURRENCY, jitWarmUp());
		MarkdownTable figures = new MarkdownTable("concurrency", "budget", "req/s", "p50", "p99", "p99.9",
				"client CPU/req", "alloc/req", "errors");
		MarkdownTable added = new MarkdownTable("concurrency", "local budget: added p50", "added p99",
				"shared budget: added p50 vs local", "added p99 vs local", "throughput vs local", "INCRBY/call",
				"mode while measured");
		List<String> notes = new ArrayList<>();
		CountedClient sharedClient = clients.get(2);
		for (int concurrency : CONCURRENCY) {
			for (int attempt = 1;; attempt++) {
				Report.progress("cost: call() at concurrency " + concurrency + ", attempt " + attempt);
				ClusterStatus before = SharedBudgetBenchmark.awaitShared(sharing);
				CommandStats commandsBefore = admin.commandStats();
				long callsBefore = sharedClient.started();
				List<Measurement> measured = comparison.run(clients, Operation.CALL, concurrency);
				CommandStats commands = admin.commandStats().since(commandsBefore);
				long calls = sharedClient.started() - callsBefore;
				String mode = SharedBudgetBenchmark.modeWhileMeasured(before, sharing.status());
				if (mode != null && attempt < MAX_ATTEMPTS) {
					notes.add("Concurrency " + concurrency + ", attempt " + attempt + ": the shared application " + mode
							+ ", so the attempt was dropped and measured again.");
					continue;
				}
				for (Measurement measurement : measured) {
					figures.row(concurrency, measurement.name(), Figures.whole(measurement.throughput()),
							Figures.micros(measurement.latencyMicros(50)),
							Figures.micros(measurement.latencyMicros(99)),
							Figures.micros(measurement.latencyMicros(99.9)),
							Figures.micros(measurement.cpuMicrosPerRequest()),
							Figures.bytes(measurement.allocatedBytesPerRequest()), measurement.failed());
				}
				Measurement none = measured.get(0);
				Measurement local = measured.get(1);
				Measurement shared = measured.get(2);
				added.row(concurrency, addedLatency(none, local, 50), addedLatency(none, local, 99),
						addedLatency(local, shared, 50), addedLatency(local, shared, 99),
						Figures.ratio(shared.throughput() / local.throughput()),
						SharedBudgetBenchmark.perCall(commands.calls("incrby"), calls), (mode != null) ? mode
								: "shared throughout" + ((attempt > 1) ? " (attempt " + attempt + ")" : ""));
				OverheadBenchmark.reportErrors(report, measured);
				break;
			}
		}
		report.table(figures);
		report.paragraph("The local budget's figures against no budget are within the noise of whole calls on "
				+ "this machine (its cost is the table above); the shared budget's against the local one are its "
				+ "round trip to Redis.");
		report.table(added);
		notes.forEach(report::paragraph);
	}

	private static String addedLatency(Measurement base, Measurement other, double percentile) {
		return Figures.addedMicros(other.latencyMicros(percentile) - base.latencyMicros(percentile));
	}

	/**
	 * The shared budget's reservation alone, on the shared application's connection.
	 */
	private void measureReservation(Report report, ResourceMeter meter, RedisRateLimitSharing sharing,
			RedisAdminClient admin) {
		SpendLedger ledger = sharing.spendLedger("benchmark.reservation", false);
		long period = System.currentTimeMillis();
		MarkdownTable table = new MarkdownTable("operation", "concurrency", "ops/s", "p50", "p99", "p99.9",
				"client CPU/op", "Redis CPU/op", "Redis commands/op", "mode while measured");
		for (int concurrency : new int[] { 1, 16 }) {
			String name = "shared ledger's tryAdd() (INCRBY, answer handed to another thread)";
			Report.progress("cost: " + name + " at concurrency " + concurrency);
			this.load.run(() -> ledger.tryAdd(period, 1, Long.MAX_VALUE), false, concurrency, bareWarmUp());
			ClusterStatus before = SharedBudgetBenchmark.awaitShared(sharing);
			CommandStats commandsBefore = admin.commandStats();
			ResourceMeter.Snapshot start = meter.snapshot();
			LoadResult result = this.load.run(() -> ledger.tryAdd(period, 1, Long.MAX_VALUE), false, concurrency,
					bareRun());
			Measurement measurement = new Measurement(name);
			measurement.add(result, meter.since(start));
			CommandStats commands = admin.commandStats().since(commandsBefore);
			String mode = SharedBudgetBenchmark.modeWhileMeasured(before, sharing.status());
			table.row(name, concurrency, Figures.whole(measurement.throughput()),
					Figures.micros(measurement.latencyMicros(50)), Figures.micros(measurement.latencyMicros(99)),
					Figures.micros(measurement.latencyMicros(99.9)), Figures.micros(measurement.cpuMicrosPerRequest()),
					Figures.micros(measurement.stubCpuMicrosPerRequest()),
					SharedBudgetBenchmark.perCall(commands.callsButInfo(), result.completed() + result.failed()),
					(mode != null) ? mode : "shared throughout");
		}
		report.paragraph("**For scale: the shared budget's reservation alone** (" + Figures.seconds(bareWarmUp())
				+ " unmeasured, then " + Figures.seconds(bareRun()) + " measured per row, on the shared "
				+ "application's Lettuce connection; Redis commands counted by `INFO commandstats`)");
		report.table(table);
	}

	private Duration microWarmUp() {
		return MICRO_WARM_UP.dividedBy(this.divisor);
	}

	private Duration microRound() {
		return MICRO_ROUND.dividedBy(this.divisor);
	}

	private Duration jitWarmUp() {
		return JIT_WARM_UP.dividedBy(this.divisor);
	}

	private Duration bareWarmUp() {
		return BARE_WARM_UP.dividedBy(this.divisor);
	}

	private Duration bareRun() {
		return BARE_RUN.dividedBy(this.divisor);
	}

	/**
	 * One row of the accounting alone.
	 */
	private record Variant(String name, CostAccounting accounting, double targetNanos) {

	}

	/**
	 * The accounting of one call, as the call path runs it.
	 */
	private static final class OneCall implements Runnable {

		private final CostAccounting accounting;

		private final LlmModel model;

		private final LlmRequest request;

		private final LlmUsage usage;

		private SpendReservation reserved;

		private long sink;

		OneCall(CostAccounting accounting, LlmModel model, LlmRequest request, LlmUsage usage) {
			this.accounting = accounting;
			this.model = model;
			this.request = request;
			this.usage = usage;
		}

		@Override
		public void run() {
			RequestSpend spend = this.accounting.forRequest("default", this.request);
			SpendReservation reservation = null;
			if (spend.isGuarded(this.model)) {
				spend.reserve(this.model, this.request).subscribe((taken) -> this.reserved = taken);
				reservation = this.reserved;
			}
			LlmCost cost = this.model.prices().cost(this.usage);
			LlmCost total = LlmCost.NONE.plus(cost);
			spend.billed(this.model, "anthropic", null, reservation, cost);
			this.sink += total.picoUnits();
		}

	}

}
