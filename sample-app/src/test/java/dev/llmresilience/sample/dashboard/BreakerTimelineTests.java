package dev.llmresilience.sample.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import dev.llmresilience.sample.dashboard.BreakerTimeline.StateChange;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BreakerTimeline}.
 */
class BreakerTimelineTests {

	private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();

	// The clock dates the states found when watching starts; events carry their own time,
	// now.
	private final Instant start = Instant.now().minusSeconds(10);

	@Test
	void startsWithTheStateAtTheWindowsStartThenEveryChange() {
		CircuitBreaker breaker = this.registry.circuitBreaker("primary");
		BreakerTimeline timeline = new BreakerTimeline(this.registry, clock(this.start), Duration.ofMinutes(1));
		Instant since = this.start.plusSeconds(1);
		breaker.transitionToOpenState();
		breaker.transitionToHalfOpenState();
		List<StateChange> changes = timeline.since(List.of("primary"), since).get("primary");
		assertThat(changes).extracting(StateChange::state).containsExactly("CLOSED", "OPEN", "HALF_OPEN");
		assertThat(changes.get(0).at()).isEqualTo(since.toEpochMilli());
		Instant later = Instant.now().plusSeconds(1);
		assertThat(timeline.since(List.of("primary"), later).get("primary"))
			.containsExactly(new StateChange(later.toEpochMilli(), "HALF_OPEN"));
	}

	@Test
	void watchesBreakersAddedLaterAndTheirResets() {
		BreakerTimeline timeline = new BreakerTimeline(this.registry, clock(this.start), Duration.ofMinutes(1));
		Instant since = this.start.plusSeconds(1);
		CircuitBreaker breaker = this.registry.circuitBreaker("secondary");
		breaker.transitionToForcedOpenState();
		breaker.reset();
		assertThat(timeline.since(List.of("secondary", "unknown"), since))
			.hasEntrySatisfying("secondary",
					(changes) -> assertThat(changes).extracting(StateChange::state)
						.startsWith("CLOSED", "FORCED_OPEN")
						.endsWith("CLOSED"))
			.hasEntrySatisfying("unknown", (changes) -> assertThat(changes).isEmpty());
	}

	@Test
	void forgetsChangesOlderThanItKeepsButTheStateTheyLeft() {
		CircuitBreaker breaker = this.registry.circuitBreaker("primary");
		BreakerTimeline timeline = new BreakerTimeline(this.registry, clock(Instant.now().plusSeconds(60)),
				Duration.ZERO);
		breaker.transitionToOpenState();
		breaker.transitionToHalfOpenState();
		assertThat(timeline.since(List.of("primary"), Instant.EPOCH).get("primary")).extracting(StateChange::state)
			.containsExactly("HALF_OPEN");
	}

	private static Clock clock(Instant instant) {
		return Clock.fixed(instant, ZoneOffset.UTC);
	}

}
