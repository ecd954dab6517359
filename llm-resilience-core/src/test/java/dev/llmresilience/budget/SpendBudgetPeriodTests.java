package dev.llmresilience.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import dev.llmresilience.budget.SpendBudget.Action;
import dev.llmresilience.budget.SpendBudget.Period;
import dev.llmresilience.budget.SpendBudget.Scope;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that a spend budget's periods are the calendar's hours, days and months of its
 * time zone, and that its spend starts from nothing in each.
 */
class SpendBudgetPeriodTests {

	private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

	@Test
	void dayStartsAtMidnightOfTheTimeZone() {
		SpendBudget budget = budget(Period.DAY, PARIS);
		// 22:30 UTC on 3 December is 23:30 in Paris: still the 3rd there
		SpendBudget.Window window = budget.window(millis("2026-12-03T22:30:00Z"));
		assertThat(Instant.ofEpochMilli(window.start())).isEqualTo("2026-12-02T23:00:00Z");
		assertThat(Instant.ofEpochMilli(window.end())).isEqualTo("2026-12-03T23:00:00Z");
		// half an hour later it is the 4th in Paris
		SpendBudget.Window next = budget.window(millis("2026-12-03T23:00:00Z"));
		assertThat(next.start()).isEqualTo(window.end());
	}

	@Test
	void dayOfAChangeOfClocksLastsTwentyThreeHours() {
		SpendBudget budget = budget(Period.DAY, PARIS);
		SpendBudget.Window window = budget.window(millis("2026-03-29T12:00:00Z"));
		assertThat(window.end() - window.start()).isEqualTo(23 * 3_600_000L);
	}

	@Test
	void monthStartsOnTheFirstAtMidnight() {
		SpendBudget budget = budget(Period.MONTH, ZoneId.of("America/New_York"));
		SpendBudget.Window window = budget.window(millis("2026-03-01T04:59:59Z"));
		// still February in New York
		assertThat(Instant.ofEpochMilli(window.start())).isEqualTo("2026-02-01T05:00:00Z");
		assertThat(Instant.ofEpochMilli(window.end())).isEqualTo("2026-03-01T05:00:00Z");
	}

	@Test
	void hourStartsOnTheHourOfATimeZoneHalfAnHourOffUtc() {
		SpendBudget budget = budget(Period.HOUR, ZoneId.of("Asia/Kolkata"));
		SpendBudget.Window window = budget.window(millis("2026-12-03T10:10:00Z"));
		assertThat(Instant.ofEpochMilli(window.start())).isEqualTo("2026-12-03T09:30:00Z");
		assertThat(Instant.ofEpochMilli(window.end())).isEqualTo("2026-12-03T10:30:00Z");
	}

	@Test
	void spendStartsFromNothingInTheNextPeriod() {
		SpendBudget budget = budget(Period.HOUR, ZoneOffset.UTC);
		LocalSpendLedger ledger = (LocalSpendLedger) budget.ledger();
		long first = budget.window(millis("2026-12-03T10:10:00Z")).start();
		assertThat(ledger.tryAddNow(first, 7, 10)).isEqualTo(7);
		assertThat(ledger.tryAddNow(first, 4, 10)).isEqualTo(SpendLedger.WOULD_PASS);
		long second = budget.window(millis("2026-12-03T11:00:00Z")).start();
		assertThat(ledger.tryAddNow(second, 4, 10)).isEqualTo(4);
		// a settlement of the past period changes nothing now
		ledger.adjust(first, 5);
		assertThat(ledger.spent(second)).isEqualTo(4);
		assertThat(ledger.spent(first)).isZero();
	}

	@Test
	void settlementAfterThePeriodEndedCountsTheCostInTheNewPeriod() {
		SpendBudget budget = budget(Period.HOUR, ZoneOffset.UTC);
		long reservedIn = budget.window(millis("2026-12-03T10:59:00Z")).start();
		((LocalSpendLedger) budget.ledger()).tryAddNow(reservedIn, 100, Long.MAX_VALUE);
		budget.settle(reservedIn, 0, 100, 30, millis("2026-12-03T11:00:01Z"));
		assertThat(budget.status(millis("2026-12-03T11:00:01Z")).spent()).isEqualByComparingTo("0.00000003");
	}

	private static SpendBudget budget(Period period, ZoneId zone) {
		return new SpendBudget("b", Scope.EVERYTHING, BigDecimal.TEN, "USD", period, zone, Action.REFUSE);
	}

	private static long millis(String instant) {
		return Instant.parse(instant).toEpochMilli();
	}

}
