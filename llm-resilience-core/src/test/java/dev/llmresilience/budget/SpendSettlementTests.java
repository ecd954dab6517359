package dev.llmresilience.budget;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import dev.llmresilience.LlmCost;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmPrices;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.budget.SpendBudget.Action;
import dev.llmresilience.budget.SpendBudget.Period;
import dev.llmresilience.budget.SpendBudget.Scope;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that a reservation is settled with the generation its ledger had before it took,
 * so that a shared ledger that moved between Redis and this replica meanwhile can keep
 * the settlement where the reservation was taken.
 */
class SpendSettlementTests {

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC);

	private static final LlmModel MODEL = new LlmModel("sonnet", "anthropic", "claude-sonnet", 100, null)
		.withPrices(new LlmPrices("USD", new LlmPrices.Rates(BigDecimal.ONE, BigDecimal.ONE)));

	@Test
	void aSettlementCarriesTheGenerationReadBeforeTheTake() {
		MovingLedger ledger = new MovingLedger();
		RequestSpend spend = accounting(ledger).forRequest(null, request());
		SpendReservation reservation = spend.reserve(MODEL, request()).block(TIMEOUT);
		assertThat(ledger.generation()).isEqualTo(8);
		spend.billed(MODEL, "anthropic", null, reservation, LlmCost.of(new BigDecimal("0.000001"), "USD"));
		assertThat(ledger.adjustments).containsExactly(new Adjustment(1000 - ledger.taken, 7));
	}

	@Test
	void aReservationGivenBackCarriesItToo() {
		MovingLedger ledger = new MovingLedger();
		RequestSpend spend = accounting(ledger).forRequest(null, request());
		SpendReservation reservation = spend.reserve(MODEL, request()).block(TIMEOUT);
		spend.billed(MODEL, "anthropic", null, reservation, LlmCost.NONE);
		assertThat(ledger.adjustments).containsExactly(new Adjustment(-ledger.taken, 7));
	}

	private static CostAccounting accounting(SpendLedger ledger) {
		return new CostAccounting(List.of(), List.of(new SpendBudget("daily", Scope.EVERYTHING, BigDecimal.TEN, "USD",
				Period.DAY, ZoneOffset.UTC, Action.REFUSE, ledger)), CLOCK);
	}

	private static LlmRequest request() {
		return LlmRequest.builder().user("Hello").maxTokens(16).build();
	}

	/**
	 * A ledger that moves, as a shared one that loses Redis, while it takes.
	 */
	private static final class MovingLedger implements SpendLedger {

		private final List<Adjustment> adjustments = new ArrayList<>();

		private long generation = 7;

		private long taken;

		@Override
		public Mono<Long> tryAdd(long period, long amount, long limit) {
			this.generation++;
			this.taken = amount;
			return Mono.just(amount);
		}

		@Override
		public void adjust(long period, long amount, long generation) {
			this.adjustments.add(new Adjustment(amount, generation));
		}

		@Override
		public long spent(long period) {
			return this.taken;
		}

		@Override
		public long generation() {
			return this.generation;
		}

	}

	private record Adjustment(long amount, long generation) {

	}

}
