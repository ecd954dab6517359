package dev.llmresilience.budget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmCircuitOpenException;
import dev.llmresilience.error.LlmConnectionPoolExhaustedException;
import dev.llmresilience.error.LlmInvalidRequestException;
import dev.llmresilience.error.LlmQuotaExceededException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.error.LlmServerException;
import dev.llmresilience.error.LlmThrottledException;
import dev.llmresilience.test.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ProviderPacer}: the configured request and token budgets of providers
 * and models, and how calls wait for the holds learnt from providers' answers (what an
 * answer holds is tested in {@link ProviderHoldsTests}). Waits run on virtual time; reset
 * times are read against a fixed clock.
 */
@ExtendWith(VirtualTime.class)
class ProviderPacerTests {

	private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

	private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

	private static final Duration MAX_WAIT = Duration.ofSeconds(60);

	private static final LlmModel HAIKU = new LlmModel("haiku", "anthropic", "claude-haiku", 4096, null);

	private static final LlmModel OPUS = new LlmModel("opus", "anthropic", "claude-opus", 4096, null);

	private static final LlmModel GPT = new LlmModel("gpt", "openai", "gpt-4o", 4096, null);

	private final VirtualTimeScheduler time;

	ProviderPacerTests(VirtualTimeScheduler time) {
		this.time = time;
	}

	@Test
	void providerRequestBudgetSpacesCallsOneSecondApartAfterABurstOfOne() {
		ProviderPacer pacer = pacer(Map.of("anthropic", new LocalRateBudget(60, 0)), Map.of());
		PacedCall first = PacedCall.admit(pacer, HAIKU, tokens(100));
		PacedCall second = PacedCall.admit(pacer, HAIKU, tokens(100));
		PacedCall third = PacedCall.admit(pacer, OPUS, tokens(100));
		this.time.advanceTimeBy(Duration.ofSeconds(5));
		assertThat(first.admittedAt()).isZero();
		assertThat(second.admittedAt()).isEqualTo(1000);
		assertThat(third.admittedAt()).isEqualTo(2000);
	}

	@Test
	void providerWithoutABudgetIsNotPaced() {
		ProviderPacer pacer = pacer(Map.of("anthropic", new LocalRateBudget(60, 0)), Map.of());
		for (int i = 0; i < 5; i++) {
			assertThat(PacedCall.admit(pacer, GPT, tokens(100)).admittedAt()).isZero();
		}
	}

	@Test
	void modelBudgetAppliesOnTopOfItsProvidersBudget() {
		ProviderPacer pacer = pacer(Map.of("anthropic", new LocalRateBudget(120, 0)),
				Map.of("haiku", new LocalRateBudget(60, 0)));
		PacedCall haiku1 = PacedCall.admit(pacer, HAIKU, tokens(100));
		PacedCall haiku2 = PacedCall.admit(pacer, HAIKU, tokens(100));
		PacedCall opus = PacedCall.admit(pacer, OPUS, tokens(100));
		this.time.advanceTimeBy(Duration.ofSeconds(5));
		// haiku's own budget allows one a second; opus only waits for the provider's
		// budget
		assertThat(haiku1.admittedAt()).isZero();
		assertThat(haiku2.admittedAt()).isEqualTo(1000);
		assertThat(opus.admittedAt()).isEqualTo(500);
	}

	@Test
	void tokenBudgetPacesByTheEstimateOfInputAndOutputTokens() {
		ProviderPacer pacer = pacer(Map.of("anthropic", new LocalRateBudget(0, 2000)), Map.of());
		PacedCall first = PacedCall.admit(pacer, HAIKU, tokens(1000));
		PacedCall second = PacedCall.admit(pacer, HAIKU, tokens(1000));
		PacedCall third = PacedCall.admit(pacer, HAIKU, tokens(1000));
		this.time.advanceTimeBy(Duration.ofMinutes(1));
		assertThat(first.admittedAt()).isZero();
		assertThat(second.admittedAt()).isZero();
		assertThat(third.admittedAt()).isEqualTo(30_000);
	}

