package dev.llmresilience.test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link VirtualTime}.
 */
@ExtendWith(VirtualTime.class)
class VirtualTimeTests {

	private static VirtualTimeScheduler previousTestsScheduler;

	private final VirtualTimeScheduler time;

	private VirtualTimeScheduler timeInBeforeEach;

	VirtualTimeTests(VirtualTimeScheduler time) {
		this.time = time;
	}

	@BeforeEach
	void schedulerOfBeforeEach(VirtualTimeScheduler time) {
		this.timeInBeforeEach = time;
	}

	@Test
	void constructorBeforeEachAndTestMethodGetTheSchedulerReactorUses(VirtualTimeScheduler time) {
		assertThat(this.time).isSameAs(this.timeInBeforeEach).isSameAs(time).isSameAs(VirtualTimeScheduler.get());
	}

	@Test
	void delayEndsWhenTheVirtualTimeIsMovedPastIt() {
		AtomicBoolean ended = new AtomicBoolean();
		Mono.delay(Duration.ofMinutes(5)).subscribe((tick) -> ended.set(true));
		this.time.advanceTimeBy(Duration.ofMinutes(5).minusMillis(1));
		assertThat(ended).isFalse();
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(ended).isTrue();
	}

	@RepeatedTest(2)
	void eachTestStartsAtTimeZeroOnAFreshScheduler() {
		assertThat(this.time.now(TimeUnit.MILLISECONDS)).isZero();
		assertThat(this.time).isNotSameAs(previousTestsScheduler);
		previousTestsScheduler = this.time;
		this.time.advanceTimeBy(Duration.ofHours(1));
	}

	@AfterAll
	static void reactorIsBackOnRealTimeAfterTheTests() {
		assertThat(VirtualTimeScheduler.isFactoryEnabled()).isFalse();
	}

}
