package dev.llmresilience.sample.dashboard;

import java.util.List;

import dev.llmresilience.sample.dashboard.TrafficHistory.Attempt;
import dev.llmresilience.sample.dashboard.TrafficHistory.ModelWindow;
import dev.llmresilience.sample.dashboard.TrafficHistory.RequestOutcome;
import dev.llmresilience.sample.dashboard.TrafficHistory.Series;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TrafficHistory}.
 */
class TrafficHistoryTests {

	private static final long NOW = 1_000_000;

	private final TrafficHistory history = new TrafficHistory(5);

	@Test
	void countsRequestsPerCompleteSecondByOutcomeOldestFirst() {
		this.history.recordRequest(NOW - 5, RequestOutcome.SUCCESS);
		this.history.recordRequest(NOW - 1, RequestOutcome.SUCCESS);
		this.history.recordRequest(NOW - 1, RequestOutcome.FALLBACK);
		this.history.recordRequest(NOW - 3, RequestOutcome.ERROR);
		this.history.recordRequest(NOW, RequestOutcome.SUCCESS);
		Series series = this.history.series(NOW);
		assertThat(series.from()).isEqualTo(NOW - 5);
		assertThat(series.success()).containsExactly(1, 0, 0, 0, 1);
		assertThat(series.fallback()).containsExactly(0, 0, 0, 0, 1);
		assertThat(series.error()).containsExactly(0, 0, 1, 0, 0);
	}

	@Test
	void forgetsSecondsOlderThanItsLength() {
		this.history.recordRequest(NOW - 8, RequestOutcome.SUCCESS);
		this.history.recordRequest(NOW - 2, RequestOutcome.ERROR);
		// NOW - 8 and NOW - 2 share a slot; the older second is gone, not added to the
		// newer.
		assertThat(this.history.series(NOW).success()).containsOnly(0);
		assertThat(this.history.series(NOW).error()).containsExactly(0, 0, 0, 1, 0);
		this.history.recordRequest(NOW - 8, RequestOutcome.SUCCESS);
		assertThat(this.history.series(NOW).success()).containsOnly(0);
	}

	@Test
	void summarizesAModelsCallsOverTheWindowLeavingOutTheCurrentSecond() {
		this.history.recordAttempt(NOW - 3, "a", new Attempt(false, false, 400, 100.0));
		this.history.recordAttempt(NOW - 2, "a", new Attempt(true, false, 100, null));
		this.history.recordAttempt(NOW - 2, "a", new Attempt(true, true, 200, null));
		this.history.recordAttempt(NOW - 1, "a", new Attempt(false, true, 300, 50.0));
		this.history.recordAttempt(NOW - 1, "b", new Attempt(false, false, 10, null));
		this.history.recordAttempt(NOW, "a", new Attempt(true, true, 9000, null));
		ModelWindow window = this.history.model("a", NOW, 2);
		assertThat(window.callsPerSecond()).isEqualTo(1.5);
		assertThat(window.failuresPerSecond()).isEqualTo(1.0);
		assertThat(window.retries()).isEqualTo(2);
		assertThat(window.latencyP50()).isEqualTo(200.0);
		assertThat(window.latencyP99()).isEqualTo(300.0);
		assertThat(window.firstTokenP50()).isEqualTo(50.0);
		assertThat(this.history.model("a", NOW, 4).firstTokenP99()).isEqualTo(100.0);
	}

	@Test
	void hasNoPercentilesWithoutCalls() {
		ModelWindow window = this.history.model("a", NOW, 3);
		assertThat(window.callsPerSecond()).isZero();
		assertThat(window.latencyP50()).isNull();
		assertThat(window.firstTokenP99()).isNull();
	}

	@Test
	void percentileIsTheNearestRank() {
		List<Double> values = List.of(5.0, 1.0, 4.0, 2.0, 3.0);
		assertThat(TrafficHistory.percentile(values, 0.5)).isEqualTo(3.0);
		assertThat(TrafficHistory.percentile(values, 0.99)).isEqualTo(5.0);
		assertThat(TrafficHistory.percentile(values, 0.2)).isEqualTo(1.0);
		assertThat(TrafficHistory.percentile(List.of(7.0), 0.5)).isEqualTo(7.0);
	}

}
