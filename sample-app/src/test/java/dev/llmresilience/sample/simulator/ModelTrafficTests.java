package dev.llmresilience.sample.simulator;

import java.time.Duration;
import java.time.Instant;

import dev.llmresilience.test.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ModelTraffic}.
 */
class ModelTrafficTests {

	private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

	private final MutableClock clock = new MutableClock(START);

	private final ModelTraffic traffic = new ModelTraffic(this.clock);

	@Test
	void admitsUpToTheRequestsPerMinuteThenAsksToWaitUntilTheOldestLeavesTheWindow() {
		ModelFaults limits = limits(2, 1000);
		assertThat(this.traffic.admit(10, limits)).isEmpty();
		this.clock.advance(Duration.ofSeconds(20));
		assertThat(this.traffic.admit(10, limits)).isEmpty();
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(this.traffic.admit(10, limits)).contains(Duration.ofSeconds(30));
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(this.traffic.admit(10, limits)).isEmpty();
	}

	@Test
	void asksToWaitUntilEnoughTokensLeaveTheWindow() {
		ModelFaults limits = limits(100, 100);
		assertThat(this.traffic.admit(40, limits)).isEmpty();
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(this.traffic.admit(40, limits)).isEmpty();
		// 30 more tokens fit only once the first 40 have left the window.
		assertThat(this.traffic.admit(30, limits)).contains(Duration.ofSeconds(50));
		assertThat(this.traffic.admit(500, limits)).contains(Duration.ofMinutes(1));
	}

	@Test
	void budgetShowsWhatIsLeftAndWhenItIsFullAgain() {
		ModelFaults limits = limits(5, 100);
		this.traffic.admit(30, limits);
		this.clock.advance(Duration.ofSeconds(15));
		this.traffic.admit(20, limits);
		assertThat(this.traffic.budget(limits))
			.isEqualTo(new ModelTraffic.Budget(5, 3, 100, 50, START.plusSeconds(75), Duration.ofSeconds(60)));
		this.clock.advance(Duration.ofMinutes(2));
		assertThat(this.traffic.budget(limits))
			.isEqualTo(new ModelTraffic.Budget(5, 5, 100, 100, this.clock.instant(), Duration.ZERO));
	}

	@Test
	void countsRequestsAndFailures() {
		this.traffic.countRequest();
		this.traffic.countRequest();
		this.traffic.countFailure();
		assertThat(this.traffic.stats()).isEqualTo(new ModelTraffic.Stats(2, 1));
	}

	private static ModelFaults limits(int requestsPerMinute, long tokensPerMinute) {
		return new ModelFaults(Duration.ZERO, Duration.ZERO, 0.0, SimulatedFailure.OVERLOADED, Duration.ZERO,
				requestsPerMinute, tokensPerMinute, 200_000);
	}

}
