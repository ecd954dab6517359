package dev.llmresilience.resilience;

import java.time.Duration;

import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.Either;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RetryAfterBackoff}.
 */
class RetryAfterBackoffTests {

	private final RetryAfterBackoff backoff = new RetryAfterBackoff(
			IntervalBiFunction.ofIntervalFunction(IntervalFunction.ofExponentialBackoff(500, 2.0, 8000)),
			Duration.ofSeconds(60));

	@Test
	void serverRetryAfterWinsOverTheFormula() {
		assertThat(this.backoff.apply(1, Either.left(ProviderErrors.overloaded(Duration.ofMillis(2500)))))
			.isEqualTo(2500L);
		assertThat(this.backoff.apply(3, Either.left(ProviderErrors.rateLimited(Duration.ofMillis(100)))))
			.isEqualTo(100L);
	}

	@Test
	void zeroRetryAfterRetriesAtOnce() {
		assertThat(this.backoff.apply(1, Either.left(ProviderErrors.overloaded(Duration.ZERO)))).isZero();
	}

	@Test
	void retryAfterOfExactlyTheMaxServerWaitIsHonoured() {
		assertThat(this.backoff.apply(1, Either.left(ProviderErrors.overloaded(Duration.ofSeconds(60)))))
			.isEqualTo(60_000L);
	}

	@Test
	void retryAfterAboveTheMaxServerWaitEndsTheRetries() {
		assertThat(this.backoff.apply(1, Either.left(ProviderErrors.overloaded(Duration.ofMillis(60_001)))))
			.isEqualTo(-1L);
	}

	@Test
	void withoutRetryAfterTheFormulaDecides() {
		assertThat(this.backoff.apply(1, Either.left(ProviderErrors.overloaded()))).isEqualTo(500L);
		assertThat(this.backoff.apply(2, Either.left(ProviderErrors.server(503)))).isEqualTo(1000L);
		assertThat(this.backoff.apply(5, Either.left(ProviderErrors.server(503)))).isEqualTo(8000L);
		assertThat(this.backoff.apply(6, Either.left(ProviderErrors.server(503)))).isEqualTo(8000L);
	}

	@Test
	void errorsThatCarryNoServerWaitUseTheFormula() {
		assertThat(this.backoff.apply(2, Either.left(ProviderErrors.connection()))).isEqualTo(1000L);
	}

	@Test
	void resultsUseTheFormula() {
		assertThat(this.backoff.apply(1, Either.right("answer"))).isEqualTo(500L);
	}

}
