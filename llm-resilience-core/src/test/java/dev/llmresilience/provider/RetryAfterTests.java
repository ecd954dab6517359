package dev.llmresilience.provider;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RetryAfter}.
 */
class RetryAfterTests {

	private final Clock clock = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);

	@Test
	void noHeaderGivesNull() {
		assertThat(RetryAfter.from(new HttpHeaders(), this.clock)).isNull();
	}

	@Test
	void retryAfterMsIsReadAsMilliseconds() {
		assertThat(RetryAfter.from(headers("retry-after-ms", "1500"), this.clock)).isEqualTo(Duration.ofMillis(1500));
	}

	@Test
	void fractionalRetryAfterMsKeepsSubMillisecondPrecision() {
		assertThat(RetryAfter.from(headers("retry-after-ms", "12.5"), this.clock))
			.isEqualTo(Duration.ofMillis(12).plusNanos(500_000));
	}

	@Test
	void retryAfterIsReadAsSeconds() {
		assertThat(RetryAfter.from(headers("retry-after", "30"), this.clock)).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void fractionalRetryAfterSecondsAreReadToTheMillisecond() {
		assertThat(RetryAfter.from(headers("retry-after", "1.25"), this.clock)).isEqualTo(Duration.ofMillis(1250));
	}

	@Test
	void retryAfterWithSurroundingWhitespaceIsRead() {
		assertThat(RetryAfter.from(headers("retry-after", " 7 "), this.clock)).isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void zeroRetryAfterIsAZeroWait() {
		assertThat(RetryAfter.from(headers("retry-after", "0"), this.clock)).isEqualTo(Duration.ZERO);
	}

	@Test
	void retryAfterMsWinsOverRetryAfter() {
		HttpHeaders headers = headers("retry-after", "30");
		headers.set("retry-after-ms", "250");
		assertThat(RetryAfter.from(headers, this.clock)).isEqualTo(Duration.ofMillis(250));
	}

	@Test
	void unreadableRetryAfterMsFallsBackToRetryAfter() {
		HttpHeaders headers = headers("retry-after", "3");
		headers.set("retry-after-ms", "soon");
		assertThat(RetryAfter.from(headers, this.clock)).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void futureHttpDateIsTheWaitUntilThatDate() {
		assertThat(RetryAfter.from(headers("retry-after", "Sun, 01 Jun 2025 12:00:45 GMT"), this.clock))
			.isEqualTo(Duration.ofSeconds(45));
	}

	@Test
	void pastHttpDateIsAZeroWait() {
		assertThat(RetryAfter.from(headers("retry-after", "Sun, 01 Jun 2025 11:59:00 GMT"), this.clock))
			.isEqualTo(Duration.ZERO);
	}

	@Test
	void rfc850DateIsTheWaitUntilThatDate() {
		assertThat(RetryAfter.from(headers("retry-after", "Sunday, 01-Jun-25 12:00:45 GMT"), this.clock))
			.isEqualTo(Duration.ofSeconds(45));
	}

	@Test
	void asctimeDateIsTheWaitUntilThatDateInUtc() {
		assertThat(RetryAfter.from(headers("retry-after", "Sun Jun  1 12:00:45 2025"), this.clock))
			.isEqualTo(Duration.ofSeconds(45));
		assertThat(RetryAfter.from(headers("retry-after", "Sun Jun 15 12:00:00 2025"), this.clock))
			.isEqualTo(Duration.ofDays(14));
	}

	@Test
	void asctimeDateWithASingleSpaceBeforeAOneDigitDayIsRead() {
		assertThat(RetryAfter.from(headers("retry-after", "Sun Jun 1 12:00:45 2025"), this.clock))
			.isEqualTo(Duration.ofSeconds(45));
	}

	@Test
	void rfc850DateWithAnAbbreviatedDayNameIsRead() {
		assertThat(RetryAfter.from(headers("retry-after", "Sun, 01-Jun-25 12:00:45 GMT"), this.clock))
			.isEqualTo(Duration.ofSeconds(45));
	}

	@Test
	void examplesOfRfc9110InTheObsoleteFormsArePastDates() {
		// "94" is 1994: 2094 would be more than 50 years in the future
		assertThat(RetryAfter.from(headers("retry-after", "Sunday, 06-Nov-94 08:49:37 GMT"), this.clock))
			.isEqualTo(Duration.ZERO);
		assertThat(RetryAfter.from(headers("retry-after", "Sun Nov  6 08:49:37 1994"), this.clock))
			.isEqualTo(Duration.ZERO);
	}

	@Test
	void twoDigitYearOfAnRfc850DateIsInTheFutureUpToFiftyYearsAhead() {
		assertThat(RetryAfter.from(headers("retry-after", "Saturday, 01-Jun-30 12:00:00 GMT"), this.clock))
			.isEqualTo(Duration.between(this.clock.instant(), Instant.parse("2030-06-01T12:00:00Z")));
		assertThat(RetryAfter.from(headers("retry-after", "Saturday, 01-Jun-75 12:00:00 GMT"), this.clock))
			.isEqualTo(Duration.between(this.clock.instant(), Instant.parse("2075-06-01T12:00:00Z")));
	}

	@Test
	void twoDigitYearOfAnRfc850DateMoreThanFiftyYearsAheadIsTheMostRecentSuchYearInThePast() {
		// 2075-06-01T12:00:01 would be more than 50 years ahead: 1975, a Sunday
		assertThat(RetryAfter.from(headers("retry-after", "Sunday, 01-Jun-75 12:00:01 GMT"), this.clock))
			.isEqualTo(Duration.ZERO);
		assertThat(RetryAfter.from(headers("retry-after", "Saturday, 01-Jun-75 12:00:01 GMT"), this.clock)).isNull();
	}

	@Test
	void twoDigitYearOfAnRfc850DateIsReadAgainstTheClockNotAFixedCentury() {
		Clock in2080 = Clock.fixed(Instant.parse("2080-01-01T00:00:00Z"), ZoneOffset.UTC);
		// 2120 is 40 years ahead, not more than 50: 2020 is not the year meant
		assertThat(RetryAfter.from(headers("retry-after", "Monday, 01-Jan-20 00:00:00 GMT"), in2080))
			.isEqualTo(Duration.between(in2080.instant(), Instant.parse("2120-01-01T00:00:00Z")));
		assertThat(RetryAfter.from(headers("retry-after", "Wednesday, 01-Jan-20 00:00:00 GMT"), in2080)).isNull();
	}

	@Test
	void leapDayOfAnRfc850DateIsReadInACenturyThatHasOne() {
		// 29-Feb-00 is 2000: 2100 is not a leap year, and too far ahead anyway
		assertThat(RetryAfter.from(headers("retry-after", "Tuesday, 29-Feb-00 00:00:00 GMT"), this.clock))
			.isEqualTo(Duration.ZERO);
	}

	@Test
	void dayNameThatContradictsTheDateMakesAnyFormUnreadable() {
		assertThat(RetryAfter.from(headers("retry-after", "Mon, 01 Jun 2025 12:00:45 GMT"), this.clock)).isNull();
		assertThat(RetryAfter.from(headers("retry-after", "Monday, 01-Jun-25 12:00:45 GMT"), this.clock)).isNull();
		assertThat(RetryAfter.from(headers("retry-after", "Mon Jun  1 12:00:45 2025"), this.clock)).isNull();
	}

	@Test
	void malformedObsoleteDatesGiveNull() {
		assertThat(RetryAfter.from(headers("retry-after", "Sunday, 01-Jun-2025 12:00:45 GMT"), this.clock)).isNull();
		assertThat(RetryAfter.from(headers("retry-after", "Sunday, 01-Jun-25 12:00:45 PST"), this.clock)).isNull();
		assertThat(RetryAfter.from(headers("retry-after", "Sunday, 31-Jun-25 12:00:45 GMT"), this.clock)).isNull();
		assertThat(RetryAfter.from(headers("retry-after", "Sun Jun  1 12:00:45"), this.clock)).isNull();
		assertThat(RetryAfter.from(headers("retry-after", "Sun Jun  1 25:00:45 2025"), this.clock)).isNull();
		assertThat(RetryAfter.from(headers("retry-after", ", 01-Jun-25 12:00:45 GMT"), this.clock)).isNull();
	}

	@Test
	void asctimeDateAtTheEndOfTimeIsAWaitOfCenturies() {
		assertThat(RetryAfter.from(headers("retry-after", "Fri Dec 31 23:59:59 9999"), this.clock))
			.isEqualTo(Duration.between(this.clock.instant(), Instant.parse("9999-12-31T23:59:59Z")));
	}

	@Test
	void garbageRetryAfterGivesNull() {
		assertThat(RetryAfter.from(headers("retry-after", "later, please"), this.clock)).isNull();
	}

	@Test
	void garbageRetryAfterMsGivesNull() {
		assertThat(RetryAfter.from(headers("retry-after-ms", "1,5"), this.clock)).isNull();
	}

	@Test
	void blankRetryAfterGivesNull() {
		assertThat(RetryAfter.from(headers("retry-after", "  "), this.clock)).isNull();
	}

	@Test
	void negativeRetryAfterGivesNull() {
		assertThat(RetryAfter.from(headers("retry-after", "-5"), this.clock)).isNull();
	}

	@Test
	void negativeRetryAfterMsGivesNull() {
		assertThat(RetryAfter.from(headers("retry-after-ms", "-100"), this.clock)).isNull();
	}

	@Test
	void notANumberRetryAfterGivesNull() {
		assertThat(RetryAfter.from(headers("retry-after", "NaN"), this.clock)).isNull();
		assertThat(RetryAfter.from(headers("retry-after-ms", "Infinity"), this.clock)).isNull();
	}

	private static HttpHeaders headers(String name, String value) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(name, value);
		return headers;
	}

}
