package dev.llmresilience.pipeline;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmPrices;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.budget.SpendBudget;
import dev.llmresilience.budget.SpendBudget.Action;
import dev.llmresilience.budget.SpendBudget.Period;
import dev.llmresilience.budget.SpendBudget.Scope;
import dev.llmresilience.budget.SpendLedger;
import dev.llmresilience.budget.SpendListener;
import dev.llmresilience.error.LlmAllModelsFailedException;
import dev.llmresilience.error.LlmBudgetExceededException;
import dev.llmresilience.error.LlmStreamInterruptedException;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import dev.llmresilience.test.LogRecorder;
import dev.llmresilience.test.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for spend budgets over HTTP against the fake provider: a call reserves its
 * estimate (its estimated input and its most output tokens at its prices) and settles
 * with what it cost; a call that would pass a budget is refused without its provider
 * being called, or skips its model for a cheaper one, or goes on with a warning logged
 * once a period; a budget's spend starts from nothing when its period ends in its time
 * zone, on an injected clock.
 */
@ExtendWith(LogRecorder.class)
class SpendBudgetTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

	/** 10 in, 100 out per million: a token in is 0.00001, a token out 0.0001. */
	private static final LlmPrices EXPENSIVE = prices("10", "100");

	/** 1 in, 10 out per million. */
	private static final LlmPrices CHEAP = prices("1", "10");

	private static FakeProviderServer fake;

	/** 23:30 in Paris on 3 December. */
	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T22:30:00Z"));

	private final List<String> passed = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void startFake() {
		fake = FakeProviderServer.start();
	}

	@AfterAll
	static void stopFake() {
		fake.close();
	}

	@BeforeEach
	void resetFake() {
		fake.reset();
		fake.requests().clear();
		fake.defaults().inputTokens(1000).pieces("Hi");
	}

	@Test
	void callReservesItsEstimateAndSettlesWithWhatItCost() {
		fake.defaults().reply(FakeReply.answer().held());
		try (LlmResilience llm = builder(budget(Action.REFUSE, "1")).build()) {
			LlmRequest request = request("expensive");
			Mono<LlmResponse> call = llm.template().call(request).cache();
			call.subscribe();
			fake.requests().awaitCount(1, TIMEOUT);
			// while the call runs: its estimated input and its 100 most output tokens
			BigDecimal estimate = new BigDecimal(request.estimatedInputTokens()).multiply(new BigDecimal("0.00001"))
				.add(new BigDecimal("0.01"));
			assertThat(spent(llm)).isEqualByComparingTo(estimate);
			fake.releaseHeld();
			LlmResponse response = call.block(TIMEOUT);
			// then what it cost: 1000 tokens in, 1 out
			assertThat(response.cost().amount()).isEqualByComparingTo("0.0101");
			assertThat(spent(llm)).isEqualByComparingTo("0.0101");
		}
	}

	@Test
	void refusingBudgetRefusesTheRequestWithoutCallingTheProviderNamingItAndWhenItResets() {
		// 0.025 a day: two calls of 0.0101 fit, not a third estimated at 0.01 and more
		try (LlmResilience llm = builder(budget(Action.REFUSE, "0.025")).build()) {
			llm.template().call(request("expensive")).block(TIMEOUT);
			llm.template().call(request("expensive")).block(TIMEOUT);
			assertThatExceptionOfType(LlmBudgetExceededException.class)
				.isThrownBy(() -> llm.template().call(request("expensive")).block(TIMEOUT))
				.satisfies((error) -> {
					assertThat(error.getBudget()).isEqualTo("daily");
					assertThat(error.isRequestRefused()).isTrue();
					assertThat(error.getLimit()).isEqualByComparingTo("0.025");
					// midnight in Paris
					assertThat(error.getResetsAt()).isEqualTo("2026-12-03T23:00:00Z");
					assertThat(error.getMessage()).contains("Budget 'daily'", "expensive",
							"resets at 2026-12-03T23:00:00Z");
				});
			assertThat(fake.requests().count()).isEqualTo(2);
			assertThat(this.passed).containsExactly("daily:expensive");
		}
	}

	@Test
	void refusingBudgetRefusesTheWholeChainAtItsFirstModel() {
		try (LlmResilience llm = builder(budget(Action.REFUSE, "0.005")).build()) {
			// the cheap model would fit, but the budget refuses the request
			assertThatExceptionOfType(LlmBudgetExceededException.class)
				.isThrownBy(() -> llm.template().call("Hi").block(TIMEOUT));
			assertThat(fake.requests().count()).isZero();
		}
	}

	@Test
	void skippingBudgetSkipsTheModelThatWouldPassItSoThatACheaperOneAnswers() {
		try (LlmResilience llm = builder(budget(Action.SKIP, "0.005")).build()) {
			LlmResponse response = llm.template().call("Hi").block(TIMEOUT);
			assertThat(response.model()).isEqualTo("cheap");
			assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
				.containsExactly(tuple("expensive", Outcome.SKIPPED, "BudgetExceeded:daily"),
						tuple("cheap", Outcome.SUCCESS, null));
			assertThat(fake.requests().countByModel()).isEqualTo(Map.of("cheap-model", 1));
			assertThat(spent(llm)).isEqualByComparingTo("0.00101");
		}
	}

	@Test
	void skippingBudgetThatEveryModelWouldPassLeavesNoModel() {
		try (LlmResilience llm = builder(budget(Action.SKIP, "0.0001")).build()) {
			assertThatExceptionOfType(LlmAllModelsFailedException.class)
				.isThrownBy(() -> llm.template().call("Hi").block(TIMEOUT))
				.satisfies((error) -> {
					assertThat(error.getAttempts()).extracting(LlmAttempt::errorType)
						.containsExactly("BudgetExceeded:daily", "BudgetExceeded:daily");
					assertThat(error.getCause()).isInstanceOf(LlmBudgetExceededException.class);
				});
			assertThat(fake.requests().count()).isZero();
		}
	}

	@Test
	void warningBudgetLetsCallsGoAndLogsOnceAPeriod(LogRecorder logs) {
		try (LlmResilience llm = builder(budget(Action.WARN, "0.015")).build()) {
			for (int i = 0; i < 3; i++) {
				assertThat(llm.template().call(request("expensive")).block(TIMEOUT)).isNotNull();
			}
			assertThat(fake.requests().count()).isEqualTo(3);
			assertThat(spent(llm)).isEqualByComparingTo("0.0303");
			assertThat(this.passed).containsExactly("daily:expensive", "daily:expensive");
			assertThat(logs.text()).containsOnlyOnce("Budget 'daily'");
			// the next day in Paris: logged again when passed again
			this.clock.advance(Duration.ofHours(1));
			for (int i = 0; i < 3; i++) {
				llm.template().call(request("expensive")).block(TIMEOUT);
			}
			assertThat(logs.text().split("Budget 'daily'")).hasSize(3);
		}
	}

	@Test
	void spendStartsFromNothingWhenThePeriodEndsInItsTimeZone() {
		try (LlmResilience llm = builder(budget(Action.REFUSE, "0.015")).build()) {
			llm.template().call(request("expensive")).block(TIMEOUT);
			assertThatExceptionOfType(LlmBudgetExceededException.class)
				.isThrownBy(() -> llm.template().call(request("expensive")).block(TIMEOUT));
			// 23:59 in Paris: the same day
			this.clock.advance(Duration.ofMinutes(29));
			assertThatExceptionOfType(LlmBudgetExceededException.class)
				.isThrownBy(() -> llm.template().call(request("expensive")).block(TIMEOUT));
			// midnight in Paris, 23:00 UTC
			this.clock.advance(Duration.ofMinutes(1));
			assertThat(llm.template().call(request("expensive")).block(TIMEOUT).model()).isEqualTo("expensive");
			SpendBudget.Status status = llm.pipeline().getChain().getAccounting().budgetStatus().get("daily");
			assertThat(status.spent()).isEqualByComparingTo("0.0101");
			assertThat(status.periodStart()).isEqualTo("2026-12-03T23:00:00Z");
			assertThat(status.resetsAt()).isEqualTo("2026-12-04T23:00:00Z");
		}
	}

	@Test
	void failedCallGivesItsReservationBack() {
		fake.model("expensive-model").reply(FakeReply.error(400));
		try (LlmResilience llm = builder(budget(Action.REFUSE, "1")).build()) {
			assertThatExceptionOfType(RuntimeException.class)
				.isThrownBy(() -> llm.template().call(request("expensive")).block(TIMEOUT));
			assertThat(spent(llm)).isZero();
		}
	}

	@Test
	void brokenStreamSettlesWithItsEstimate() {
		fake.model("expensive-model").pieces("abcd", "efgh").reply(FakeReply.cutOffStream(1));
		try (LlmResilience llm = builder(budget(Action.REFUSE, "1")).build()) {
			assertThatExceptionOfType(LlmStreamInterruptedException.class)
				.isThrownBy(() -> llm.template().stream(request("expensive")).blockLast(TIMEOUT))
				.satisfies((error) -> assertThat(spent(llm)).isEqualByComparingTo(error.getCost().amount()));
			assertThat(spent(llm)).isPositive();
		}
	}

	@Test
	void budgetCoversOnlyTheRequestsOfItsChainModelAndTags() {
		SpendBudget acme = new SpendBudget("acme", new Scope(null, null, Map.of("tenant", "acme")),
				new BigDecimal("0.001"), "USD", Period.MONTH, PARIS, Action.REFUSE);
		SpendBudget batch = new SpendBudget("batch", new Scope("batch", "expensive", Map.of()), new BigDecimal("0.001"),
				"USD", Period.MONTH, PARIS, Action.REFUSE);
		try (LlmResilience llm = builder(acme).budget(batch).chain("batch", "expensive", "cheap").build()) {
			assertThat(llm.template().call(request("expensive")).block(TIMEOUT)).isNotNull();
			LlmRequest tagged = LlmRequest.builder().user("Hi").model("cheap").tag("tenant", "acme").build();
			assertThatExceptionOfType(LlmBudgetExceededException.class)
				.isThrownBy(() -> llm.template().call(tagged).block(TIMEOUT))
				.satisfies((error) -> assertThat(error.getBudget()).isEqualTo("acme"));
			LlmRequest otherTenant = tagged.mutate().tag("tenant", "globex").build();
			assertThat(llm.template().call(otherTenant).block(TIMEOUT)).isNotNull();
			LlmRequest batchRequest = LlmRequest.builder().user("Hi").chain("batch").build();
			assertThatExceptionOfType(LlmBudgetExceededException.class)
				.isThrownBy(() -> llm.template().call(batchRequest).block(TIMEOUT))
				.satisfies((error) -> assertThat(error.getBudget()).isEqualTo("batch"));
		}
	}

	@Test
	void modelWithoutPricesIsRefusedByABudgetThatCoversIt() {
		try (LlmResilience llm = FakeProviderChains.builder(fake)
			.model("free", "openai", "free-model", 100)
			.chain("default", "free")
			.clock(this.clock)
			.budget(budget(Action.REFUSE, "1"))
			.build()) {
			assertThatExceptionOfType(LlmBudgetExceededException.class)
				.isThrownBy(() -> llm.template().call("Hi").block(TIMEOUT))
				.withMessageContaining("has no prices");
			assertThat(fake.requests().count()).isZero();
		}
	}

	@Test
	void budgetWhoseSharedSpendCannotBeKnownRefusesOrSkipsAsItsActionSays() {
		SpendLedger unreachable = new SpendLedger() {

			@Override
			public Mono<Long> tryAdd(long period, long amount, long limit) {
				return Mono.just(UNAVAILABLE);
			}

			@Override
			public void adjust(long period, long amount, long generation) {
			}

			@Override
			public long spent(long period) {
				return 0;
			}

		};
		SpendBudget refusing = new SpendBudget("shared", Scope.EVERYTHING, BigDecimal.ONE, "USD", Period.DAY, PARIS,
				Action.REFUSE, unreachable);
		try (LlmResilience llm = builder(refusing).build()) {
			assertThatExceptionOfType(LlmBudgetExceededException.class)
				.isThrownBy(() -> llm.template().call("Hi").block(TIMEOUT))
				.satisfies((error) -> assertThat(error.getBudget()).isEqualTo("shared"))
				.withMessageContaining("its shared spend cannot be known now");
			assertThat(fake.requests().count()).isZero();
		}
		SpendBudget skipping = new SpendBudget("shared", new Scope(null, "expensive", Map.of()), BigDecimal.ONE, "USD",
				Period.DAY, PARIS, Action.SKIP, unreachable);
		try (LlmResilience llm = builder(skipping).build()) {
			LlmResponse response = llm.template().call("Hi").block(TIMEOUT);
			assertThat(response.model()).isEqualTo("cheap");
			assertThat(response.attempts()).extracting(LlmAttempt::errorType)
				.containsExactly("BudgetExceeded:shared", null);
		}
	}

	private LlmResilience.Builder builder(SpendBudget budget) {
		return FakeProviderChains.builder(fake)
			.model(new LlmModel("expensive", "anthropic", "expensive-model", 100, null).withPrices(EXPENSIVE))
			.model(new LlmModel("cheap", "openai", "cheap-model", 100, null).withPrices(CHEAP))
			.chain("default", "expensive", "cheap")
			.clock(this.clock)
			.budget(budget)
			.spendListener(new SpendListener() {

				@Override
				public void spent(Spend spend) {
				}

				@Override
				public void passed(SpendBudget budget, LlmModel model) {
					SpendBudgetTests.this.passed.add(budget.name() + ":" + model.id());
				}

			});
	}

	private static SpendBudget budget(Action action, String limit) {
		return new SpendBudget("daily", Scope.EVERYTHING, new BigDecimal(limit), "USD", Period.DAY, PARIS, action);
	}

	private static LlmRequest request(String model) {
		return LlmRequest.builder().user("Hi").model(model).build();
	}

	private static BigDecimal spent(LlmResilience llm) {
		return llm.pipeline().getChain().getAccounting().budgetStatus().get("daily").spent();
	}

	private static LlmPrices prices(String input, String output) {
		return new LlmPrices("USD", new LlmPrices.Rates(new BigDecimal(input), new BigDecimal(output)));
	}

}
