package dev.llmresilience.benchmarks.scenarios;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import dev.llmresilience.LlmRequest;
import dev.llmresilience.benchmarks.clients.AnswerCheck;
import dev.llmresilience.benchmarks.clients.LlmClientUnderTest;
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
import dev.llmresilience.benchmarks.report.ArtifactVersion;
import dev.llmresilience.benchmarks.report.Figures;
import dev.llmresilience.benchmarks.report.MarkdownTable;
import dev.llmresilience.benchmarks.report.Report;
import dev.llmresilience.benchmarks.stub.StubProcess;
import dev.llmresilience.benchmarks.stub.StubSettings;
import dev.llmresilience.budget.LocalRateBudget;
import dev.llmresilience.budget.RateBudget;
import dev.llmresilience.cluster.ClusterStatus;
import dev.llmresilience.cluster.RateLimitSharing;
import dev.llmresilience.cluster.RedisRateLimitSharing;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What sharing the rate budgets through Redis adds to a call: the template with a budget
 * of its own JVM against the same template with {@code llm.resilience.cluster.enabled},
 * whose every call first reserves from buckets kept in a Redis server on loopback,
 * interleaved at several concurrencies; then, for scale, the bare round trip and the
 * budget's reservation alone.
 * <p>
 * A figure of the shared application counts only if it shared its budgets for the whole
 * measurement: its {@link RedisRateLimitSharing} is checked to be shared, without a
 * switch, before and after each one, and the Redis commands it sent are counted.
 */
public final class SharedBudgetBenchmark implements Benchmark {

	private static final int[] CONCURRENCY = { 1, 16, 64 };

	/**
	 * High enough that no call ever waits for its budget: the figures are the bookkeeping
	 * alone.
	 */
	private static final long REQUESTS_PER_MINUTE = 100_000_000L;

	private static final long TOKENS_PER_MINUTE = 10_000_000_000L;

	private static final int JIT_WARM_UP_CONCURRENCY = 16;

	private static final Duration JIT_WARM_UP = Duration.ofSeconds(10);

	/**
	 * How often a concurrency is measured while the shared application falls back to
	 * local budgets during the measurement; the last attempt is shown whatever its mode,
	 * marked if not shared.
	 */
	private static final int MAX_ATTEMPTS = 3;

	private static final Duration BARE_WARM_UP = Duration.ofSeconds(2);

	private static final Duration BARE_RUN = Duration.ofSeconds(5);

	/**
	 * Longer than the probe interval (5 s by default), after which a replica returns to
	 * shared.
	 */
	private static final Duration SHARED_WAIT = Duration.ofSeconds(15);

	/**
	 * Lets the settlements that calls do not wait for reach Redis before its counts are
	 * read.
	 */
	private static final Duration SETTLE_PAUSE = Duration.ofMillis(300);

	private static final String LOCAL = "local budget";

	private static final String SHARED = "shared budget (Redis)";

	private final RoundSchedule schedule;

	private final ClosedLoopLoad load;

	private final int divisor;

	/**
	 * Create the benchmark.
	 * @param schedule how long each client runs
	 * @param load runs the load
	 * @param divisor what the other durations are divided by, 1 for a full run
	 */
	public SharedBudgetBenchmark(RoundSchedule schedule, ClosedLoopLoad load, int divisor) {
		this.schedule = schedule;
		this.load = load;
		this.divisor = divisor;
	}

	@Override
	public String name() {
		return "redis";
	}

