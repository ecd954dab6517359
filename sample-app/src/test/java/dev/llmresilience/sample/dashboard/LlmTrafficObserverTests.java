package dev.llmresilience.sample.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.StopReason;
import dev.llmresilience.observation.LlmAttemptContext;
import dev.llmresilience.observation.LlmRequestContext;
import dev.llmresilience.sample.dashboard.TrafficHistory.ModelWindow;
import dev.llmresilience.sample.dashboard.TrafficHistory.Series;
import io.micrometer.observation.Observation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmTrafficObserver}.
 */
class LlmTrafficObserverTests {

	private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

	private static final long NEXT_SECOND = NOW.getEpochSecond() + 1;

	private static final LlmModel PRIMARY = new LlmModel("primary", "simulator", "sim-large", 1024, null);

	private final TrafficHistory history = new TrafficHistory(60);

	private final LlmTrafficObserver observer = new LlmTrafficObserver(this.history, Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void recordsEachCallOfAModelWithRetriesFailuresAndTimeToFirstToken() {
		observe(new LlmAttemptContext(PRIMARY, "anthropic", 1, true), (context) -> context.setError(error()));
		observe(new LlmAttemptContext(PRIMARY, "anthropic", 2, true), (context) -> {
			context.setTimeToFirstContent(Duration.ofMillis(150));
			context.setResponse(response(false));
		});
		ModelWindow window = this.history.model("primary", NEXT_SECOND, 1);
		assertThat(window.callsPerSecond()).isEqualTo(2.0);
		assertThat(window.failuresPerSecond()).isEqualTo(1.0);
		assertThat(window.retries()).isEqualTo(1);
		assertThat(window.latencyP99()).isNotNull();
		assertThat(window.firstTokenP50()).isEqualTo(150.0);
	}

	@Test
	void leavesOutAttemptsThatMadeNoCall() {
		observe(new LlmAttemptContext(PRIMARY, "anthropic", 1, false), (context) -> {
			context.setSkipped(true);
			context.setError(error());
		});
		observe(new LlmAttemptContext(PRIMARY, "anthropic", 1, false), (context) -> {
			// cancelled: neither an answer nor an error
		});
		assertThat(this.history.model("primary", NEXT_SECOND, 1).callsPerSecond()).isZero();
	}

	@Test
	void recordsRequestsByOutcomeButNotCancelledOnes() {
		LlmRequest request = LlmRequest.ofPrompt("Hello");
		observe(new LlmRequestContext(request, false), (context) -> context.setResponse(response(false)));
		observe(new LlmRequestContext(request, false), (context) -> context.setResponse(response(true)));
		observe(new LlmRequestContext(request, true), (context) -> context.setResponse(response(true)));
		observe(new LlmRequestContext(request, false), (context) -> context.setError(error()));
		observe(new LlmRequestContext(request, false), (context) -> {
		});
		Series series = this.history.series(NEXT_SECOND);
		assertThat(series.success()[59]).isEqualTo(1);
		assertThat(series.fallback()[59]).isEqualTo(2);
		assertThat(series.error()[59]).isEqualTo(1);
	}

	private <C extends Observation.Context> void observe(C context, Consumer<C> outcome) {
		assertThat(this.observer.supportsContext(context)).isTrue();
		this.observer.onStart(context);
		outcome.accept(context);
		this.observer.onStop(context);
	}

	private static RuntimeException error() {
		// Any error will do: the observer records that a call failed, not how.
		return new IllegalStateException("Overloaded");
	}

	private static LlmResponse response(boolean fallback) {
		return new LlmResponse(List.of(LlmContent.text("Hello")), null, fallback ? "secondary" : "primary", "sim",
				"simulator", StopReason.END_TURN, "end_turn", new LlmUsage(1, 1), null, RateLimitStatus.NONE, fallback,
				List.of(LlmAttempt.success("primary", Duration.ofMillis(5))), null);
	}

}
