package dev.llmresilience.provider.openai;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.llmresilience.RateLimitStatus;

import org.springframework.http.HttpHeaders;

/**
 * Reads OpenAI's {@code x-ratelimit-*} headers. Their reset values are durations in the
 * notation of Go ({@code 6m0s}, {@code 12ms}, {@code 1h2m3.5s}), counted from the
 * response.
 */
final class OpenAiRateLimits {

	private static final String PREFIX = "x-ratelimit-";

	private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s|us|µs|μs|ns)");

	private OpenAiRateLimits() {
	}

	/**
	 * Read the rate-limit headers.
	 * @param headers the response headers
	 * @param clock the clock that reset durations are added to
	 * @return the status, {@link RateLimitStatus#NONE} if there are none
	 */
	static RateLimitStatus from(HttpHeaders headers, Clock clock) {
		Instant now = clock.instant();
		return new RateLimitStatus(count(headers, "limit-requests"), count(headers, "remaining-requests"),
				reset(headers, "reset-requests", now), count(headers, "limit-tokens"),
				count(headers, "remaining-tokens"), reset(headers, "reset-tokens", now));
	}

	private static Long count(HttpHeaders headers, String name) {
		String value = headers.getFirst(PREFIX + name);
		if (value == null) {
			return null;
		}
		try {
			long count = Long.parseLong(value.trim());
			// -1 is how some gateways say "no limit"
			return (count >= 0) ? count : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static Instant reset(HttpHeaders headers, String name, Instant now) {
		Duration duration = parseDuration(headers.getFirst(PREFIX + name));
		if (duration == null) {
			return null;
		}
		try {
			return now.plus(duration);
		}
		catch (DateTimeException | ArithmeticException ex) {
			return null;
		}
	}

	/**
	 * Parse a duration such as {@code 6m0s}, {@code 12ms} or {@code 1h2m3.5s}.
	 * @param value the header value, or {@code null}
	 * @return the duration, or {@code null} if the value is absent, negative or
	 * unreadable
	 */
	static Duration parseDuration(String value) {
		if (value == null) {
			return null;
		}
		String text = value.trim();
		if (text.equals("0")) {
			// Go writes a zero duration as "0s" but reads a bare "0" too
			return Duration.ZERO;
		}
		if (text.isEmpty()) {
			return null;
		}
		Matcher part = DURATION_PART.matcher(text);
		BigDecimal nanos = BigDecimal.ZERO;
		int position = 0;
		while (position < text.length()) {
			part.region(position, text.length());
			if (!part.lookingAt()) {
				return null;
			}
			nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(unitNanos(part.group(2)))));
			position = part.end();
		}
		try {
			return Duration.ofNanos(nanos.setScale(0, RoundingMode.DOWN).longValueExact());
		}
		catch (ArithmeticException ex) {
			return null;
		}
	}

	private static long unitNanos(String unit) {
		return switch (unit) {
			case "h" -> 3_600_000_000_000L;
			case "m" -> 60_000_000_000L;
			case "s" -> 1_000_000_000L;
			case "ms" -> 1_000_000L;
			case "ns" -> 1L;
			default -> 1_000L; // us, µs (micro sign) and μs (Greek mu), as Go accepts all
								// three
		};
	}

}
