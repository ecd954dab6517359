package dev.llmresilience.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmPriority;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.autoconfigure.LlmConnectionPoolCustomizer;
import dev.llmresilience.chaos.LogicalRequests.Ending;
import dev.llmresilience.error.LlmException;
import dev.llmresilience.error.LlmStreamInterruptedException;
import dev.llmresilience.queue.QueueSnapshot;
import dev.llmresilience.queue.RequestQueue;
import dev.llmresilience.test.FakeProviderServer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerEvent;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The chaos run: well over a thousand logical requests, calls and streams of every
 * priority, more than a hundred at once, through the auto-configured {@link LlmTemplate}
 * over real HTTP to a {@link FakeProviderServer} whose three models fail at random in
 * every way the {@link Fault}s describe (the first model has an outage for a stretch of
 * the run). Asserts the invariants that no fault may break, never the counts of random
 * outcomes, and prints the figures of the run. Replay a run with
 * {@code -Dchaos.seed=<seed>}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ChaosRunIT {

	private static final int MAX_CONCURRENT = 32;

	private static final int MAX_ATTEMPTS = 3;

	private static final int MODELS = 3;

	private static final long SEED = Long.getLong("chaos.seed", 20251128L);

	private static final int REQUESTS = Integer.getInteger("chaos.requests", 1200);

	private static final int CLIENT_CONCURRENCY = 128;

	/** Requests with these numbers meet an outage of the first model. */
	private static final int OUTAGE_FROM = 300;

	private static final int OUTAGE_TO = 500;

	private static final Map<String, String> MODEL_NAMES = Map.of("alpha", "chaos-alpha", "beta", "chaos-beta", "gamma",
			"chaos-gamma");

	private static final FaultPlan PLAN = new FaultPlan(SEED, ChaosRunIT::faultRate, Duration.ofSeconds(1));

	private static final FakeProviderServer SERVER = FakeProviderServer.start();

	private static ChaosApplication application;

	private LlmTemplate template;

	private RequestQueue queue;

	private CircuitBreakerRegistry circuitBreakers;

	private PooledConnections pooledConnections;

	private UpstreamCalls upstreamCalls;

	@BeforeAll
	static void startApplication() {
		FaultPlan.scriptAnswers(SERVER);
		SERVER.respondWith(PLAN);
		application = ChaosApplication.start(TestApplication.class, false,
				"llm.resilience.providers.primary.type=anthropic",
				"llm.resilience.providers.primary.base-url=" + SERVER.baseUrl(),
				"llm.resilience.providers.primary.api-key=chaos-key-primary",
				"llm.resilience.providers.primary.connect-timeout=1s",
				"llm.resilience.providers.primary.first-byte-timeout=1s",
				"llm.resilience.providers.primary.stream-idle-timeout=300ms",
				"llm.resilience.providers.secondary.type=anthropic",
				"llm.resilience.providers.secondary.base-url=" + SERVER.baseUrl(),
				"llm.resilience.providers.secondary.api-key=chaos-key-secondary",
				"llm.resilience.providers.secondary.connect-timeout=1s",
				"llm.resilience.providers.secondary.first-byte-timeout=1s",
				"llm.resilience.providers.secondary.stream-idle-timeout=300ms",
				"llm.resilience.models.alpha.provider=primary", "llm.resilience.models.alpha.name=chaos-alpha",
				"llm.resilience.models.beta.provider=primary", "llm.resilience.models.beta.name=chaos-beta",
				"llm.resilience.models.gamma.provider=secondary", "llm.resilience.models.gamma.name=chaos-gamma",
				"llm.resilience.chains.default=alpha,beta,gamma", "llm.resilience.timeout=20s",
				"llm.resilience.retry.max-attempts=" + MAX_ATTEMPTS, "llm.resilience.retry.initial-backoff=5ms",
				"llm.resilience.retry.max-backoff=50ms", "llm.resilience.retry.max-server-wait=200ms",
				"llm.resilience.circuit-breaker.sliding-window-type=count-based",
				"llm.resilience.circuit-breaker.sliding-window-size=20",
				"llm.resilience.circuit-breaker.minimum-number-of-calls=10",
				"llm.resilience.circuit-breaker.failure-rate-threshold=50",
				"llm.resilience.circuit-breaker.wait-in-open=100ms",
				"llm.resilience.circuit-breaker.permitted-calls-in-half-open=3",
				// transitions happen only on calls, so the states hold still while the
				// run is checked
				"llm.resilience.circuit-breaker.automatic-transition-to-half-open=false",
				"llm.resilience.queue.max-concurrent=" + MAX_CONCURRENT, "llm.resilience.queue.capacity=1000",
				"llm.resilience.queue.shutdown-grace=2s",
				// every injected reset would otherwise log a stack trace
				"logging.level.reactor.netty.http.client.HttpClientConnect=ERROR");
	}

	@AfterAll
	static void stop() {
		try {
			application.close();
		}
		finally {
			SERVER.close();
		}
	}

	@BeforeEach
	void lookUpBeans() {
		this.template = application.bean(LlmTemplate.class);
		this.queue = application.bean(RequestQueue.class);
		this.circuitBreakers = application.bean(CircuitBreakerRegistry.class);
		this.pooledConnections = application.bean(PooledConnections.class);
		this.upstreamCalls = application.bean(UpstreamCalls.class);
	}

	private static double faultRate(String model, int requestNumber) {
		return switch (model) {
			case "chaos-alpha" -> (requestNumber >= OUTAGE_FROM && requestNumber < OUTAGE_TO) ? 0.9 : 0.3;
			case "chaos-beta" -> 0.15;
			default -> 0.05;
		};
	}

	@Test
	void everyRequestEndsExactlyOnceAndNoInvariantBreaks() throws InterruptedException {
		List<BreakerLog> breakers = MODEL_NAMES.keySet()
			.stream()
			.sorted()
			.map((model) -> BreakerLog.of(this.circuitBreakers.circuitBreaker(model)))
			.toList();
		List<Throwable> droppedErrors = new CopyOnWriteArrayList<>();
		Hooks.onErrorDropped(droppedErrors::add);
		LogicalRequests requests = new LogicalRequests(REQUESTS);
		Random random = new Random(SEED);
		List<LlmRequest> sent = new ArrayList<>();
		for (int i = 0; i < REQUESTS; i++) {
			sent.add(request(i, random));
		}
		boolean[] streaming = new boolean[REQUESTS];
		for (int i = 0; i < REQUESTS; i++) {
			streaming[i] = random.nextBoolean();
		}
		long started = System.nanoTime();
		try {
			Flux.range(0, REQUESTS)
				.flatMap((i) -> (streaming[i]) ? requests.stream(i, this.template.stream(sent.get(i)))
						: requests.call(i, this.template.call(sent.get(i))), CLIENT_CONCURRENCY)
				.subscribe();
			if (!requests.awaitAll(Duration.ofSeconds(60))) {
				fail("Requests that never ended (hung subscribers):"
						+ describe(requests.neverEnded(), sent, streaming, requests));
			}
		}
		finally {
			Hooks.resetOnErrorDropped();
		}
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		assertThat(requests.endedMoreThanOnce()).as("requests that ended more than once").isEmpty();
		assertThat(requests.endings()).hasSize(REQUESTS);
		requests.endings().forEach((number, ending) -> assertEndedProperly(number, ending));
		assertTheSystemComesBackToRest();
		assertUpstreamCallsWithinBounds();
		breakers.forEach(this::assertBreakerAgreesWithTheServer);
		report(requests, streaming, breakers, droppedErrors, took);
	}

	/**
	 * Check the upstream calls: each belongs to a logical request, none made more than
	 * its models times their attempts, and never more in flight at once than the queue
	 * admits, as the server and the client's connections count them.
	 */
	private void assertUpstreamCallsWithinBounds() {
		Map<String, Integer> upstreamByTag = SERVER.requests().countByTag();
		assertThat(upstreamByTag.keySet()).as("upstream requests of unknown logical requests")
			.allSatisfy((tag) -> assertThat(tag).startsWith("chaos-"));
		assertThat(upstreamByTag.values()).as("upstream calls per logical request")
			.allSatisfy((calls) -> assertThat(calls).isLessThanOrEqualTo(MODELS * MAX_ATTEMPTS));
		assertThat(SERVER.requests().maxInFlight()).as("most upstream requests in flight at once, server side")
			.isLessThanOrEqualTo(MAX_CONCURRENT);
		assertThat(this.upstreamCalls.maxInFlight()).as("most upstream requests in flight at once, client side")
			.isLessThanOrEqualTo(MAX_CONCURRENT);
	}

	/**
	 * Check a breaker against itself (its state follows from what it recorded) and
	 * against the server: it recorded no more answered calls than the server received,
	 * and no error status or error body the server did not inject. Timeouts and cut
	 * connections are not compared: on a busy machine they can also hit a sound answer,
	 * or a request the server never read.
	 */
	private void assertBreakerAgreesWithTheServer(BreakerLog log) {
		log.assertStateFollowsFromOutcomes();
		String model = log.name();
		String name = MODEL_NAMES.get(model);
		Map<Fault, Integer> injected = PLAN.injected(name);
		Map<String, Integer> failures = log.failures();
		int answered = log.count(CircuitBreakerEvent.Type.SUCCESS) + failures.entrySet()
			.stream()
			.filter((failure) -> !failure.getKey().startsWith("LlmTimeoutException"))
			.mapToInt(Map.Entry::getValue)
			.sum();
		assertThat(answered).as("%s: answered calls its breaker recorded, at most the requests the server saw", model)
			.isLessThanOrEqualTo(SERVER.requests().countByModel().getOrDefault(name, 0));
		assertThat(failures.getOrDefault("LlmRateLimitException", 0))
			.as("%s: rate limits recorded %s, injected %s", model, failures, injected)
			.isLessThanOrEqualTo(injected.getOrDefault(Fault.RATE_LIMITED_WITH_RETRY_AFTER, 0)
					+ injected.getOrDefault(Fault.RATE_LIMITED_WITHOUT_RETRY_AFTER, 0));
		assertThat(failures.getOrDefault("LlmServerException", 0) + failures.getOrDefault("LlmOverloadedException", 0))
			.as("%s: server errors and overloads recorded %s, injected %s", model, failures, injected)
			.isLessThanOrEqualTo(injected.getOrDefault(Fault.SERVER_ERROR, 0)
					+ injected.getOrDefault(Fault.OVERLOADED, 0) + injected.getOrDefault(Fault.MID_STREAM_ERROR, 0)
					+ injected.getOrDefault(Fault.ERROR_BODY_200, 0));
	}

	/**
	 * Describe the requests that never ended: what they were, what the server answered to
	 * them, and how far they got; then the queue.
	 */
	private String describe(List<Integer> numbers, List<LlmRequest> sent, boolean[] streaming,
			LogicalRequests requests) {
		StringBuilder description = new StringBuilder(" ").append(numbers.size()).append(" requests");
		for (int number : numbers.subList(0, Math.min(20, numbers.size()))) {
			description.append("\n  request ")
				.append(number)
				.append((streaming[number]) ? " (stream) " : " (call) ")
				.append(sent.get(number))
				.append(", upstream: ")
				.append(PLAN.history("chaos-" + number))
				.append(", seen by its subscriber: ")
				.append(requests.progress(number));
		}
		description.append("\n  queue: ").append(this.queue.snapshot());
		description.append("\n  upstream requests in flight: ").append(SERVER.requests().inFlight());
		return description.toString();
	}

	private static LlmRequest request(int number, Random random) {
		LlmRequest.Builder builder = LlmRequest.builder()
			.user("Tell me about request " + number)
			.priority(LlmPriority.values()[random.nextInt(LlmPriority.values().length)])
			.extraBody("metadata", Map.of("user_id", "chaos-" + number));
		if (random.nextInt(10) == 0) {
			// a tight deadline of its own: some of these end with phase DEADLINE,
			// mid-call or waiting
			builder.timeout(Duration.ofMillis(1500));
		}
		return builder.build();
	}

	/**
	 * Check one request's end: a response whose text is exactly what the answering model
	 * sent, each piece once and in order, or a typed error; an interrupted stream's
	 * partial text is exactly what its subscriber received.
	 */
	private void assertEndedProperly(int number, Ending ending) {
		String tag = "chaos-" + number;
		String request = "request " + number + " (" + (ending.streaming() ? "stream" : "call") + ")";
		if (ending.error() != null) {
			assertThat(ending.error()).as(request).isInstanceOf(LlmException.class);
			if (!ending.streaming()) {
				return;
			}
			assertThat(ending.events()).as(request + ": no completion before the error")
				.noneMatch(LlmStreamEvent.Completion.class::isInstance);
			if (ending.error() instanceof LlmStreamInterruptedException interrupted) {
				String received = String.join("", ending.deltas());
				assertThat(interrupted.getPartialText()).as(request + ": partial text").isEqualTo(received);
				List<String> pieces = FaultPlan.pieces(MODEL_NAMES.get(interrupted.getModel()), tag);
				assertThat(ending.deltas()).as(request + ": pieces received from " + interrupted.getModel())
					.isEqualTo(pieces.subList(0, Math.min(pieces.size(), ending.deltas().size())));
			}
			else {
				assertThat(ending.deltas()).as(request + ": text delivered before a " + ending.errorDetail()).isEmpty();
			}
			return;
		}
		LlmResponse answer = ending.answer();
		assertThat(answer).as(request + ": answer").isNotNull();
		String expected = FaultPlan.text(MODEL_NAMES.get(answer.model()), tag);
		assertThat(answer.text()).as(request + ": text of " + answer.model()).isEqualTo(expected);
		assertThat(answer.modelName()).isEqualTo(MODEL_NAMES.get(answer.model()));
		if (ending.streaming()) {
			assertThat(ending.events().get(ending.events().size() - 1)).as(request + ": last event")
				.isInstanceOf(LlmStreamEvent.Completion.class);
			assertThat(ending.events()).as(request + ": completions")
				.filteredOn(LlmStreamEvent.Completion.class::isInstance)
				.hasSize(1);
			assertThat(ending.deltas()).as(request + ": deltas")
				.isEqualTo(FaultPlan.pieces(MODEL_NAMES.get(answer.model()), tag));
		}
		assertThat(answer.attempts()).as(request + ": attempts").isNotEmpty();
		Map<String, Long> callsPerModel = new TreeMap<>();
		answer.attempts()
			.stream()
			.filter((attempt) -> attempt.outcome() != LlmAttempt.Outcome.SKIPPED)
			.forEach((attempt) -> callsPerModel.merge(attempt.model(), 1L, Long::sum));
		assertThat(callsPerModel.values()).as(request + ": calls per model")
			.allSatisfy((calls) -> assertThat(calls).isLessThanOrEqualTo(MAX_ATTEMPTS));
	}

	/**
	 * Once every request has ended, nothing is left over: the queue is empty with nothing
	 * in flight, no connection is checked out of the pool, the server has no request in
	 * flight, and no connection open at the server is unknown to the pools. Polled for a
	 * short while, since closing a connection takes a few event-loop turns.
	 */
	private void assertTheSystemComesBackToRest() {
		Awaitility.await("queue, connection pool and server at rest")
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(20))
			.untilAsserted(() -> {
				QueueSnapshot queue = this.queue.snapshot();
				assertThat(queue.inFlight()).as("queue in flight").isZero();
				assertThat(queue.waiting()).as("queue waiting").isZero();
				assertThat(this.pooledConnections.acquired()).as("connections checked out").isZero();
				assertThat(this.pooledConnections.pending()).as("connections awaited").isZero();
				assertThat(this.upstreamCalls.inFlight()).as("upstream requests in flight, client side").isZero();
				assertThat(SERVER.requests().inFlight()).as("upstream requests in flight, server side").isZero();
				// no connection open at the server that the pools have lost; the pools
				// may
				// still count an idle one the server closed, until they next hand it out
				assertThat(SERVER.requests().openConnections()).as("open connections, server side")
					.isLessThanOrEqualTo(this.pooledConnections.allocated());
			});
	}

	private void report(LogicalRequests requests, boolean[] streaming, List<BreakerLog> breakers,
			List<Throwable> droppedErrors, Duration took) {
		int streams = 0;
		for (boolean stream : streaming) {
			streams += stream ? 1 : 0;
		}
		Map<String, Integer> errorDetails = new TreeMap<>();
		requests.endings()
			.values()
			.stream()
			.filter((ending) -> ending.error() != null)
			.forEach((ending) -> errorDetails.merge(ending.errorDetail(), 1, Integer::sum));
		int upstream = SERVER.requests().count();
		StringBuilder report = new StringBuilder();
		report.append("\n=== chaos run: seed ").append(SEED).append(" ===\n");
		report.append("logical requests   ")
			.append(REQUESTS)
			.append(" (")
			.append(REQUESTS - streams)
			.append(" calls, ")
			.append(streams)
			.append(" streams), ")
			.append(CLIENT_CONCURRENCY)
			.append(" at once client-side, in ")
			.append(took.toMillis())
			.append(" ms\n");
		report.append("upstream calls     ")
			.append(upstream)
			.append(" (")
			.append(SERVER.requests().countByModel())
			.append("), at most ")
			.append(SERVER.requests().countByTag().values().stream().mapToInt(Integer::intValue).max().orElse(0))
			.append(" for one request (bound ")
			.append(MODELS * MAX_ATTEMPTS)
			.append(")\n");
		report.append("faults injected    ").append(PLAN.injected()).append('\n');
		report.append("outcomes           ").append(requests.outcomes()).append('\n');
		report.append("errors in detail   ").append(errorDetails).append('\n');
		long errors = requests.endings().values().stream().filter((ending) -> ending.error() != null).count();
		long typed = requests.endings()
			.values()
			.stream()
			.filter((ending) -> ending.error() instanceof LlmException)
			.count();
		report.append("typed errors       ").append(typed).append(" of ").append(errors).append('\n');
		report.append("max concurrency    ")
			.append(SERVER.requests().maxInFlight())
			.append(" upstream requests in flight server side, ")
			.append(this.upstreamCalls.maxInFlight())
			.append(" client side (limit ")
			.append(MAX_CONCURRENT)
			.append(")\n");
		report.append("nothing lost       ")
			.append(requests.endings().size())
			.append(" of ")
			.append(REQUESTS)
			.append(" ended exactly once; ")
			.append(requests.neverEnded().size())
			.append(" never, ")
			.append(requests.endedMoreThanOnce().size())
			.append(" twice\n");
		breakers.forEach((log) -> report.append("breaker            ").append(log).append('\n'));
		report.append("errors dropped by Reactor after termination: ").append(droppedErrors.size()).append('\n');
		System.out.println(report);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		PooledConnections pooledConnections() {
			return new PooledConnections();
		}

		@Bean
		UpstreamCalls upstreamCalls() {
			return new UpstreamCalls();
		}

		@Bean
		LlmConnectionPoolCustomizer pooledConnectionsMetrics(PooledConnections pooledConnections) {
			return (providerId, builder) -> builder.metrics(true, () -> pooledConnections);
		}

	}

}
