package dev.llmresilience;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmCost}: unknown is never taken for zero, and amounts add up exactly.
 */
class LlmCostTests {

	@Test
	void sumWithAnUnknownPartIsUnknown() {
		LlmCost known = LlmCost.of(new BigDecimal("0.5"), "USD");
		assertThat(known.plus(LlmCost.UNKNOWN)).isSameAs(LlmCost.UNKNOWN);
		assertThat(LlmCost.UNKNOWN.plus(known)).isSameAs(LlmCost.UNKNOWN);
		assertThat(LlmCost.UNKNOWN.amount()).isNull();
		assertThat(LlmCost.UNKNOWN).hasToString("unknown");
	}

	@Test
	void nothingBilledAddsNothingAndTakesTheOtherCurrency() {
		LlmCost known = LlmCost.of(new BigDecimal("0.5"), "USD");
		assertThat(LlmCost.NONE.plus(known)).isEqualTo(known);
		assertThat(known.plus(LlmCost.NONE)).isEqualTo(known);
		assertThat(LlmCost.NONE.amount()).isEqualByComparingTo("0");
		assertThat(LlmCost.NONE.isKnown()).isTrue();
	}

	@Test
	void amountsAddUpExactlyAndKeepWhetherEstimated() {
		LlmCost sum = LlmCost.of(new BigDecimal("0.000000000001"), "USD")
			.plus(LlmCost.of(new BigDecimal("0.1"), "USD").asEstimate());
		assertThat(sum.amount()).isEqualByComparingTo("0.100000000001");
		assertThat(sum.isEstimated()).isTrue();
		assertThat(sum).hasToString("0.100000000001 USD (estimated)");
	}

	@Test
	void costsInTwoCurrenciesDoNotAddUpToAKnownAmount() {
		assertThat(LlmCost.of(BigDecimal.ONE, "USD").plus(LlmCost.of(BigDecimal.ONE, "EUR")).isKnown()).isFalse();
	}

	@Test
	void amountsBeyondTwelveDecimalsAreRoundedUp() {
		assertThat(LlmCost.of(new BigDecimal("0.0000000000001"), "USD").picoUnits()).isEqualTo(1);
	}

}
