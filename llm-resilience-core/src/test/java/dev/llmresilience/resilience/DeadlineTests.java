package dev.llmresilience.resilience;

import java.time.Duration;

import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.test.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Deadline}, on Reactor's virtual time.
 */
@ExtendWith(VirtualTime.class)
class DeadlineTests {

	private final VirtualTimeScheduler scheduler;

	DeadlineTests(VirtualTimeScheduler scheduler) {
		this.scheduler = scheduler;
	}

	@Test
	void noTimeoutGivesADeadlineThatNeverPasses() {
		Deadline deadline = Deadline.after(null);
		assertThat(deadline).isSameAs(Deadline.none());
		this.scheduler.advanceTimeBy(Duration.ofDays(365));
		assertThat(deadline.isSet()).isFalse();
		assertThat(deadline.timeout()).isNull();
		assertThat(deadline.remaining()).isNull();
		assertThat(deadline.hasPassed()).isFalse();
		assertThat(deadline.allows(Duration.ofDays(365))).isTrue();
	}

	@Test
	void remainingTimeFollowsReactorsClock() {
		Deadline deadline = Deadline.after(Duration.ofSeconds(1));
		assertThat(deadline.timeout()).isEqualTo(Duration.ofSeconds(1));
		assertThat(deadline.remaining()).isEqualTo(Duration.ofSeconds(1));
		this.scheduler.advanceTimeBy(Duration.ofMillis(400));
		assertThat(deadline.remaining()).isEqualTo(Duration.ofMillis(600));
		assertThat(deadline.hasPassed()).isFalse();
		this.scheduler.advanceTimeBy(Duration.ofMillis(600));
		assertThat(deadline.remaining()).isZero();
		assertThat(deadline.hasPassed()).isTrue();
		this.scheduler.advanceTimeBy(Duration.ofMillis(600));
		assertThat(deadline.remaining()).isZero();
	}

	@Test
	void allowsOnlyAWaitThatEndsBeforeTheDeadline() {
		Deadline deadline = Deadline.after(Duration.ofSeconds(1));
		this.scheduler.advanceTimeBy(Duration.ofMillis(400));
		assertThat(deadline.allows(Duration.ofMillis(599))).isTrue();
		assertThat(deadline.allows(Duration.ofMillis(600))).isFalse();
	}

}