	@Override
	public void run(Report report) {
		report.section("Shared budgets through Redis: added latency per call");
		Optional<Path> program = RedisServerProcess.find();
		if (program.isEmpty()) {
			report.paragraph("**Skipped**: no `redis-server` program on the PATH, in /usr/bin or in /usr/local/bin. "
					+ "Install Redis (on Debian, the `redis-server` package) to run this part.");
			return;
		}
		RedisServerProcess redis;
		try {
			redis = RedisServerProcess.start(program.get());
		}
		catch (RuntimeException ex) {
			report.paragraph("**Skipped**: " + program.get() + " did not start: " + ex.getMessage());
			return;
		}
		try (redis;
				RedisAdminClient admin = new RedisAdminClient(RedisServerProcess.HOST, redis.port());
				StubProcess stub = StubProcess.start(StubSettings.immediate(OverheadBenchmark.CHUNKS));
				TemplateContext local = TemplateContext.start(properties(stub, redis, false).toMap());
				TemplateContext shared = TemplateContext.start(properties(stub, redis, true).toMap())) {
			describe(report, admin, redis);
			if (local.findBean(RateLimitSharing.class).isPresent()) {
				throw new IllegalStateException("The application with a local budget shares it");
			}
			RedisRateLimitSharing sharing = shared.findBean(RedisRateLimitSharing.class).orElse(null);
			if (sharing == null) {
				report.paragraph("**Not measured**: the application with `llm.resilience.cluster.enabled` has no "
						+ "RedisRateLimitSharing bean.");
				return;
			}
			ClusterStatus status = awaitShared(sharing);
			if (!status.isShared()) {
				report
					.paragraph("**Not measured**: the application with `llm.resilience.cluster.enabled` did not share "
							+ "its budgets within " + SHARED_WAIT.toSeconds() + " s (" + status.reason() + ").");
				return;
			}
			CountedClient localClient = new CountedClient(new TemplateClient(LOCAL, local.template()));
			CountedClient sharedClient = new CountedClient(new TemplateClient(SHARED, shared.template()));
			List<CountedClient> clients = List.of(localClient, sharedClient);
			for (CountedClient client : clients) {
				Throwable problem = AnswerCheck.problemOf(client, Operation.CALL, OverheadBenchmark.CHUNKS);
				if (problem != null) {
					throw new IllegalStateException(client.name() + " cannot read the stub's answer", problem);
				}
			}
			ResourceMeter meter = new ResourceMeter(() -> redis.cpuTime().toNanos());
			compare(report, new InterleavedComparison(this.load, meter, this.schedule), clients, sharing, admin);
			measureBare(report, meter, sharing, admin);
		}
	}

	private static TemplateProperties properties(StubProcess stub, RedisServerProcess redis, boolean cluster) {
		TemplateProperties properties = TemplateProperties.singleModel(stub.baseUrl())
			.set("providers.stub.requests-per-minute", REQUESTS_PER_MINUTE)
			.set("providers.stub.tokens-per-minute", TOKENS_PER_MINUTE)
			// both applications know the server; only the clustered one uses it
			.boot("spring.data.redis.host", RedisServerProcess.HOST)
			.boot("spring.data.redis.port", redis.port());
		return cluster ? properties.set("cluster.enabled", true) : properties;
	}

