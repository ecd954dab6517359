package dev.llmresilience.benchmarks.report;

import java.time.Duration;
import java.util.Locale;

/**
 * Formats the figures of the report, so that every table rounds alike.
 */
public final class Figures {

	private Figures() {
	}

	/**
	 * Format a count or a rate without decimals, such as {@code 12,345}.
	 * @param value the value
	 * @return the text
	 */
	public static String whole(double value) {
		return String.format(Locale.ROOT, "%,.0f", value);
	}

	/**
	 * Format microseconds, such as {@code 412 µs} or {@code 1.25 ms}.
	 * @param micros the value
	 * @return the text
	 */
	public static String micros(double micros) {
		if (Math.abs(micros) >= 10_000) {
			return String.format(Locale.ROOT, "%,.1f ms", micros / 1000);
		}
		if (Math.abs(micros) >= 1_000) {
			return String.format(Locale.ROOT, "%,.2f ms", micros / 1000);
		}
		return String.format(Locale.ROOT, "%,.0f µs", micros);
	}

	/**
	 * Format a difference in microseconds with its sign, such as {@code +35 µs}.
	 * @param micros the difference
	 * @return the text
	 */
	public static String addedMicros(double micros) {
		return ((micros >= 0) ? "+" : "−") + micros(Math.abs(micros));
	}

	/**
	 * Format a ratio, such as {@code 0.97x}.
	 * @param ratio the ratio
	 * @return the text
	 */
	public static String ratio(double ratio) {
		return String.format(Locale.ROOT, "%.2fx", ratio);
	}

	/**
	 * Format a share as a percentage, such as {@code 42%}.
	 * @param share the share, 0 to 1
	 * @return the text
	 */
	public static String percent(double share) {
		return String.format(Locale.ROOT, "%.0f%%", share * 100);
	}

	/**
	 * Format a byte count, such as {@code 14.2 KiB} or {@code 311 MiB}.
	 * @param bytes the count
	 * @return the text
	 */
	public static String bytes(double bytes) {
		if (Math.abs(bytes) >= 1024 * 1024) {
			return String.format(Locale.ROOT, "%,.1f MiB", bytes / (1024 * 1024));
		}
		if (Math.abs(bytes) >= 1024) {
			return String.format(Locale.ROOT, "%,.1f KiB", bytes / 1024);
		}
		return String.format(Locale.ROOT, "%,.0f B", bytes);
	}

	/**
	 * Format a duration in seconds, such as {@code 2.5 s}.
	 * @param duration the duration
	 * @return the text
	 */
	public static String seconds(Duration duration) {
		return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
	}

	/**
	 * Say whether a target is met.
	 * @param met whether it is
	 * @return {@code met} or {@code MISSED}
	 */
	public static String verdict(boolean met) {
		return met ? "met" : "**MISSED**";
	}

}