	@Test
	void estimateUsesTheModelsOutputLimitWhenTheRequestSetsNone() {
		LocalRateBudget budget = new LocalRateBudget(0, 10_000);
		ProviderPacer pacer = pacer(Map.of("anthropic", budget), Map.of());
		LlmRequest request = LlmRequest.ofPrompt("Hello");
		PacedCall.admit(pacer, HAIKU, request);
		assertThat(budget.availableTokens()).isEqualTo(10_000 - request.estimatedInputTokens() - 4096);
	}

	@Test
	void smallerRealUsageIsRefundedSoThatTheNextCallGoesSooner() {
		ProviderPacer pacer = pacer(Map.of("anthropic", new LocalRateBudget(0, 2000)), Map.of());
		PacedCall first = PacedCall.admit(pacer, HAIKU, tokens(1000));
		PacedCall.admit(pacer, HAIKU, tokens(1000));
		pacer.answered(first.reservation(), new LlmUsage(150, 50), RateLimitStatus.NONE);
		PacedCall third = PacedCall.admit(pacer, HAIKU, tokens(1000));
		this.time.advanceTimeBy(Duration.ofMinutes(1));
		// 800 tokens given back: 200 missing, at 2000 a minute
		assertThat(third.admittedAt()).isEqualTo(6000);
	}

	@Test
	void largerRealUsageIsChargedSoThatTheNextCallWaitsLonger() {
		ProviderPacer pacer = pacer(Map.of("anthropic", new LocalRateBudget(0, 2000)), Map.of());
		PacedCall first = PacedCall.admit(pacer, HAIKU, tokens(1000));
		pacer.answered(first.reservation(), new LlmUsage(1200, 400), RateLimitStatus.NONE);
		PacedCall second = PacedCall.admit(pacer, HAIKU, tokens(1000));
		this.time.advanceTimeBy(Duration.ofMinutes(1));
		// 1600 used, 400 left: 600 missing
		assertThat(second.admittedAt()).isEqualTo(18_000);
	}

	@Test
	void usageIsSettledWithTheModelBudgetToo() {
		ProviderPacer pacer = pacer(Map.of(), Map.of("haiku", new LocalRateBudget(0, 2000)));
		PacedCall first = PacedCall.admit(pacer, HAIKU, tokens(1000));
		PacedCall.admit(pacer, HAIKU, tokens(1000));
		pacer.answered(first.reservation(), new LlmUsage(150, 50), RateLimitStatus.NONE);
		PacedCall third = PacedCall.admit(pacer, HAIKU, tokens(1000));
		this.time.advanceTimeBy(Duration.ofMinutes(1));
		assertThat(third.admittedAt()).isEqualTo(6000);
	}

	@Test
	void callUsingTheWholeTokenBudgetMakesTheNextOneWaitAFullMinuteEvenIfItsEstimateExceededTheBudget() {
		ProviderPacer pacer = pacer(Map.of("anthropic", new LocalRateBudget(0, 1000)), Map.of());
		PacedCall first = PacedCall.admit(pacer, HAIKU, tokens(5000));
		assertThat(first.admittedAt()).isZero();
		pacer.answered(first.reservation(), new LlmUsage(3000, 1000), RateLimitStatus.NONE);
		PacedCall second = PacedCall.admit(pacer, HAIKU, tokens(5000));
		this.time.advanceTimeBy(Duration.ofMinutes(2));
		// 4000 tokens used against a budget of 1000 a minute: the bucket is empty
		assertThat(second.admittedAt()).isEqualTo(60_000);
	}

	@Test
	void failedCallGivesBackItsTokensButNotItsRequest() {
		ProviderPacer pacer = pacer(Map.of("anthropic", new LocalRateBudget(60, 1000)), Map.of());
		PacedCall first = PacedCall.admit(pacer, HAIKU, tokens(1000));
		pacer.failed(first.reservation(), serverError());
		PacedCall second = PacedCall.admit(pacer, HAIKU, tokens(1000));
		this.time.advanceTimeBy(Duration.ofMinutes(1));
		// the request was sent: it counts; its tokens were not used
		assertThat(second.admittedAt()).isEqualTo(1000);
	}

