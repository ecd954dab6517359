package dev.llmresilience.budget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.llmresilience.test.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LocalRateBudget}: smooth pacing of requests and tokens per minute, on
 * virtual time. Budgets are created once virtual time is on, since their buckets start at
 * the clock's time of creation.
 */
@ExtendWith(VirtualTime.class)
class LocalRateBudgetTests {

	private final VirtualTimeScheduler time;

	LocalRateBudgetTests(VirtualTimeScheduler time) {
		this.time = time;
	}

	@Test
	void sixtyRequestsPerMinuteLetOneRequestGoAtOnceThenOneASecond() {
		LocalRateBudget budget = new LocalRateBudget(60, 0);
		assertThat(reserveAtOnce(budget, 5, 0)).containsExactly(Duration.ZERO, Duration.ofSeconds(1),
				Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(4));
	}

	@Test
	void requestsAreSpacedEvenlyRatherThanReleasedInBurstsAtMinuteBoundaries() {
		LocalRateBudget budget = new LocalRateBudget(120, 0);
		List<Duration> waits = reserveAtOnce(budget, 240, 0);
		// a burst of one second of budget, then one request every 500ms for two minutes
		assertThat(waits.subList(0, 4)).containsExactly(Duration.ZERO, Duration.ZERO, Duration.ofMillis(500),
				Duration.ofSeconds(1));
		for (int i = 2; i < waits.size(); i++) {
			assertThat(waits.get(i).minus(waits.get(i - 1))).as("gap before request %d", i)
				.isEqualTo(Duration.ofMillis(500));
		}
		assertThat(waits.get(239)).isEqualTo(Duration.ofMillis(119_000));
	}

	@Test
	void requestsSentAtTheBudgetsPaceNeverWait() {
		LocalRateBudget budget = new LocalRateBudget(60, 0);
		for (int i = 0; i < 10; i++) {
			assertThat(budget.reserveNow(0)).as("request %d", i).isZero();
			this.time.advanceTimeBy(Duration.ofSeconds(1));
		}
	}

	@Test
	void burstIsOneSecondOfTheRequestBudget() {
		LocalRateBudget budget = new LocalRateBudget(600, 0);
		List<Duration> waits = reserveAtOnce(budget, 12, 0);
		assertThat(waits.subList(0, 10)).containsOnly(Duration.ZERO);
		assertThat(waits.subList(10, 12)).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
	}

	@Test
	void waitShrinksAsTimePasses() {
		LocalRateBudget budget = new LocalRateBudget(60, 0);
		reserveAtOnce(budget, 3, 0);
		this.time.advanceTimeBy(Duration.ofMillis(1500));
		assertThat(budget.reserveNow(0)).isEqualTo(Duration.ofMillis(1500));
	}

	@Test
	void tokenBudgetLetsAWholeMinuteOfTokensGoThenPacesByTheTokensEachRequestNeeds() {
		LocalRateBudget budget = new LocalRateBudget(0, 6000);
		assertThat(reserveAtOnce(budget, 4, 2000)).containsExactly(Duration.ZERO, Duration.ZERO, Duration.ZERO,
				Duration.ofSeconds(20));
		assertThat(budget.reserveNow(500)).isEqualTo(Duration.ofSeconds(25));
	}

	@Test
	void waitIsTheLongerOfTheRequestAndTheTokenBudget() {
		LocalRateBudget budget = new LocalRateBudget(60, 6000);
		assertThat(reserveAtOnce(budget, 3, 3000)).containsExactly(Duration.ZERO, Duration.ofSeconds(1),
				Duration.ofSeconds(30));
	}

	@Test
	void refundOfAnOverestimateLetsTheNextRequestGoSooner() {
		LocalRateBudget budget = new LocalRateBudget(0, 6000);
		reserveAtOnce(budget, 2, 3000);
		budget.adjust(2400);
		assertThat(budget.availableTokens()).isEqualTo(2400);
		assertThat(budget.reserveNow(3000)).isEqualTo(Duration.ofSeconds(6));
	}

	@Test
	void chargeForAnUnderestimateMakesTheNextRequestWaitLonger() {
		LocalRateBudget budget = new LocalRateBudget(0, 6000);
		budget.reserveNow(3000);
		budget.adjust(-2000);
		assertThat(budget.availableTokens()).isEqualTo(1000);
		assertThat(budget.reserveNow(3000)).isEqualTo(Duration.ofSeconds(20));
	}

	@Test
	void cancelledReservationGivesBackItsRequestAndItsTokens() {
		LocalRateBudget budget = new LocalRateBudget(60, 6000);
		budget.reserveNow(6000);
		budget.cancel(6000);
		assertThat(budget.availableTokens()).isEqualTo(6000);
		assertThat(budget.reserveNow(6000)).isZero();
	}

	@Test
	void requestNeedingMoreTokensThanTheWholeBudgetWaitsForAFullBucketOnly() {
		LocalRateBudget budget = new LocalRateBudget(0, 1000);
		assertThat(budget.reserveNow(5000)).isZero();
		assertThat(budget.reserveNow(5000)).isEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void budgetWithoutLimitsNeverWaits() {
		LocalRateBudget budget = new LocalRateBudget(0, 0);
		assertThat(reserveAtOnce(budget, 100, 1_000_000)).containsOnly(Duration.ZERO);
		assertThat(budget.availableTokens()).isNull();
	}

	@Test
	void tokensRefillContinuously() {
		LocalRateBudget budget = new LocalRateBudget(0, 6000);
		budget.reserveNow(6000);
		this.time.advanceTimeBy(Duration.ofSeconds(15));
		assertThat(budget.availableTokens()).isEqualTo(1500);
	}

	private static List<Duration> reserveAtOnce(LocalRateBudget budget, int requests, long tokens) {
		List<Duration> waits = new ArrayList<>();
		for (int i = 0; i < requests; i++) {
			waits.add(budget.reserveNow(tokens));
		}
		return waits;
	}

}
