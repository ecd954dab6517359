package dev.llmresilience;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link LlmPrices}: a call is priced from its usage, whose input tokens hold
 * the cached ones for every provider, with the long-context tier pricing a whole call
 * whose input is above its threshold.
 */
class LlmPricesTests {

	/** Sonnet-like prices: 3 in, 15 out, 3.75 cache writes, 0.30 cache reads. */
	private static final LlmPrices.Rates RATES = new LlmPrices.Rates(new BigDecimal("3"), new BigDecimal("15"),
			new BigDecimal("3.75"), new BigDecimal("0.30"));

	private static final LlmPrices.Rates LONG_RATES = new LlmPrices.Rates(new BigDecimal("6"), new BigDecimal("22.50"),
			new BigDecimal("7.50"), new BigDecimal("0.60"));

	@Test
	void pricesUncachedInputCacheWritesCacheReadsAndOutputEachAtTheirRate() {
		LlmPrices prices = new LlmPrices("USD", RATES);
		// Anthropic reports input 20, cache writes 100 and reads 5,000, which LlmUsage
		// adds up to 5,120 input tokens
		LlmCost cost = prices.cost(new LlmUsage(5120, 30, 100, 5000));
		// 20 * 3 + 100 * 3.75 + 5000 * 0.30 + 30 * 15 = 60 + 375 + 1500 + 450 per million
		assertThat(cost.amount()).isEqualByComparingTo("0.002385");
		assertThat(cost.currency()).isEqualTo("USD");
		assertThat(cost.isKnown()).isTrue();
		assertThat(cost.isEstimated()).isFalse();
	}

	@Test
	void unsetCachePricesAreTheInputPrice() {
		LlmPrices prices = new LlmPrices("USD", new LlmPrices.Rates(new BigDecimal("2"), new BigDecimal("8")));
		// OpenAI reports 5,000 cached tokens within its 5,120 prompt tokens
		assertThat(prices.cost(new LlmUsage(5120, 30, 0, 5000)).amount()).isEqualByComparingTo("0.01048");
	}

	@Test
	void longContextTierPricesTheWholeCallAboveItsThreshold() {
		LlmPrices prices = new LlmPrices("USD", RATES, 200_000, LONG_RATES);
		assertThat(prices.cost(new LlmUsage(200_000, 1000)).amount()).isEqualByComparingTo("0.615");
		// one token more: every token at the long-context rates, cached ones counted in
		// the input
		assertThat(prices.cost(new LlmUsage(200_001, 1000, 0, 100_000)).amount()).isEqualByComparingTo("0.682506");
		assertThat(prices.longContextAbove()).isEqualTo(200_000L);
		assertThat(prices.longContext()).isEqualTo(LONG_RATES);
	}

	@Test
	void estimatePricesEveryInputTokenAsInputAndTheOutputLimitAsOutput() {
		LlmPrices prices = new LlmPrices("USD", RATES, 200_000, LONG_RATES);
		assertThat(prices.estimatePicoUnits(1000, 4096)).isEqualTo(1000 * 3_000_000L + 4096 * 15_000_000L);
		assertThat(prices.estimatePicoUnits(300_000, 10)).isEqualTo(300_000 * 6_000_000L + 10 * 22_500_000L);
	}

	@Test
	void absurdCountsCostTheLargestAmountInsteadOfWrappingAround() {
		LlmPrices prices = new LlmPrices("USD", RATES);
		LlmCost cost = prices.cost(new LlmUsage(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2));
		assertThat(cost.picoUnits()).isEqualTo(Long.MAX_VALUE);
		assertThat(prices.estimatePicoUnits(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void freeModelCostsAKnownZero() {
		LlmPrices prices = new LlmPrices("USD", new LlmPrices.Rates(BigDecimal.ZERO, BigDecimal.ZERO));
		LlmCost cost = prices.cost(new LlmUsage(1000, 1000));
		assertThat(cost.isKnown()).isTrue();
		assertThat(cost.amount()).isEqualByComparingTo("0");
	}

	@Test
	void negativePricesAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new LlmPrices.Rates(new BigDecimal("-1"), BigDecimal.ONE));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new LlmPrices.Rates(BigDecimal.ONE, BigDecimal.ONE, null, new BigDecimal("-0.1")));
	}

}