	private void describe(Report report, RedisAdminClient admin, RedisServerProcess redis) {
		report.paragraph("Redis " + admin.version() + " (`redis-server --port " + redis.port() + " --bind "
				+ RedisServerProcess.HOST + " --save \"\" --appendonly no`), started by the harness on loopback; "
				+ "Lettuce " + ArtifactVersion.of("io.lettuce", "lettuce-core") + ", Bucket4j "
				+ ArtifactVersion.of("com.bucket4j", "bucket4j_jdk17-lettuce") + ". Stub: answers at once; "
				+ "non-streaming call() only. Two applications, alike but for `llm.resilience.cluster.enabled`: "
				+ "provider `stub` with requests-per-minute " + Figures.whole(REQUESTS_PER_MINUTE)
				+ " and tokens-per-minute " + Figures.whole(TOKENS_PER_MINUTE)
				+ ", so that no call ever waits for its budget, and `spring.data.redis.host`/`port` set in both. " + "*"
				+ LOCAL + "*: Bucket4j buckets in the JVM (LocalRateBudget). *" + SHARED + "*: the same buckets "
				+ "kept in Redis (RedisRateBudget, cluster settings at their defaults: timeout 100 ms): before it is "
				+ "sent, every call reserves from the requests and the tokens bucket at once, each a Bucket4j "
				+ "compare-and-swap (GET, then EVAL of a Lua script), and after the answer it settles its token "
				+ "estimate with the usage (one more compare-and-swap, not waited for). Closed loop; a "
				+ Figures.seconds(jitWarmUp()) + " warm-up of each at concurrency " + JIT_WARM_UP_CONCURRENCY
				+ ", then per concurrency a " + Figures.seconds(this.schedule.warmUp()) + " warm-up of each and "
				+ this.schedule.rounds() + " interleaved rounds of " + Figures.seconds(this.schedule.round())
				+ " each. Client CPU is this JVM's process CPU time per completed call, Redis CPU the redis-server "
				+ "process's. Compare-and-swaps per call are the EVALs `INFO commandstats` counted over the shared "
				+ "application's whole measurement (its warm-up included), divided by the calls it started. The shared "
				+ "application's RedisRateLimitSharing.status() is checked before and after each measurement: a "
				+ "measurement during which it fell back to local budgets is dropped and made again (at most "
				+ MAX_ATTEMPTS + " times, the last one shown and marked).");
	}

	private void compare(Report report, InterleavedComparison comparison, List<CountedClient> clients,
			RedisRateLimitSharing sharing, RedisAdminClient admin) {
		Report.progress("redis: JIT warm-up");
		comparison.warmUp(clients, Operation.CALL, JIT_WARM_UP_CONCURRENCY, jitWarmUp());
		int cores = Runtime.getRuntime().availableProcessors();
		MarkdownTable figures = new MarkdownTable("concurrency", "budget", "req/s", "p50", "p99", "p99.9",
				"client CPU/req", "client CPU use", "alloc/req", "Redis CPU/req", "errors");
		MarkdownTable added = new MarkdownTable("concurrency", "added p50", "added p99", "added p99.9",
				"throughput vs local", "client CPU/req added", "compare-and-swaps (EVAL)/call", "Redis execution/call",
				"mode while measured");
		List<String> notes = new ArrayList<>();
		CountedClient sharedClient = clients.get(1);
		for (int concurrency : CONCURRENCY) {
			for (int attempt = 1;; attempt++) {
				Report.progress("redis: call() at concurrency " + concurrency + ", attempt " + attempt);
				ClusterStatus before = awaitShared(sharing);
				CommandStats commandsBefore = admin.commandStats();
				long callsBefore = sharedClient.started();
				List<Measurement> measured = comparison.run(clients, Operation.CALL, concurrency);
				pause(SETTLE_PAUSE);
				CommandStats commands = admin.commandStats().since(commandsBefore);
				long calls = sharedClient.started() - callsBefore;
				String mode = modeWhileMeasured(before, sharing.status());
				if (mode != null && attempt < MAX_ATTEMPTS) {
					// a figure of local budgets under the shared name is worthless:
					// measure again
					notes.add("Concurrency " + concurrency + ", attempt " + attempt + ": the shared application " + mode
							+ ", so the attempt was dropped and measured again.");
					continue;
				}
				Measurement local = measured.get(0);
				Measurement shared = measured.get(1);
				for (Measurement measurement : measured) {
					figures.row(concurrency, measurement.name(), Figures.whole(measurement.throughput()),
							Figures.micros(measurement.latencyMicros(50)),
							Figures.micros(measurement.latencyMicros(99)),
							Figures.micros(measurement.latencyMicros(99.9)),
							Figures.micros(measurement.cpuMicrosPerRequest()),
							Figures.percent(measurement.cpuShare(cores)),
							Figures.bytes(measurement.allocatedBytesPerRequest()),
							Figures.micros(measurement.stubCpuMicrosPerRequest()), measurement.failed());
				}
				boolean valid = mode == null;
				added.row(concurrency, valid(valid, addedLatency(local, shared, 50)),
						valid(valid, addedLatency(local, shared, 99)), valid(valid, addedLatency(local, shared, 99.9)),
						valid(valid, Figures.ratio(shared.throughput() / local.throughput())),
						valid(valid, Figures.addedMicros(shared.cpuMicrosPerRequest() - local.cpuMicrosPerRequest())),
						perCall(commands.scriptCalls(), calls),
						Figures.micros(perCallValue(commands.microsButInfo(), calls)),
						valid ? "shared throughout" + ((attempt > 1) ? " (attempt " + attempt + ")" : "") : mode);
				OverheadBenchmark.reportErrors(report, measured);
				break;
			}
		}
		report.paragraph("**call()**");
		report.table(figures);
		report.table(added);
		notes.forEach(report::paragraph);
		ClusterStatus status = sharing.status();
		report.paragraph("Mode of the shared application at the end: " + status.mode() + " since "
				+ LocalTime.ofInstant(status.since(), ZoneOffset.UTC) + "Z"
				+ ((status.reason() != null) ? " (" + status.reason() + ")" : "") + ".");
	}

