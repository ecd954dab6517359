package dev.llmresilience.actuate;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmPriority;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmQueueFullException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.queue.RequestQueue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link LlmQueueMetrics}.
 */
class LlmQueueMetricsTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final RequestQueue queue = new RequestQueue(1, Map.of(), 1, Duration.ZERO);

	private final ProviderPacer pacer = new ProviderPacer(Map.of(), Map.of(), Clock.systemUTC(),
			Duration.ofSeconds(60));

	@Test
	void queueMetersFollowTheQueue() {
		new LlmQueueMetrics(this.queue, this.pacer, List.of("anthropic")).bindTo(this.meters);
		Disposable running = this.queue.submit(LlmPriority.NORMAL, Deadline.none(), Mono::never).subscribe();
		Disposable waiting = this.queue.submit(LlmPriority.HIGH, Deadline.none(), Mono::never).subscribe();
		StepVerifier.create(this.queue.submit(LlmPriority.LOW, Deadline.none(), Mono::never))
			.expectError(LlmQueueFullException.class)
			.verify(TIMEOUT);
		try {
			assertThat(this.meters.get("llm.queue.depth").tag("llm.priority", "high").gauge().value()).isEqualTo(1);
			assertThat(this.meters.get("llm.queue.depth").tag("llm.priority", "low").gauge().value()).isZero();
			assertThat(this.meters.get("llm.queue.depth").gauges()).hasSize(LlmPriority.values().length);
			assertThat(this.meters.get("llm.queue.in_flight").gauge().value()).isEqualTo(1);
			assertThat(this.meters.get("llm.queue.refused").functionCounter().count()).isEqualTo(1);
			assertThat(this.meters.get("llm.queue.wait").functionTimer().count()).isEqualTo(1);
		}
		finally {
			waiting.dispose();
			running.dispose();
		}
		assertThat(this.meters.get("llm.queue.in_flight").gauge().value()).isZero();
		assertThat(this.meters.get("llm.queue.depth").tag("llm.priority", "high").gauge().value()).isZero();
	}

	@Test
	void providerHoldGivesTheSecondsLeft() {
		new LlmQueueMetrics(null, this.pacer, List.of("anthropic", "local")).bindTo(this.meters);
		LlmModel model = new LlmModel("sonnet", "anthropic", "claude-sonnet-4-5", 4096, null);
		this.pacer.failed(this.pacer.admit(model, LlmRequest.ofPrompt("Hi"), Deadline.none()).block(TIMEOUT),
				new LlmRateLimitException("anthropic", "sonnet", new LlmApiException.Details(429, "rate_limit_error",
						null, "slow down", null, Duration.ofSeconds(20), null, null)));
		assertThat(this.meters.get("llm.provider.hold").tag("llm.provider", "anthropic").gauge().value()).isCloseTo(20,
				within(1.0));
		assertThat(this.meters.get("llm.provider.hold").tag("llm.provider", "local").gauge().value()).isZero();
		assertThat(this.meters.get("llm.provider.hold").gauge().getId().getBaseUnit()).isEqualTo("seconds");
	}

	@Test
	void withoutQueueOnlyProviderHoldsAreMetered() {
		new LlmQueueMetrics(null, this.pacer, List.of("anthropic")).bindTo(this.meters);
		assertThat(this.meters.find("llm.queue.depth").meters()).isEmpty();
		assertThat(this.meters.find("llm.queue.in_flight").meters()).isEmpty();
		assertThat(this.meters.getMeters()).hasSize(1);
	}

	@Test
	void queueWaitAddsUpTheTimeAdmittedRequestsWaited() {
		new LlmQueueMetrics(this.queue, this.pacer, List.of()).bindTo(this.meters);
		this.queue.submit(LlmPriority.NORMAL, Deadline.none(), () -> Mono.just("done")).blockLast();
		assertThat(this.meters.get("llm.queue.wait").functionTimer().count()).isEqualTo(1);
		assertThat(this.meters.get("llm.queue.wait").functionTimer().totalTime(TimeUnit.MILLISECONDS)).isZero();
	}

}