	@Test
	void callRefusedByTheCircuitBreakerGivesBackItsWholeReservation() {
		ProviderPacer pacer = pacer(Map.of("anthropic", new LocalRateBudget(60, 1000)), Map.of());
		PacedCall first = PacedCall.admit(pacer, HAIKU, tokens(1000));
		pacer.failed(first.reservation(), new LlmCircuitOpenException("anthropic", "haiku", "OPEN"));
		assertThat(PacedCall.admit(pacer, HAIKU, tokens(1000)).admittedAt()).isZero();
	}

	@Test
	void callThatGotNoConnectionGivesBackItsWholeReservation() {
		ProviderPacer pacer = pacer(Map.of("anthropic", new LocalRateBudget(60, 1000)), Map.of());
		PacedCall first = PacedCall.admit(pacer, HAIKU, tokens(1000));
		pacer.failed(first.reservation(),
				new LlmConnectionPoolExhaustedException("anthropic", "haiku", Duration.ofSeconds(10)));
		assertThat(PacedCall.admit(pacer, HAIKU, tokens(1000)).admittedAt()).isZero();
	}

	@Test
	void requestRefusedBeforeItWasSentGivesBackItsWholeReservation() {
		ProviderPacer pacer = pacer(Map.of("anthropic", new LocalRateBudget(60, 1000)), Map.of());
		PacedCall first = PacedCall.admit(pacer, HAIKU, tokens(1000));
		pacer.failed(first.reservation(),
				new LlmInvalidRequestException("anthropic", "haiku", "extraBody field 'x' cannot be written as JSON"));
		assertThat(PacedCall.admit(pacer, HAIKU, tokens(1000)).admittedAt()).isZero();
	}

	@Test
	void callCancelledWhileWaitingGivesBackItsReservation() {
		ProviderPacer pacer = pacer(Map.of("anthropic", new LocalRateBudget(60, 0)), Map.of());
		PacedCall.admit(pacer, HAIKU, tokens(100));
		PacedCall cancelled = PacedCall.admit(pacer, HAIKU, tokens(100));
		cancelled.cancel();
		PacedCall next = PacedCall.admit(pacer, HAIKU, tokens(100));
		this.time.advanceTimeBy(Duration.ofSeconds(5));
		assertThat(next.admittedAt()).isEqualTo(1000);
		assertThat(cancelled.admittedAt()).isNull();
	}

	@Test
	void settlingAReservationTwiceChangesNothing() {
		LocalRateBudget budget = new LocalRateBudget(0, 2000);
		ProviderPacer pacer = pacer(Map.of("anthropic", budget), Map.of());
		PacedCall first = PacedCall.admit(pacer, HAIKU, tokens(1000));
		pacer.answered(first.reservation(), new LlmUsage(500, 700), RateLimitStatus.NONE);
		pacer.failed(first.reservation(), serverError());
		first.reservation().cancel();
		assertThat(budget.availableTokens()).isEqualTo(800);
	}

	@Test
	void anthropicRequestsRemainingZeroHoldsTheModelOnItsProviderUntilItsRfc3339Reset() {
		ProviderPacer pacer = pacer(Map.of(), Map.of());
		PacedCall answered = PacedCall.admit(pacer, HAIKU, tokens(100));
		pacer.answered(answered.reservation(), new LlmUsage(10, 10),
				ProviderHoldsTests.status(0L, OffsetDateTime.parse("2025-06-01T12:00:20Z").toInstant(), null, null));
		assertThat(pacer.holds()).containsExactly(Map.entry("anthropic/claude-haiku", Duration.ofSeconds(20)));
		PacedCall held = PacedCall.admit(pacer, HAIKU, tokens(100));
		// Anthropic counts its limits per model: another model of the same key goes on
		PacedCall otherModel = PacedCall.admit(pacer, OPUS, tokens(100));
		PacedCall otherProvider = PacedCall.admit(pacer, GPT, tokens(100));
		assertThat(otherModel.admittedAt()).isZero();
		assertThat(otherProvider.admittedAt()).isZero();
		this.time.advanceTimeBy(Duration.ofMillis(19_999));
		assertThat(held.admittedAt()).isNull();
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(held.admittedAt()).isEqualTo(20_000);
		assertThat(pacer.holds()).isEmpty();
	}

