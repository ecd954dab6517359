package dev.llmresilience.deadline;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A scheduler on virtual time that counts the delayed tasks it is given.
 */
final class CountingScheduler implements Scheduler {

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final AtomicInteger scheduled = new AtomicInteger();

	@Override
	public Disposable schedule(Runnable task) {
		return this.time.schedule(task);
	}

	@Override
	public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
		this.scheduled.incrementAndGet();
		return this.time.schedule(task, delay, unit);
	}

	@Override
	public long now(TimeUnit unit) {
		return this.time.now(unit);
	}

	@Override
	public Worker createWorker() {
		return this.time.createWorker();
	}

	@Override
	public void dispose() {
		this.time.dispose();
	}

	/**
	 * Return how many delayed tasks were scheduled.
	 * @return the count
	 */
	int scheduled() {
		return this.scheduled.get();
	}

	/**
	 * Move virtual time forward, running the tasks due.
	 * @param duration how far
	 */
	void advanceTimeBy(Duration duration) {
		this.time.advanceTimeBy(duration);
	}

}
