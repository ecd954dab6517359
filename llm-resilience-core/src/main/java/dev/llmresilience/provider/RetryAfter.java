package dev.llmresilience.provider;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;

import org.springframework.http.HttpHeaders;

/**
 * Reads the wait a server asks for: {@code retry-after-ms} (milliseconds, possibly
 * fractional) first, then {@code retry-after} as seconds or as an HTTP date. An HTTP date
 * may take any of the three forms that RFC 9110 (section 5.6.7) requires a recipient to
 * accept: the preferred IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}) and the
 * obsolete RFC 850 ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and asctime
 * ({@code Sun Nov  6 08:49:37 1994}, in UTC) forms. A day name that contradicts the date
 * makes the date unreadable.
 */
public final class RetryAfter {

	/**
	 * The RFC 850 form after its day name; the two-digit year is resolved against the
	 * clock.
	 */
	private static final DateTimeFormatter RFC_850_DATE = new DateTimeFormatterBuilder().parseCaseInsensitive()
		.appendPattern("dd-MMM-")
		.appendValueReduced(ChronoField.YEAR, 2, 2, 2000)
		.appendPattern(" HH:mm:ss 'GMT'")
		.toFormatter(Locale.US)
		.withChronology(IsoChronology.INSTANCE)
		.withResolverStyle(ResolverStyle.STRICT);

	/**
	 * The asctime form, with runs of spaces made one (a one-digit day is padded with a
	 * space).
	 */
	private static final DateTimeFormatter ASCTIME_DATE = new DateTimeFormatterBuilder().parseCaseInsensitive()
		.appendPattern("EEE MMM d HH:mm:ss uuuu")
		.toFormatter(Locale.US)
		.withChronology(IsoChronology.INSTANCE)
		.withResolverStyle(ResolverStyle.STRICT);

	/**
	 * A two-digit year further in the future than this is a year of the past (RFC 9110).
	 */
	private static final int TWO_DIGIT_YEAR_HORIZON = 50;

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
		Instant date = httpDate(trimmed, clock);
		if (date == null) {
			return null;
		}
		Duration wait = Duration.between(clock.instant(), date);
		return wait.isNegative() ? Duration.ZERO : wait;
	}

	private static Instant httpDate(String value, Clock clock) {
		try {
			return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
		}
		catch (DateTimeException ex) {
			// not an IMF-fixdate: try the obsolete forms
		}
		try {
			int comma = value.indexOf(',');
			if (comma > 0) {
				return rfc850Date(value.substring(0, comma), value.substring(comma + 1).trim(), clock);
			}
			return LocalDateTime.parse(value.replaceAll(" +", " "), ASCTIME_DATE).toInstant(ZoneOffset.UTC);
		}
		catch (DateTimeException ex) {
			return null;
		}
	}

	/**
	 * Read an RFC 850 date. Its two-digit year is the latest year with those digits that
	 * does not put the date more than 50 years after now: RFC 9110 has a date that
	 * appears to be more than 50 years in the future read as the most recent year in the
	 * past with the same last two digits.
	 */
	private static Instant rfc850Date(String dayName, String rest, Clock clock) {
		LocalDateTime parsed = LocalDateTime.parse(rest, RFC_850_DATE);
		LocalDateTime now = LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
		LocalDateTime horizon = now.plusYears(TWO_DIGIT_YEAR_HORIZON);
		int twoDigits = parsed.getYear() % 100;
		int year = Math.floorDiv(now.getYear(), 100) * 100 + twoDigits + 100;
		for (int tries = 0; tries < 4; tries++, year -= 100) {
			LocalDateTime date = withYear(parsed, year);
			if (date != null && !date.isAfter(horizon)) {
				return isDayOf(dayName.trim(), date) ? date.toInstant(ZoneOffset.UTC) : null;
			}
		}
		return null;
	}

	/**
	 * Return whether a day name, full as RFC 850 has it or abbreviated as some servers
	 * send it, is the day of the week of a date.
	 */
	private static boolean isDayOf(String dayName, LocalDateTime date) {
		return date.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.US).equalsIgnoreCase(dayName)
				|| date.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.US).equalsIgnoreCase(dayName);
	}

	private static LocalDateTime withYear(LocalDateTime date, int year) {
		try {
			return LocalDateTime.of(year, date.getMonth(), date.getDayOfMonth(), date.getHour(), date.getMinute(),
					date.getSecond());
		}
		catch (DateTimeException ex) {
			// the 29th of February of a year that is not a leap year
			return null;
		}
	}

}
