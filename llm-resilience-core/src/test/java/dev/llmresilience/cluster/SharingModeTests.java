package dev.llmresilience.cluster;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmresilience.test.LogRecorder;
import dev.llmresilience.test.MutableClock;
import dev.llmresilience.test.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.test.publisher.PublisherProbe;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SharingMode}: the switch to local budgets on the first failure, and
 * the probe that switches back, on virtual time, with Redis replaced by the answers of
 * its ping and of a reconnection.
 */
@ExtendWith({ VirtualTime.class, LogRecorder.class })
class SharingModeTests {

	private static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

	private static final String SHARED = "Rate budgets, spend budgets and rate-limit holds are shared through Redis";

	private final MutableClock clock = new MutableClock();

	private final AtomicInteger pings = new AtomicInteger();

	private final AtomicInteger reconnections = new AtomicInteger();

	private volatile Mono<Void> pingAnswer = Mono.empty();

	private volatile Mono<Void> reconnectionAnswer = Mono.empty();

	private final SharingMode mode = new SharingMode(this.clock, PROBE_INTERVAL, () -> {
		this.pings.incrementAndGet();
		return this.pingAnswer;
	}, () -> {
		this.reconnections.incrementAndGet();
		return this.reconnectionAnswer;
	});

	@AfterEach
	void stop() {
		this.mode.stop();
	}

	@Test
	void localUntilStartedAndRedisHasAnswered(VirtualTimeScheduler time) {
		assertThat(this.mode.status()).isEqualTo(ClusterStatus.local(this.clock.instant(), "not connected yet"));
		this.reconnectionAnswer = Mono.error(new IllegalStateException("Connection refused"));
		this.mode.start();
		time.advanceTime();
		assertThat(this.mode.isShared()).isFalse();
		assertThat(this.mode.status().reason()).isEqualTo("IllegalStateException: Connection refused");
		this.reconnectionAnswer = Mono.empty();
		this.clock.advance(PROBE_INTERVAL);
		time.advanceTimeBy(PROBE_INTERVAL);
		assertThat(this.mode.isShared()).isTrue();
		assertThat(this.mode.status()).isEqualTo(ClusterStatus.shared(this.clock.instant()));
	}

	@Test
	void theFirstFailureSwitchesToLocalAtOnceAndTheProbeSwitchesBack(VirtualTimeScheduler time, LogRecorder logs) {
		this.mode.start();
		time.advanceTime();
		assertThat(this.mode.isShared()).isTrue();
		this.clock.advance(Duration.ofMillis(300));
		this.mode.unreachable(new TimeoutException());
		assertThat(this.mode.isShared()).isFalse();
		assertThat(this.mode.status())
			.isEqualTo(ClusterStatus.local(this.clock.instant(), "no answer within the timeout"));
		// a second failure of the same outage keeps the time of the switch
		this.clock.advance(Duration.ofMillis(300));
		this.mode.unreachable(new IllegalStateException("Connection reset"));
		assertThat(this.mode.status()).isEqualTo(
				ClusterStatus.local(this.clock.instant().minusMillis(300), "IllegalStateException: Connection reset"));
		time.advanceTimeBy(PROBE_INTERVAL);
		assertThat(this.mode.isShared()).isTrue();
		assertThat(this.reconnections).hasValue(2);
		assertThat(logs.text()).containsOnlyOnce("Redis is unreachable (no answer within the timeout)");
		assertThat(logs.text().split(SHARED, -1)).hasSize(3);
	}

	@Test
	void whileSharedTheProbePingsAndAFailedPingSwitchesToLocal(VirtualTimeScheduler time) {
		this.mode.start();
		time.advanceTime();
		time.advanceTimeBy(PROBE_INTERVAL);
		assertThat(this.pings).hasValue(1);
		assertThat(this.mode.isShared()).isTrue();
		this.pingAnswer = Mono.error(new TimeoutException());
		time.advanceTimeBy(PROBE_INTERVAL);
		assertThat(this.mode.isShared()).isFalse();
		assertThat(this.reconnections).hasValue(1);
		time.advanceTimeBy(PROBE_INTERVAL);
		assertThat(this.reconnections).hasValue(2);
		assertThat(this.mode.isShared()).isTrue();
	}

	@Test
	void theGenerationChangesWithEverySwitchAndOnlyThen(VirtualTimeScheduler time) {
		long notConnected = this.mode.generation();
		this.reconnectionAnswer = Mono.error(new IllegalStateException("Connection refused"));
		this.mode.start();
		time.advanceTime();
		assertThat(this.mode.generation()).isEqualTo(notConnected);
		this.reconnectionAnswer = Mono.empty();
		time.advanceTimeBy(PROBE_INTERVAL);
		long shared = this.mode.generation();
		assertThat(shared).isNotEqualTo(notConnected);
		time.advanceTimeBy(PROBE_INTERVAL);
		assertThat(this.mode.generation()).isEqualTo(shared);
		this.mode.unreachable(new TimeoutException());
		long local = this.mode.generation();
		assertThat(local).isNotEqualTo(shared);
		// a second failure of the same outage is no switch
		this.mode.unreachable(new TimeoutException());
		assertThat(this.mode.generation()).isEqualTo(local);
		time.advanceTimeBy(PROBE_INTERVAL);
		assertThat(this.mode.generation()).isNotIn(shared, local);
		long sharedAgain = this.mode.generation();
		this.mode.stop();
		assertThat(this.mode.generation()).isNotIn(shared, local, sharedAgain);
	}

	@Test
	void stopCancelsAReconnectionUnderWayAndLeavesBudgetsLocal(VirtualTimeScheduler time) {
		PublisherProbe<Void> unanswered = PublisherProbe.of(Mono.never());
		this.reconnectionAnswer = unanswered.mono();
		this.mode.start();
		time.advanceTime();
		assertThat(this.mode.isRunning()).isTrue();
		unanswered.assertWasSubscribed();
		this.mode.stop();
		unanswered.assertWasCancelled();
		assertThat(this.mode.isRunning()).isFalse();
		assertThat(this.mode.status()).isEqualTo(ClusterStatus.local(this.clock.instant(), "stopped"));
	}

}
