package dev.llmresilience.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.error.LlmAllModelsFailedException;
import dev.llmresilience.error.LlmCircuitOpenException;
import dev.llmresilience.queue.RequestQueue;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import dev.llmresilience.test.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model that fails until its breaker opens, then recovers, over real HTTP through the
 * auto-configured {@link LlmTemplate}: while OPEN it receives nothing and its chain is
 * served by the fallback; once the breaker's wait in the open state has passed (on a
 * {@link MutableClock}, with no automatic transition) the next requests probe it, and it
 * is CLOSED and serving again. Also: a backlog of queued requests that all fail at once,
 * because every breaker is open, still ends every request.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BreakerRecoveryIT {

	private static final int MINIMUM_CALLS = 5;

	private static final int PROBES = 2;

	private static final Duration WAIT_IN_OPEN = Duration.ofSeconds(30);

	private static final FakeProviderServer SERVER = FakeProviderServer.start();

	private static ChaosApplication application;

	private LlmTemplate template;

	private RequestQueue queue;

	private CircuitBreakerRegistry circuitBreakers;

	private MutableClock clock;

	@BeforeAll
	static void startApplication() {
		application = ChaosApplication.start(TestApplication.class, false,
				"llm.resilience.providers.upstream.type=anthropic",
				"llm.resilience.providers.upstream.base-url=" + SERVER.baseUrl(),
				"llm.resilience.providers.upstream.api-key=recovery-key",
				"llm.resilience.models.flaky.provider=upstream", "llm.resilience.models.flaky.name=chaos-flaky",
				"llm.resilience.models.steady.provider=upstream", "llm.resilience.models.steady.name=chaos-steady",
				"llm.resilience.chains.default=flaky,steady", "llm.resilience.timeout=20s",
				"llm.resilience.retry.max-attempts=1", "llm.resilience.circuit-breaker.sliding-window-type=count-based",
				"llm.resilience.circuit-breaker.sliding-window-size=10",
				"llm.resilience.circuit-breaker.minimum-number-of-calls=" + MINIMUM_CALLS,
				"llm.resilience.circuit-breaker.failure-rate-threshold=50",
				"llm.resilience.circuit-breaker.wait-in-open=" + WAIT_IN_OPEN.toSeconds() + "s",
				"llm.resilience.circuit-breaker.permitted-calls-in-half-open=" + PROBES,
				"llm.resilience.circuit-breaker.automatic-transition-to-half-open=false",
				"llm.resilience.queue.max-concurrent=1", "llm.resilience.queue.capacity=5000",
				"llm.resilience.queue.shutdown-grace=2s");
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
	void reset() {
		this.template = application.bean(LlmTemplate.class);
		this.queue = application.bean(RequestQueue.class);
		this.circuitBreakers = application.bean(CircuitBreakerRegistry.class);
		this.clock = application.bean(MutableClock.class);
		SERVER.reset();
		FaultPlan.scriptAnswers(SERVER);
		this.circuitBreakers.getAllCircuitBreakers().forEach(CircuitBreaker::reset);
	}

	@Test
	void modelThatRecoversIsClosedAndServingWithinWaitInOpenPlusTheProbes() {
		CircuitBreaker breaker = this.circuitBreakers.circuitBreaker("flaky");
		SERVER.model("chaos-flaky").reply(FakeReply.error(529));
		for (int i = 0; i < MINIMUM_CALLS; i++) {
			LlmResponse response = call("failing-" + i);
			assertThat(response.model()).isEqualTo("steady");
			assertThat(response.fallback()).isTrue();
		}
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		int callsWhenOpened = flakyCalls();

		SERVER.model("chaos-flaky").reply(FakeReply.answer());
		this.clock.advance(WAIT_IN_OPEN);
		LlmResponse whileOpen = call("open");
		assertThat(whileOpen.model()).as("served during the wait in the open state").isEqualTo("steady");
		assertThat(flakyCalls()).as("calls to the model while its breaker is open").isEqualTo(callsWhenOpened);
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

		this.clock.advance(Duration.ofMillis(1));
		long probesStarted = System.nanoTime();
		for (int i = 0; i < PROBES; i++) {
			LlmResponse probe = call("probe-" + i);
			assertThat(probe.model()).as("probe %s", i).isEqualTo("flaky");
			assertThat(probe.fallback()).isFalse();
		}
		Duration probeTime = Duration.ofNanos(System.nanoTime() - probesStarted);
		assertThat(breaker.getState()).as("after %s probes", PROBES).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(probeTime).as("time the probes took").isLessThan(Duration.ofSeconds(5));
		assertThat(flakyCalls()).isEqualTo(callsWhenOpened + PROBES);

		LlmResponse served = call("recovered");
		assertThat(served.model()).isEqualTo("flaky");
		assertThat(served.text()).isEqualTo(FaultPlan.text("chaos-flaky", "recovered"));
		assertThat(served.fallback()).isFalse();
	}

	@Test
	void failingProbeOpensTheBreakerForAnotherWait() {
		CircuitBreaker breaker = this.circuitBreakers.circuitBreaker("flaky");
		SERVER.model("chaos-flaky").reply(FakeReply.error(529));
		for (int i = 0; i < MINIMUM_CALLS; i++) {
			call("failing-" + i);
		}
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		this.clock.advance(WAIT_IN_OPEN.plusMillis(1));
		for (int i = 0; i < PROBES; i++) {
			assertThat(call("probe-" + i).model()).isEqualTo("steady");
		}
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		int callsWhenReopened = flakyCalls();
		SERVER.model("chaos-flaky").reply(FakeReply.answer());
		assertThat(call("reopened").model()).isEqualTo("steady");
		assertThat(flakyCalls()).isEqualTo(callsWhenReopened);
		this.clock.advance(WAIT_IN_OPEN.plusMillis(1));
		for (int i = 0; i < PROBES; i++) {
			assertThat(call("second-probe-" + i).model()).isEqualTo("flaky");
		}
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void backlogThatFailsAtOnceBecauseEveryBreakerIsOpenStillEndsEveryRequest() throws InterruptedException {
		// the only permit is held by a call in flight, so everything else queues up
		// behind it
		SERVER.model("chaos-flaky").reply(FakeReply.answer().held());
		LogicalRequests held = new LogicalRequests(1);
		held.call(0, this.template.call(request("held"))).subscribe();
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> SERVER.requests().inFlight() == 1);
		this.circuitBreakers.getAllCircuitBreakers().forEach(CircuitBreaker::transitionToForcedOpenState);
		int backlog = 3000;
		LogicalRequests queued = new LogicalRequests(backlog);
		Flux.range(0, backlog)
			.flatMap((i) -> queued.call(i, this.template.call(request("queued-" + i))), backlog)
			.subscribe();
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.queue.snapshot().waiting() == backlog);

		// the held call ends, and with it every queued request, each failing at once
		SERVER.releaseHeld();
		assertThat(held.awaitAll(Duration.ofSeconds(10))).isTrue();
		assertThat(queued.awaitAll(Duration.ofSeconds(20)))
			.as("queued requests that never ended: %s", queued.neverEnded().size())
			.isTrue();
		assertThat(queued.endedMoreThanOnce()).isEmpty();
		assertThat(queued.outcomes()).isEqualTo(Map.of("LlmAllModelsFailedException", backlog));
		assertThat(queued.endings().values())
			.allSatisfy((ending) -> assertThat(ending.error()).isInstanceOf(LlmAllModelsFailedException.class)
				.hasCauseInstanceOf(LlmCircuitOpenException.class));
		assertThat(this.queue.snapshot().inFlight()).isZero();
	}

	private LlmResponse call(String tag) {
		return this.template.call(request(tag)).block(Duration.ofSeconds(30));
	}

	private static LlmRequest request(String tag) {
		return LlmRequest.builder().user("Hello").extraBody("metadata", Map.of("user_id", tag)).build();
	}

	private static int flakyCalls() {
		return SERVER.requests().count("chaos-flaky");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		MutableClock clock() {
			return new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
		}

	}

}