	@Test
	void openAiDurationResetHoldsTheProviderForThatDuration() {
		ProviderPacer pacer = new ProviderPacer(Map.of(), Map.of(), CLOCK, Duration.ofMinutes(10));
		PacedCall answered = PacedCall.admit(pacer, GPT, tokens(100));
		// x-ratelimit-remaining-requests: 0, x-ratelimit-reset-requests: 6m0s, read at
		// the response
		pacer.answered(answered.reservation(), new LlmUsage(10, 10), ProviderHoldsTests.status(0L,
				CLOCK.instant().plus(Duration.ofMinutes(6)), 1000L, CLOCK.instant().plusMillis(12)));
		PacedCall held = PacedCall.admit(pacer, GPT, tokens(100));
		this.time.advanceTimeBy(Duration.ofMinutes(6).minusMillis(1));
		assertThat(held.admittedAt()).isNull();
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(held.admittedAt()).isEqualTo(Duration.ofMinutes(6).toMillis());
	}

	@Test
	void rateLimitErrorWithRetryAfterHoldsThatModelOfTheProviderForThatLong() {
		ProviderPacer pacer = pacer(Map.of(), Map.of());
		PacedCall limited = PacedCall.admit(pacer, HAIKU, tokens(100));
		pacer.failed(limited.reservation(),
				ProviderHoldsTests.rateLimited(Duration.ofSeconds(15), RateLimitStatus.NONE));
		PacedCall held = PacedCall.admit(pacer, HAIKU, tokens(100));
		assertThat(PacedCall.admit(pacer, OPUS, tokens(100)).admittedAt()).isZero();
		this.time.advanceTimeBy(Duration.ofMillis(14_999));
		assertThat(held.admittedAt()).isNull();
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(held.admittedAt()).isEqualTo(15_000);
	}

	@Test
	void callIsAdmittedAtOnceOnlyWithoutABudgetOrAHold() {
		ProviderPacer pacer = pacer(Map.of("anthropic", new LocalRateBudget(60, 0)), Map.of());
		assertThat(pacer.admitAtOnce(HAIKU, HAIKU.id(), tokens(100))).as("provider with a budget").isNull();
		ProviderPacer.Reservation free = pacer.admitAtOnce(GPT, GPT.id(), tokens(100));
		assertThat(free).as("provider without a budget or a hold").isNotNull();
		pacer.failed(free, ProviderHoldsTests.rateLimited(Duration.ofSeconds(15), RateLimitStatus.NONE));
		assertThat(pacer.admitAtOnce(GPT, GPT.id(), tokens(100))).as("model held after a 429").isNull();
		this.time.advanceTimeBy(Duration.ofSeconds(15));
		assertThat(pacer.admitAtOnce(GPT, GPT.id(), tokens(100))).as("hold over").isNotNull();
	}

	@Test
	void providerConfiguredToBeHeldAsAWholeHoldsAllItsModelsAfterALimitOfOne() {
		List<String> told = new ArrayList<>();
		ProviderPacer pacer = new ProviderPacer(Map.of(), Map.of(), CLOCK, MAX_WAIT, (scope, until) -> told.add(scope),
				Set.of("anthropic"));
		PacedCall limited = PacedCall.admit(pacer, HAIKU, tokens(100));
		pacer.failed(limited.reservation(),
				ProviderHoldsTests.rateLimited(Duration.ofSeconds(15), RateLimitStatus.NONE));
		PacedCall otherModel = PacedCall.admit(pacer, OPUS, tokens(100));
		assertThat(PacedCall.admit(pacer, GPT, tokens(100)).admittedAt()).isZero();
		assertThat(told).containsExactly("anthropic");
		this.time.advanceTimeBy(Duration.ofSeconds(15));
		assertThat(otherModel.admittedAt()).isEqualTo(15_000);
	}

	@Test
	void quotaUsedUpWithARetryAfterHoldsTheWholeProvider() {
		ProviderPacer pacer = pacer(Map.of(), Map.of());
		PacedCall limited = PacedCall.admit(pacer, HAIKU, tokens(100));
		pacer.failed(limited.reservation(),
				new LlmQuotaExceededException("anthropic", "haiku", new LlmApiException.Details(429, "billing_error",
						null, "Spend limit reached", null, Duration.ofSeconds(30), null, null)));
		assertThat(pacer.holds()).containsOnlyKeys("anthropic");
		assertThat(pacer.holdRemaining(OPUS)).isEqualTo(Duration.ofSeconds(30));
		assertThat(pacer.holdRemaining(GPT)).isZero();
	}

