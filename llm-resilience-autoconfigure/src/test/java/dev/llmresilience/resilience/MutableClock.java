package dev.llmresilience.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until a test moves it, so that a circuit breaker's wait in the open
 * state passes when the test says so.
 */
final class MutableClock extends Clock {

	private volatile Instant instant = Instant.parse("2025-06-01T12:00:00Z");

	void advance(Duration duration) {
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
