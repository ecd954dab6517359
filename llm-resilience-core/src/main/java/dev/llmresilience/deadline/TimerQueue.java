package dev.llmresilience.deadline;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * Timers of one delay on one scheduler, served by a single task of that scheduler rather
 * than a task each. A timer set on the scheduler costs a lock, a heap entry and, when it
 * becomes the earliest, the wake-up of the scheduler's thread, for a limit that almost
 * never fires: every call of a provider sets one and cancels it when the answer comes.
 * Timers of one delay end in the order they are set, so the queue is a list kept in order
 * of end by adding at its tail, and its task is set for the earliest; a cancelled timer
 * leaves the list at once but not the task, which, when it fires, runs the timers whose
 * time has come and sets itself again for the next. A steady flow of calls then schedules
 * about one task per delay.
 * <p>
 * Queues are shared per delay, for the scheduler that was asked for last: tests on
 * virtual time get a queue of their own scheduler, and a queue left behind by another
 * scheduler still serves its timers.
 */
final class TimerQueue {

	private static final ConcurrentMap<Long, TimerQueue> QUEUES = new ConcurrentHashMap<>();

	private final Scheduler scheduler;

	private final long delayNanos;

	private final Runnable fire = this::fire;

	/** The timers in order of end; guarded by this queue's monitor. */
	private Timer head;

	private Timer tail;

	/** Whether the queue's task is set; guarded by this queue's monitor. */
	private boolean armed;

	private TimerQueue(Scheduler scheduler, long delayNanos) {
		this.scheduler = scheduler;
		this.delayNanos = delayNanos;
	}

	/**
	 * Return the queue of timers of a delay on a scheduler.
	 * @param scheduler the scheduler whose clock and task the timers use
	 * @param delayNanos the delay of every timer of the queue
	 * @return the queue
	 */
	static TimerQueue of(Scheduler scheduler, long delayNanos) {
		TimerQueue queue = QUEUES.get(delayNanos);
		if (queue == null || queue.scheduler != scheduler) {
			queue = new TimerQueue(scheduler, delayNanos);
			QUEUES.put(delayNanos, queue);
		}
		return queue;
	}

	/**
	 * Set a timer to run an action once the queue's delay has passed.
	 * @param action runs on the scheduler when the timer fires, unless it was disposed
	 * before
	 * @return the timer, to be disposed when it is no longer needed
	 * @throws RejectedExecutionException if the scheduler is disposed
	 */
	Disposable add(Runnable action) {
		Timer timer = new Timer(action);
		boolean arm;
		synchronized (this) {
			timer.at = now() + this.delayNanos;
			timer.queued = true;
			if (this.tail == null) {
				this.head = timer;
			}
			else {
				this.tail.next = timer;
				timer.previous = this.tail;
			}
			this.tail = timer;
			arm = !this.armed;
			this.armed = true;
		}
		if (arm) {
			schedule(timer.at);
		}
		return timer;
	}

	/**
	 * The queue's task: run the timers whose time has come, in order, and set the task
	 * again for the earliest of the others.
	 */
	private void fire() {
		Timer due = null;
		long next = 0;
		boolean rearm;
		synchronized (this) {
			long now = now();
			Timer timer = this.head;
			while (timer != null && timer.at - now <= 0) {
				timer.queued = false;
				timer = timer.next;
			}
			if (timer != this.head) {
				due = this.head;
				if (timer != null) {
					// cut the due timers off the list
					timer.previous.next = null;
					timer.previous = null;
				}
				else {
					this.tail = null;
				}
				this.head = timer;
			}
			rearm = this.head != null;
			if (rearm) {
				next = this.head.at;
			}
			else {
				this.armed = false;
			}
		}
		try {
			if (rearm) {
				schedule(next);
			}
		}
		finally {
			run(due);
		}
	}

	private static void run(Timer due) {
		RuntimeException failure = null;
		for (Timer timer = due; timer != null; timer = timer.next) {
			try {
				timer.action.run();
			}
			catch (RuntimeException ex) {
				// the others still fire
				failure = (failure != null) ? failure : ex;
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	private void schedule(long at) {
		try {
			this.scheduler.schedule(this.fire, Math.max(0, at - now()), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			synchronized (this) {
				this.armed = false;
			}
			throw ex;
		}
	}

	private synchronized void remove(Timer timer) {
		if (!timer.queued) {
			return;
		}
		timer.queued = false;
		if (timer.previous != null) {
			timer.previous.next = timer.next;
		}
		else {
			this.head = timer.next;
		}
		if (timer.next != null) {
			timer.next.previous = timer.previous;
		}
		else {
			this.tail = timer.previous;
		}
		timer.previous = null;
		timer.next = null;
	}

	private long now() {
		return this.scheduler.now(TimeUnit.NANOSECONDS);
	}

	/**
	 * A timer of the queue; its links are guarded by the queue's monitor.
	 */
	private final class Timer implements Disposable {

		private final Runnable action;

		private long at;

		private boolean queued;

		private Timer previous;

		private Timer next;

		Timer(Runnable action) {
			this.action = action;
		}

		@Override
		public void dispose() {
			remove(this);
		}

		@Override
		public boolean isDisposed() {
			synchronized (TimerQueue.this) {
				return !this.queued;
			}
		}

	}

}