	@Test
	void holdOfAWholeProviderHeardFromAnotherReplicaHoldsEveryModelOfIt() {
		ProviderPacer pacer = pacer(Map.of(), Map.of());
		pacer.holdUntil("anthropic", NOW.plusSeconds(10));
		pacer.holdUntil("anthropic/claude-opus", NOW.plusSeconds(20));
		assertThat(pacer.holdRemaining(HAIKU)).isEqualTo(Duration.ofSeconds(10));
		assertThat(pacer.holdRemaining(OPUS)).isEqualTo(Duration.ofSeconds(20));
		assertThat(pacer.holdRemaining(GPT)).isZero();
	}

	@Test
	void deploymentBudgetPacesOnlyItsDeploymentOnTopOfTheModelsBudget() {
		ProviderPacer pacer = pacer(Map.of(),
				Map.of("haiku", new LocalRateBudget(120, 0), "haiku/key-a", new LocalRateBudget(60, 0)));
		PacedCall a1 = PacedCall.admit(pacer, HAIKU, "haiku/key-a", tokens(100));
		PacedCall a2 = PacedCall.admit(pacer, HAIKU, "haiku/key-a", tokens(100));
		PacedCall b = PacedCall.admit(pacer, HAIKU, "haiku/key-b", tokens(100));
		// the model's budget is spent, and key-a's is in debt
		assertThat(pacer.remainingShare(HAIKU, "haiku/key-b")).isZero();
		assertThat(pacer.currentWait(HAIKU, "haiku/key-a")).isEqualTo(Duration.ofSeconds(2));
		this.time.advanceTimeBy(Duration.ofSeconds(5));
		// key-a allows one a second; key-b only waits for the model's budget
		assertThat(a1.admittedAt()).isZero();
		assertThat(a2.admittedAt()).isEqualTo(1000);
		assertThat(b.admittedAt()).isEqualTo(500);
		assertThat(pacer.remainingShare(HAIKU, "haiku/key-b")).isOne();
	}

