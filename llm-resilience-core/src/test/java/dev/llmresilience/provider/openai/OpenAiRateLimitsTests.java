package dev.llmresilience.provider.openai;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import dev.llmresilience.RateLimitStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OpenAiRateLimits}.
 */
class OpenAiRateLimitsTests {

	private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

	private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

	@ParameterizedTest
	@CsvSource({ "6m0s, PT6M", "1s, PT1S", "12ms, PT0.012S", "1h2m3.5s, PT1H2M3.5S", "0s, PT0S", "0, PT0S",
			"1.5ms, PT0.0015S", "250us, PT0.00025S", "250µs, PT0.00025S", "7ns, PT0.000000007S", "' 2s ', PT2S",
			"59.999s, PT59.999S" })
	void durationsInGoNotationAreParsed(String value, Duration expected) {
		assertThat(OpenAiRateLimits.parseDuration(value)).isEqualTo(expected);
	}

	@ParameterizedTest
	@NullAndEmptySource
	@ValueSource(strings = { "-1", "-1s", "abc", "6m0", "s", "1x", "1s2", "1.s", "99999999999999999999h", "1d" })
	void absentNegativeOrUnreadableDurationsAreNull(String value) {
		assertThat(OpenAiRateLimits.parseDuration(value)).isNull();
	}

	@Test
	void allHeadersAreReadWithResetsAddedToTheClock() {
		HttpHeaders headers = new HttpHeaders();
		headers.set("x-ratelimit-limit-requests", "500");
		headers.set("x-ratelimit-remaining-requests", "499");
		headers.set("x-ratelimit-reset-requests", "120ms");
		headers.set("x-ratelimit-limit-tokens", "30000");
		headers.set("x-ratelimit-remaining-tokens", "29000");
		headers.set("x-ratelimit-reset-tokens", "1m30s");
		assertThat(OpenAiRateLimits.from(headers, CLOCK))
			.isEqualTo(new RateLimitStatus(500L, 499L, NOW.plusMillis(120), 30000L, 29000L, NOW.plusSeconds(90)));
	}

	@Test
	void minusOneAndUnreadableValuesAreNull() {
		HttpHeaders headers = new HttpHeaders();
		headers.set("x-ratelimit-limit-requests", "-1");
		headers.set("x-ratelimit-remaining-requests", "many");
		headers.set("x-ratelimit-reset-requests", "-1");
		headers.set("x-ratelimit-limit-tokens", "1000");
		assertThat(OpenAiRateLimits.from(headers, CLOCK))
			.isEqualTo(new RateLimitStatus(null, null, null, 1000L, null, null));
	}

	@Test
	void noHeadersGiveNone() {
		RateLimitStatus status = OpenAiRateLimits.from(new HttpHeaders(), CLOCK);
		assertThat(status).isEqualTo(RateLimitStatus.NONE);
		assertThat(status.isPresent()).isFalse();
	}

}
