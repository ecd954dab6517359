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
