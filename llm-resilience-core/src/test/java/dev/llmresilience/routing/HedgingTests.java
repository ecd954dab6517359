package dev.llmresilience.routing;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The delay and the budget of a model's hedges.
 */
class HedgingTests {

	@Test
	void percentileDelayReplacesTheFixedOneOnceEnoughLatenciesWereSeen() {
		Hedging hedging = new Hedging(new HedgingSettings(Duration.ofSeconds(2), 90, 1, 0.1));
		for (int i = 1; i <= 19; i++) {
			hedging.measured(Duration.ofMillis(i * 10));
		}
		assertThat(hedging.delay()).isEqualTo(Duration.ofSeconds(2));
		hedging.measured(Duration.ofMillis(200));
		// the 90th percentile of 10, 20, ... 200 ms
		assertThat(hedging.delay()).isEqualTo(Duration.ofMillis(180));
	}

	@Test
	void fixedDelayStaysWhateverTheLatencies() {
		Hedging hedging = new Hedging(new HedgingSettings(Duration.ofMillis(500), 0, 1, 0.1));
		for (int i = 0; i < 50; i++) {
			hedging.measured(Duration.ofMillis(5));
		}
		assertThat(hedging.delay()).isEqualTo(Duration.ofMillis(500));
	}

	@Test
	void hedgesNeverExceedTheirShareOfTheAttempts() {
		Hedging hedging = new Hedging(new HedgingSettings(Duration.ofMillis(100), 0, 1, 0.1));
		int hedges = 0;
		for (int i = 0; i < 1000; i++) {
			hedging.attempted();
			if (hedging.tryHedge()) {
				hedges++;
			}
		}
		assertThat(hedges).isEqualTo(100);
		assertThat(hedging.tryHedge()).isFalse();
	}

	@Test
	void settingsOutOfRangeAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new HedgingSettings(Duration.ZERO, 0, 1, 0.1));
		assertThatIllegalArgumentException().isThrownBy(() -> new HedgingSettings(Duration.ofMillis(1), 100, 1, 0.1));
		assertThatIllegalArgumentException().isThrownBy(() -> new HedgingSettings(Duration.ofMillis(1), 0, 0, 0.1));
		assertThatIllegalArgumentException().isThrownBy(() -> new HedgingSettings(Duration.ofMillis(1), 0, 1, 0));
	}

}
