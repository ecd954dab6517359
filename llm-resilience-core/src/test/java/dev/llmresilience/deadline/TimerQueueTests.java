package dev.llmresilience.deadline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link TimerQueue}, on virtual time.
 */
class TimerQueueTests {

	private static final Duration DELAY = Duration.ofSeconds(10);

	private final CountingScheduler scheduler = new CountingScheduler();

	private final TimerQueue queue = TimerQueue.of(this.scheduler, DELAY.toNanos());

	private final List<String> fired = new ArrayList<>();

	@Test
	void timersFireWhenTheirDelayHasPassedInTheOrderSet() {
		this.queue.add(() -> this.fired.add("a"));
		this.scheduler.advanceTimeBy(Duration.ofSeconds(1));
		this.queue.add(() -> this.fired.add("b"));
		this.scheduler.advanceTimeBy(Duration.ofSeconds(1));
		this.queue.add(() -> this.fired.add("c"));
		this.scheduler.advanceTimeBy(DELAY.minusSeconds(2).minusMillis(1));
		assertThat(this.fired).isEmpty();
		this.scheduler.advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.fired).containsExactly("a");
		this.scheduler.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(this.fired).containsExactly("a", "b");
		this.scheduler.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(this.fired).containsExactly("a", "b", "c");
	}

	@Test
	void timersSetTogetherFireTogether() {
		this.queue.add(() -> this.fired.add("a"));
		this.queue.add(() -> this.fired.add("b"));
		this.scheduler.advanceTimeBy(DELAY);
		assertThat(this.fired).containsExactly("a", "b");
		assertThat(this.scheduler.scheduled()).isOne();
	}

	@Test
	void disposedTimerDoesNotFire() {
		Disposable a = this.queue.add(() -> this.fired.add("a"));
		Disposable b = this.queue.add(() -> this.fired.add("b"));
		Disposable c = this.queue.add(() -> this.fired.add("c"));
		b.dispose();
		assertThat(b.isDisposed()).isTrue();
		assertThat(a.isDisposed()).isFalse();
		this.scheduler.advanceTimeBy(DELAY);
		assertThat(this.fired).containsExactly("a", "c");
		assertThat(a.isDisposed()).isTrue();
		// disposing a timer that fired or was disposed changes nothing
		a.dispose();
		b.dispose();
		c.dispose();
		assertThat(this.fired).containsExactly("a", "c");
	}

	@Test
	void manyTimersSetAndDisposedScheduleAboutOneTaskPerDelay() {
		for (int i = 0; i < 1000; i++) {
			this.queue.add(() -> this.fired.add("disposed")).dispose();
			this.scheduler.advanceTimeBy(Duration.ofMillis(100));
		}
		// the last timer set is disposed too; one more stays
		this.queue.add(() -> this.fired.add("kept"));
		this.scheduler.advanceTimeBy(DELAY);
		assertThat(this.fired).containsExactly("kept");
		// 100 s of timers: the task fired every 10 s and set itself again for the
		// next; a task each would be 1001
		assertThat(this.scheduler.scheduled()).isLessThanOrEqualTo(12);
	}

	@Test
	void taskSetForADisposedTimerSetsItselfAgainForTheNext() {
		Disposable first = this.queue.add(() -> this.fired.add("first"));
		this.scheduler.advanceTimeBy(Duration.ofSeconds(3));
		this.queue.add(() -> this.fired.add("second"));
		first.dispose();
		this.scheduler.advanceTimeBy(DELAY.minusSeconds(3));
		assertThat(this.fired).isEmpty();
		this.scheduler.advanceTimeBy(Duration.ofSeconds(3).minusMillis(1));
		assertThat(this.fired).isEmpty();
		this.scheduler.advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.fired).containsExactly("second");
	}

	@Test
	void timerSetAfterTheQueueEmptiedSetsTheTaskAgain() {
		this.queue.add(() -> this.fired.add("a"));
		this.scheduler.advanceTimeBy(DELAY);
		this.queue.add(() -> this.fired.add("b"));
		this.scheduler.advanceTimeBy(DELAY);
		assertThat(this.fired).containsExactly("a", "b");
		assertThat(this.scheduler.scheduled()).isEqualTo(2);
	}

	@Test
	void failingActionDoesNotStopTheOthersDue() {
		this.queue.add(() -> {
			this.fired.add("failing");
			throw new IllegalStateException("boom");
		});
		this.queue.add(() -> this.fired.add("next"));
		this.queue.add(() -> this.fired.add("later"));
		try {
			this.scheduler.advanceTimeBy(DELAY);
		}
		catch (IllegalStateException ex) {
			// the scheduler's own handling of a failed task
		}
		assertThat(this.fired).containsExactly("failing", "next", "later");
	}

	@Test
	void queueIsSharedPerDelayForTheSchedulerAskedForLast() {
		assertThat(TimerQueue.of(this.scheduler, DELAY.toNanos())).isSameAs(this.queue);
		assertThat(TimerQueue.of(this.scheduler, DELAY.toNanos() + 1)).isNotSameAs(this.queue);
		CountingScheduler other = new CountingScheduler();
		TimerQueue otherQueue = TimerQueue.of(other, DELAY.toNanos());
		assertThat(otherQueue).isNotSameAs(this.queue);
		// the queue left behind still serves its timers
		this.queue.add(() -> this.fired.add("left behind"));
		otherQueue.add(() -> this.fired.add("other"));
		this.scheduler.advanceTimeBy(DELAY);
		assertThat(this.fired).containsExactly("left behind");
		other.advanceTimeBy(DELAY);
		assertThat(this.fired).containsExactly("left behind", "other");
	}

	@Test
	void timerOnADisposedSchedulerIsRejected() {
		VirtualTimeScheduler disposed = VirtualTimeScheduler.create();
		disposed.dispose();
		TimerQueue rejecting = TimerQueue.of(disposed, DELAY.toNanos());
		assertThatExceptionOfType(RejectedExecutionException.class)
			.isThrownBy(() -> rejecting.add(() -> this.fired.add("never")));
		assertThatExceptionOfType(RejectedExecutionException.class)
			.isThrownBy(() -> rejecting.add(() -> this.fired.add("never")));
	}

}
