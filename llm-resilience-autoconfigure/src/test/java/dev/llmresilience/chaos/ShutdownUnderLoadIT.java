package dev.llmresilience.chaos;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.error.LlmException;
import dev.llmresilience.error.LlmShutdownException;
import dev.llmresilience.queue.RequestQueue;
import dev.llmresilience.test.FakeProviderServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Closing the application while requests wait in the queue and others are in flight, over
 * real HTTP: every request still ends exactly once, with its answer or a typed error;
 * those that were waiting, those still running after the grace period and those arriving
 * later end with {@link LlmShutdownException}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ShutdownUnderLoadIT {

	private static final int MAX_CONCURRENT = 4;

	private static final int REQUESTS = 200;

	private final FakeProviderServer server = FakeProviderServer.start();

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void closingWithRequestsQueuedAndInFlightLosesNothing() throws InterruptedException {
		ChaosApplication application = ChaosApplication.start(TestApplication.class, false,
				"llm.resilience.providers.upstream.type=anthropic",
				"llm.resilience.providers.upstream.base-url=" + this.server.baseUrl(),
				"llm.resilience.providers.upstream.api-key=shutdown-key",
				"llm.resilience.models.slow.provider=upstream", "llm.resilience.models.slow.name=chaos-slow",
				"llm.resilience.models.quick.provider=upstream", "llm.resilience.models.quick.name=chaos-quick",
				"llm.resilience.chains.default=slow", "llm.resilience.timeout=60s",
				"llm.resilience.queue.max-concurrent=" + MAX_CONCURRENT, "llm.resilience.queue.shutdown-grace=500ms");
		// answers that outlast the grace period, and answers that make it within it
		FaultPlan.scriptAnswers(this.server);
		this.server.model("chaos-slow").latency(Duration.ofSeconds(20));
		this.server.model("chaos-quick").latency(Duration.ofMillis(100));
		LlmTemplate template = application.bean(LlmTemplate.class);
		RequestQueue queue = application.bean(RequestQueue.class);
		LogicalRequests requests = new LogicalRequests(REQUESTS);
		Flux.range(0, REQUESTS).flatMap((i) -> {
			LlmRequest.Builder request = LlmRequest.builder()
				.user("Hello")
				.extraBody("metadata", Map.of("user_id", "shutdown-" + i));
			if (i % 5 == 0) {
				request.model("quick");
			}
			return (i % 2 == 0) ? requests.call(i, template.call(request.build()))
					: requests.stream(i, template.stream(request.build()));
		}, REQUESTS).subscribe();
		Awaitility.await("requests queued and in flight")
			.atMost(Duration.ofSeconds(10))
			.until(() -> queue.snapshot().waiting() > REQUESTS / 2
					&& this.server.requests().inFlight() == MAX_CONCURRENT);

		int waiting = queue.snapshot().waiting();
		long closing = System.nanoTime();
		application.close();
		Duration closeTook = Duration.ofNanos(System.nanoTime() - closing);

		assertThat(requests.awaitAll(Duration.ofSeconds(10))).as("requests that never ended: %s", requests.neverEnded())
			.isTrue();
		assertThat(requests.endedMoreThanOnce()).isEmpty();
		assertThat(requests.endings().values()).allSatisfy((ending) -> {
			if (ending.error() != null) {
				assertThat(ending.error()).isInstanceOf(LlmException.class);
			}
			else {
				assertThat(ending.answer()).isNotNull();
			}
		});
		// the waiting ones end at once; the quick answers in flight had the grace period
		// to finish
		assertThat(requests.outcomes().getOrDefault("LlmShutdownException", 0)).isGreaterThanOrEqualTo(waiting);
		assertThat(requests.outcomes().keySet()).isSubsetOf("response", "LlmShutdownException");
		assertThat(closeTook).as("closing, with a grace period of 500ms").isLessThan(Duration.ofSeconds(10));
		assertThat(queue.snapshot().closed()).isTrue();
		assertThat(queue.snapshot().inFlight()).isZero();
		assertThat(queue.snapshot().waiting()).isZero();
		assertThatExceptionOfType(LlmShutdownException.class)
			.isThrownBy(() -> template.call(LlmRequest.ofPrompt("Too late")).block(Duration.ofSeconds(5)));
		Awaitility.await("upstream requests given up")
			.atMost(Duration.ofSeconds(10))
			.pollDelay(0, TimeUnit.MILLISECONDS)
			.until(() -> this.server.requests().inFlight() == 0);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
