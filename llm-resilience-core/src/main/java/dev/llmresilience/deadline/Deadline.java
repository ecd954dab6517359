package dev.llmresilience.deadline;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import reactor.core.scheduler.Schedulers;

import org.springframework.lang.Nullable;

/**
 * The moment by which a request must end, measured on Reactor's parallel scheduler clock,
 * so that tests running on virtual time see it move with their timers.
 */
public final class Deadline {

	private static final Deadline NONE = new Deadline(null, Long.MAX_VALUE);

	private final Duration timeout;

	private final long endMillis;

	private Deadline(@Nullable Duration timeout, long endMillis) {
		this.timeout = timeout;
		this.endMillis = endMillis;
	}

	/**
	 * Return a deadline that never passes.
	 * @return the deadline
	 */
	public static Deadline none() {
		return NONE;
	}

	/**
	 * Return the deadline a timeout from now.
	 * @param timeout the time granted, or {@code null} for none
	 * @return the deadline
	 */
	public static Deadline after(@Nullable Duration timeout) {
		return (timeout != null) ? new Deadline(timeout, now() + timeout.toMillis()) : NONE;
	}

	private static long now() {
		return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
	}

	/**
	 * Return whether this deadline ever passes.
	 * @return {@code true} unless this is {@link #none()}
	 */
	public boolean isSet() {
		return this.timeout != null;
	}

	/**
	 * Return the time granted when the deadline was set.
	 * @return the timeout, or {@code null} for none
	 */
	@Nullable
	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Return the time left, never negative.
	 * @return the time left, or {@code null} for none
	 */
	@Nullable
	public Duration remaining() {
		return isSet() ? Duration.ofMillis(Math.max(0, this.endMillis - now())) : null;
	}

	/**
	 * Return whether the deadline has passed.
	 * @return {@code true} if no time is left
	 */
	public boolean hasPassed() {
		return isSet() && this.endMillis - now() <= 0;
	}

	/**
	 * Return whether a wait of the given length would still end before the deadline.
	 * @param wait the wait
	 * @return {@code true} if it ends in time
	 */
	public boolean allows(Duration wait) {
		return !isSet() || wait.toMillis() < this.endMillis - now();
	}

}