	@Test
	void holdsLearntFromAProvidersAnswersAreToldToThePacersListenerAndThoseHeardElsewhereAreNot() {
		List<String> told = new ArrayList<>();
		ProviderPacer pacer = new ProviderPacer(Map.of(), Map.of(), CLOCK, MAX_WAIT,
				(provider, until) -> told.add(provider + " until " + until));
		PacedCall limited = PacedCall.admit(pacer, HAIKU, tokens(100));
		PacedCall answered = PacedCall.admit(pacer, GPT, tokens(100));
		pacer.failed(limited.reservation(),
				ProviderHoldsTests.rateLimited(Duration.ofSeconds(15), RateLimitStatus.NONE));
		pacer.answered(answered.reservation(), new LlmUsage(10, 10),
				ProviderHoldsTests.status(0L, NOW.plusSeconds(20), null, null));
		pacer.holdUntil("gemini", NOW.plusSeconds(30));
		assertThat(told).containsExactly("anthropic/claude-haiku until " + NOW.plusSeconds(15),
				"openai/gpt-4o until " + NOW.plusSeconds(20));
		assertThat(pacer.holds()).containsOnly(Map.entry("anthropic/claude-haiku", Duration.ofSeconds(15)),
				Map.entry("openai/gpt-4o", Duration.ofSeconds(20)), Map.entry("gemini", Duration.ofSeconds(30)));
		assertThat(pacer.holdRemaining("gemini")).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void holdLongerThanTheLongestWaitThrottlesTheCallAtOnce() {
		ProviderPacer pacer = pacer(Map.of(), Map.of());
		PacedCall limited = PacedCall.admit(pacer, HAIKU, tokens(100));
		LlmRateLimitException rateLimited = ProviderHoldsTests.rateLimited(Duration.ofSeconds(90),
				RateLimitStatus.NONE);
		pacer.failed(limited.reservation(), rateLimited);
		PacedCall throttled = PacedCall.admit(pacer, HAIKU, tokens(100));
		assertThat(throttled.error()).isInstanceOfSatisfying(LlmThrottledException.class, (error) -> {
			assertThat(error.getWait()).isEqualTo(Duration.ofSeconds(90));
			assertThat(error.getProvider()).isEqualTo("anthropic");
			assertThat(error.getModel()).isEqualTo("haiku");
			// the provider's own error, its type, message and request id, stays reachable
			assertThat(error.getCause()).isSameAs(rateLimited);
			assertThat(error.getMessage()).endsWith("(held after: " + rateLimited.getMessage() + ")");
		});
	}

	@Test
	void holdEndingAfterTheRequestsDeadlineThrottlesTheCallAtOnce() {
		ProviderPacer pacer = pacer(Map.of(), Map.of());
		PacedCall limited = PacedCall.admit(pacer, HAIKU, tokens(100));
		pacer.failed(limited.reservation(),
				ProviderHoldsTests.rateLimited(Duration.ofSeconds(10), RateLimitStatus.NONE));
		PacedCall throttled = PacedCall.admit(pacer, HAIKU, tokens(100), Deadline.after(Duration.ofSeconds(10)));
		PacedCall waits = PacedCall.admit(pacer, HAIKU, tokens(100), Deadline.after(Duration.ofMillis(10_001)));
		assertThat(throttled.error()).isInstanceOf(LlmThrottledException.class);
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(waits.admittedAt()).isEqualTo(10_000);
	}

	@Test
	void budgetWaitLongerThanTheLongestWaitThrottlesTheCallAndGivesBackItsReservation() {
		ProviderPacer pacer = new ProviderPacer(Map.of("anthropic", new LocalRateBudget(60, 0)), Map.of(), CLOCK,
				Duration.ofSeconds(2));
		PacedCall.admit(pacer, HAIKU, tokens(100));
		PacedCall.admit(pacer, HAIKU, tokens(100));
		PacedCall.admit(pacer, HAIKU, tokens(100));
		PacedCall throttled = PacedCall.admit(pacer, HAIKU, tokens(100));
		assertThat(throttled.error()).isInstanceOfSatisfying(LlmThrottledException.class, (error) -> {
			assertThat(error.getWait()).isEqualTo(Duration.ofSeconds(3));
			assertThat(error).hasNoCause();
		});
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		// the slot at 3s is free again: two seconds from now, within the longest wait
		PacedCall next = PacedCall.admit(pacer, HAIKU, tokens(100));
		this.time.advanceTimeBy(Duration.ofSeconds(5));
		assertThat(next.admittedAt()).isEqualTo(3000);
	}

	@Test
	void throttledCallGivesBackItsReservationSoThatTheBudgetIsWhole() {
		ProviderPacer pacer = pacer(Map.of("anthropic", new LocalRateBudget(60, 0)), Map.of());
		PacedCall limited = PacedCall.admit(pacer, HAIKU, tokens(100));
		pacer.failed(limited.reservation(),
				ProviderHoldsTests.rateLimited(Duration.ofSeconds(90), RateLimitStatus.NONE));
		for (int i = 0; i < 3; i++) {
			assertThat(PacedCall.admit(pacer, HAIKU, tokens(100)).error()).isInstanceOf(LlmThrottledException.class);
		}
		this.time.advanceTimeBy(Duration.ofSeconds(90));
		assertThat(PacedCall.admit(pacer, HAIKU, tokens(100)).admittedAt()).isEqualTo(90_000);
	}

	@Test
	void holdLearntWhileACallWaitsForItsBudgetExtendsItsWait() {
		ProviderPacer pacer = pacer(Map.of("anthropic", new LocalRateBudget(60, 0)), Map.of());
		PacedCall first = PacedCall.admit(pacer, HAIKU, tokens(100));
		PacedCall waiting = PacedCall.admit(pacer, HAIKU, tokens(100));
		this.time.advanceTimeBy(Duration.ofMillis(500));
		pacer.failed(first.reservation(), ProviderHoldsTests.rateLimited(Duration.ofSeconds(3), RateLimitStatus.NONE));
		this.time.advanceTimeBy(Duration.ofMillis(2999));
		assertThat(waiting.admittedAt()).isNull();
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(waiting.admittedAt()).isEqualTo(3500);
	}

	@Test
	void holdLearntWhileACallWaitsThatEndsAfterItsDeadlineThrottlesIt() {
		ProviderPacer pacer = pacer(Map.of("anthropic", new LocalRateBudget(60, 0)), Map.of());
		PacedCall first = PacedCall.admit(pacer, HAIKU, tokens(100));
		PacedCall waiting = PacedCall.admit(pacer, HAIKU, tokens(100), Deadline.after(Duration.ofSeconds(5)));
		this.time.advanceTimeBy(Duration.ofMillis(500));
		LlmRateLimitException rateLimited = ProviderHoldsTests.rateLimited(Duration.ofSeconds(30),
				RateLimitStatus.NONE);
		pacer.failed(first.reservation(), rateLimited);
		this.time.advanceTimeBy(Duration.ofMillis(500));
		assertThat(waiting.error()).isInstanceOf(LlmThrottledException.class).hasCause(rateLimited);
	}

	@Test
	void callsHeldByTheProviderAreStillPacedByTheBudgetOnceTheHoldEnds() {
		ProviderPacer pacer = pacer(Map.of("anthropic", new LocalRateBudget(60, 0)), Map.of());
		PacedCall limited = PacedCall.admit(pacer, HAIKU, tokens(100));
		pacer.failed(limited.reservation(),
				ProviderHoldsTests.rateLimited(Duration.ofSeconds(5), RateLimitStatus.NONE));
		PacedCall first = PacedCall.admit(pacer, HAIKU, tokens(100));
		PacedCall second = PacedCall.admit(pacer, HAIKU, tokens(100));
		PacedCall third = PacedCall.admit(pacer, HAIKU, tokens(100));
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		// sixty a minute is one a second: no burst when the provider lets calls through
		// again
		assertThat(first.admittedAt()).isEqualTo(5000);
		assertThat(second.admittedAt()).isEqualTo(6000);
		assertThat(third.admittedAt()).isEqualTo(7000);
	}

	private static ProviderPacer pacer(Map<String, RateBudget> providers, Map<String, RateBudget> models) {
		return new ProviderPacer(providers, models, CLOCK, MAX_WAIT);
	}

	/**
	 * Return a request whose token estimate for any of the test models is the given
	 * number.
	 */
	static LlmRequest tokens(long estimate) {
		int output = 50;
		long input = estimate - output;
		LlmRequest request = LlmRequest.builder().user("x".repeat((int) (input - 8) * 4)).maxTokens(output).build();
		assertThat(request.estimatedInputTokens() + HAIKU.outputTokensFor(request)).isEqualTo(estimate);
		return request;
	}

	private static LlmServerException serverError() {
		return new LlmServerException("anthropic", "haiku",
				new LlmApiException.Details(500, "api_error", null, "Internal server error", null, null, null, null));
	}

	private static long now() {
		return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
	}

	/**
	 * One call waiting for the pacer: when it was admitted, with which reservation, or
	 * why not.
	 */
	static final class PacedCall {

		private volatile ProviderPacer.Reservation reservation;

		private volatile Long admittedAt;

		private volatile Throwable error;

		private Disposable subscription;

		static PacedCall admit(ProviderPacer pacer, LlmModel model, LlmRequest request) {
			return admit(pacer, model, request, Deadline.none());
		}

		static PacedCall admit(ProviderPacer pacer, LlmModel model, String deployment, LlmRequest request) {
			return admit(pacer, model, deployment, request, Deadline.none());
		}

		static PacedCall admit(ProviderPacer pacer, LlmModel model, LlmRequest request, Deadline deadline) {
			return admit(pacer, model, model.id(), request, deadline);
		}

		static PacedCall admit(ProviderPacer pacer, LlmModel model, String deployment, LlmRequest request,
				Deadline deadline) {
			PacedCall call = new PacedCall();
			call.subscription = pacer.admit(model, deployment, request, deadline).subscribe((reservation) -> {
				call.reservation = reservation;
				call.admittedAt = now();
			}, (error) -> call.error = error);
			return call;
		}

		ProviderPacer.Reservation reservation() {
			assertThat(this.reservation).as("admitted").isNotNull();
			return this.reservation;
		}

		Long admittedAt() {
			return this.admittedAt;
		}

		Throwable error() {
			return this.error;
		}

		void cancel() {
			this.subscription.dispose();
		}

	}

}
