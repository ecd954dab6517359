package dev.llmresilience.provider;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.springframework.http.HttpHeaders;

/**
 * Reads the wait a server asks for: {@code retry-after-ms} (milliseconds, possibly fractional)
 * first, then {@code retry-after} as seconds or as an HTTP date.
 */
public final class RetryAfter {

	private RetryAfter() {
	}

	/**
	 * Return the wait the headers ask for.
	 * @param headers the response headers
	 * @param clock the clock an HTTP date is measured against
	 * @return the wait, never negative, or {@code null} if no header gives a readable one
	 */
	public static Duration from(HttpHeaders headers, Clock clock) {
		Duration millis = parseMillis(headers.getFirst("retry-after-ms"));
		return (millis != null) ? millis : parse(headers.getFirst(HttpHeaders.RETRY_AFTER), clock);
	}

	private static Duration parseMillis(String value) {
		if (value == null) {
			return null;
		}
		try {
			double millis = Double.parseDouble(value.trim());
			return (millis >= 0 && Double.isFinite(millis)) ? Duration.ofNanos((long) (millis * 1_000_000)) : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	static Duration parse(String value, Clock clock) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String trimmed = value.trim();
		try {
			double seconds = Double.parseDouble(trimmed);
			return (seconds >= 0 && Double.isFinite(seconds)) ? Duration.ofMillis((long) (seconds * 1000)) : null;
		}
		catch (NumberFormatException ex) {
			// not seconds: try an HTTP date
		}
		try {
			ZonedDateTime date = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
			Duration wait = Duration.between(clock.instant(), date.toInstant());
			return wait.isNegative() ? Duration.ZERO : wait;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}
