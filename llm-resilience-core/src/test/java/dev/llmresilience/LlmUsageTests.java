package dev.llmresilience;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmUsage}: counts from a broken server can neither be negative nor
 * wrap around, so that they cannot refill a rate budget.
 */
class LlmUsageTests {

	@Test
	void negativeCountsAreReadAsNone() {
		LlmUsage usage = new LlmUsage(-5, -7, -1, -2);
		assertThat(usage).isEqualTo(new LlmUsage(0, 0, 0, 0));
		assertThat(usage.totalTokens()).isZero();
	}

	@Test
	void hugeCountsAddUpToTheLargestLongInsteadOfWrappingAround() {
		LlmUsage usage = new LlmUsage(Long.MAX_VALUE - 1, 10);
		assertThat(usage.totalTokens()).isEqualTo(Long.MAX_VALUE);
		assertThat(LlmUsage.sum(Long.MAX_VALUE, Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
		assertThat(LlmUsage.sum(3, 4, 5)).isEqualTo(12);
	}

}