	private static String addedLatency(Measurement local, Measurement shared, double percentile) {
		return Figures.addedMicros(shared.latencyMicros(percentile) - local.latencyMicros(percentile));
	}

	private static String valid(boolean valid, String figure) {
		return valid ? figure : figure + " (**not valid**)";
	}

	/**
	 * The bare round trip, and the shared budget's reservation alone, on the shared
	 * application's own Redis connection, against the local budget's.
	 */
	private void measureBare(Report report, ResourceMeter meter, RedisRateLimitSharing sharing,
			RedisAdminClient admin) {
		long tokens = LlmRequest.builder()
			.user(Workload.PROMPT)
			.maxTokens(Workload.MAX_TOKENS)
			.build()
			.estimatedInputTokens() + Workload.MAX_TOKENS;
		RateBudget requestsOnly = sharing.budget("benchmark.requests-only", REQUESTS_PER_MINUTE, 0);
		RateBudget both = sharing.budget("benchmark.both", REQUESTS_PER_MINUTE, TOKENS_PER_MINUTE);
		RateBudget localBudget = new LocalRateBudget(REQUESTS_PER_MINUTE, TOKENS_PER_MINUTE);
		MarkdownTable table = new MarkdownTable("operation", "concurrency", "ops/s", "p50", "p99", "p99.9",
				"client CPU/op", "Redis CPU/op", "Redis commands/op", "compare-and-swaps (EVAL)/op",
				"Redis execution/op", "mode while measured");
		bare(table, meter, sharing, admin, "PING on the harness's own Lettuce connection (one round trip)", 1, false,
				admin::ping);
		bare(table, meter, sharing, admin, "shared budget's reserve(), requests bucket only (GET, then EVAL)", 1, false,
				() -> requestsOnly.reserve(tokens));
		bare(table, meter, sharing, admin, "shared budget's reserve(" + tokens
				+ "), requests and tokens buckets as the template's " + "(two GET-then-EVAL at once)", 1, false,
				() -> both.reserve(tokens));
		bare(table, meter, sharing, admin, "the same, 16 callers on the same two keys", 16, false,
				() -> both.reserve(tokens));
		// the local budget answers at once: a caller thread each, so that the loop does
		// not recurse
		bare(table, meter, sharing, admin, "local budget's reserve(" + tokens + "), for reference (blockLast())", 1,
				true, () -> localBudget.reserve(tokens));
		report.paragraph("**For scale: the bare round trip and the reservation alone** ("
				+ Figures.seconds(bareWarmUp()) + " unmeasured, then " + Figures.seconds(bareRun())
				+ " measured per row; the shared budgets are made "
				+ "by the shared application's RedisRateLimitSharing, so they use its Lettuce connection. Redis "
				+ "commands are counted by `INFO commandstats`, which counts the commands a script runs as well: "
				+ "a compare-and-swap is a GET and an EVAL sent, and the script's own GET and PSETEX. \"Redis "
				+ "execution\" is the server's own time executing them, without reading, parsing and answering)");
		report.table(table);
	}

