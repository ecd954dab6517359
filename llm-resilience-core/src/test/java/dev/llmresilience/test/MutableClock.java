package dev.llmresilience.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until a test moves it, so that a circuit breaker's wait in
 * the open state passes when the test says so rather than after a sleep.
 */
public final class MutableClock extends Clock {

	private volatile Instant instant;

	/**
	 * Create a clock that starts at 2025-06-01T12:00:00Z.
	 */
	public MutableClock() {
		this(Instant.parse("2025-06-01T12:00:00Z"));
	}

	public MutableClock(Instant start) {
		this.instant = start;
	}

	public void advance(Duration duration) {
		this.instant = this.instant.plus(duration);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("A mutable clock has a single zone");
	}

	@Override
	public Instant instant() {
		return this.instant;
	}

}