	private void bare(MarkdownTable table, ResourceMeter meter, RedisRateLimitSharing sharing, RedisAdminClient admin,
			String name, int concurrency, boolean blocking, Supplier<? extends Publisher<?>> operation) {
		Report.progress("redis: " + name + " at concurrency " + concurrency);
		this.load.run(operation, blocking, concurrency, bareWarmUp());
		ClusterStatus before = awaitShared(sharing);
		pause(Duration.ofMillis(200));
		CommandStats commandsBefore = admin.commandStats();
		ResourceMeter.Snapshot start = meter.snapshot();
		LoadResult result = this.load.run(operation, blocking, concurrency, bareRun());
		Measurement measurement = new Measurement(name);
		measurement.add(result, meter.since(start));
		CommandStats commands = admin.commandStats().since(commandsBefore);
		long operations = result.completed() + result.failed();
		String mode = modeWhileMeasured(before, sharing.status());
		table.row(name, concurrency, Figures.whole(measurement.throughput()),
				Figures.micros(measurement.latencyMicros(50)), Figures.micros(measurement.latencyMicros(99)),
				Figures.micros(measurement.latencyMicros(99.9)), Figures.micros(measurement.cpuMicrosPerRequest()),
				Figures.micros(measurement.stubCpuMicrosPerRequest()), perCall(commands.callsButInfo(), operations),
				perCall(commands.scriptCalls(), operations),
				Figures.micros(perCallValue(commands.microsButInfo(), operations)),
				(mode != null) ? mode : "shared throughout");
		if (result.firstError() != null) {
			throw new IllegalStateException(name + ": " + result.failed() + " operations failed", result.firstError());
		}
	}

	/**
	 * Wait until the application shares its budgets, for a measurement to start in shared
	 * mode: after a fallback, the probe returns it to shared within its interval.
	 */
	static ClusterStatus awaitShared(RedisRateLimitSharing sharing) {
		long deadline = System.nanoTime() + SHARED_WAIT.toNanos();
		ClusterStatus status = sharing.status();
		while (!status.isShared() && System.nanoTime() < deadline) {
			pause(Duration.ofMillis(50));
			status = sharing.status();
		}
		return status;
	}

	/**
	 * Return why a measurement does not count as shared, or {@code null} if it does:
	 * shared at its start and at its end, and the same since (every switch, to local or
	 * back, changes it).
	 */
	static String modeWhileMeasured(ClusterStatus before, ClusterStatus after) {
		if (!before.isShared()) {
			return "**local at the start** (" + before.reason() + ")";
		}
		if (!after.isShared()) {
			return "**fell back to local** (" + after.reason() + ")";
		}
		if (!after.since().equals(before.since())) {
			return "**fell back to local and returned** (at " + LocalTime.ofInstant(after.since(), ZoneOffset.UTC)
					+ "Z)";
		}
		return null;
	}

	static String perCall(long count, long calls) {
		return String.format(Locale.ROOT, "%.2f", perCallValue(count, calls));
	}

	static double perCallValue(long total, long calls) {
		return (calls > 0) ? (double) total / calls : 0;
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

	static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A client that counts the calls it starts, so that the Redis commands of a
	 * measurement can be divided by its calls, warm-up included. Both clients are
	 * counted, so that both pay for it.
	 */
	static final class CountedClient implements LlmClientUnderTest {

		private final LlmClientUnderTest client;

		private final LongAdder started = new LongAdder();

		CountedClient(LlmClientUnderTest client) {
			this.client = client;
		}

		long started() {
			return this.started.sum();
		}

		@Override
		public String name() {
			return this.client.name();
		}

		@Override
		public Mono<String> call() {
			this.started.increment();
			return this.client.call();
		}

		@Override
		public Flux<String> stream() {
			this.started.increment();
			return this.client.stream();
		}

	}

}
