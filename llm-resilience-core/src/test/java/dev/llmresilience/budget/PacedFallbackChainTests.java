package dev.llmresilience.budget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.resilience.FallbackChain;
import dev.llmresilience.test.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.subscriber.TestSubscriber;

import static dev.llmresilience.budget.PacedChains.PRIMARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for the pacing of each attempt of a {@link FallbackChain} by its
 * {@link ProviderPacer}: an attempt waits for its provider's budget and holds, and a
 * model whose provider would make it wait too long is skipped for the next one. Runs on
 * virtual time.
 */
@ExtendWith(VirtualTime.class)
class PacedFallbackChainTests {

	private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

	private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

	private final RecordingProvider primary = new RecordingProvider("primary");

	private final RecordingProvider secondary = new RecordingProvider("secondary");

	private final VirtualTimeScheduler time;

	PacedFallbackChainTests(VirtualTimeScheduler time) {
		this.time = time;
	}

	@Test
	void modelThrottledByItsProviderIsRecordedAsSkippedAndTheChainFallsBackWithoutCallingIt() {
		ProviderPacer pacer = pacer(Map.of());
		holdPrimary(pacer, Duration.ofMinutes(2));
		TestSubscriber<LlmResponse> caller = call(pacer, Deadline.none());
		LlmResponse response = answer(caller);
		assertThat(response.model()).isEqualTo("secondary");
		assertThat(response.fallback()).isTrue();
		assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("primary", Outcome.SKIPPED, "LlmThrottledException"),
					tuple("secondary", Outcome.SUCCESS, null));
		assertThat(this.primary.callTimes("primary")).isEmpty();
		assertThat(this.secondary.callTimes("secondary")).containsExactly(0L);
	}

	@Test
	void modelHeldWithinTheLongestWaitIsCalledOnceTheHoldEnds() {
		ProviderPacer pacer = pacer(Map.of());
		holdPrimary(pacer, Duration.ofSeconds(3));
		TestSubscriber<LlmResponse> caller = call(pacer, Deadline.none());
		this.time.advanceTimeBy(Duration.ofMillis(2999));
		assertThat(caller.isTerminated()).isFalse();
		this.time.advanceTimeBy(Duration.ofMillis(1));
		LlmResponse response = answer(caller);
		assertThat(response.model()).isEqualTo("primary");
		assertThat(response.attempts()).extracting(LlmAttempt::outcome).containsExactly(Outcome.SUCCESS);
		assertThat(this.primary.callTimes("primary")).containsExactly(3000L);
	}

	@Test
	void holdEndingAfterTheRequestsDeadlineFallsBackAtOnce() {
		ProviderPacer pacer = pacer(Map.of());
		holdPrimary(pacer, Duration.ofSeconds(10));
		LlmResponse response = answer(call(pacer, Deadline.after(Duration.ofSeconds(5))));
		assertThat(response.model()).isEqualTo("secondary");
		assertThat(response.attempts()).extracting(LlmAttempt::outcome)
			.containsExactly(Outcome.SKIPPED, Outcome.SUCCESS);
		assertThat(this.secondary.callTimes("secondary")).containsExactly(0L);
	}

	@Test
	void answerSayingTheRequestBudgetIsUsedUpHoldsTheNextCallUntilItsReset() {
		ProviderPacer pacer = pacer(Map.of());
		this.primary.thenAnswer("primary", new LlmUsage(5, 5),
				new RateLimitStatus(50L, 0L, NOW.plusSeconds(2), 10_000L, 9_000L, NOW.plusSeconds(1)));
		answer(call(pacer, Deadline.none()));
		TestSubscriber<LlmResponse> next = call(pacer, Deadline.none());
		this.time.advanceTimeBy(Duration.ofSeconds(2));
		assertThat(answer(next).model()).isEqualTo("primary");
		assertThat(this.primary.callTimes("primary")).containsExactly(0L, 2000L);
	}

	@Test
	void retryAfterARateLimitWaitsForTheHoldAndTheBackoffAtOnceNotOneAfterTheOther() {
		ProviderPacer pacer = pacer(Map.of());
		this.primary.thenFail("primary", rateLimited(Duration.ofSeconds(2)));
		TestSubscriber<LlmResponse> caller = call(pacer, Deadline.none());
		this.time.advanceTimeBy(Duration.ofSeconds(5));
		assertThat(answer(caller).attempts()).extracting(LlmAttempt::outcome)
			.containsExactly(Outcome.FAILURE, Outcome.SUCCESS);
		assertThat(this.primary.callTimes("primary")).containsExactly(0L, 2000L);
	}

	@Test
	void rateLimitAskingForLongerThanTheLongestWaitMakesTheNextRequestSkipTheModelAtOnce() {
		ProviderPacer pacer = pacer(Map.of());
		this.primary.thenFail("primary", rateLimited(Duration.ofSeconds(90)));
		LlmResponse first = answer(call(pacer, Deadline.none()));
		assertThat(first.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome)
			.containsExactly(tuple("primary", Outcome.FAILURE), tuple("secondary", Outcome.SUCCESS));
		LlmResponse second = answer(call(pacer, Deadline.none()));
		assertThat(second.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("primary", Outcome.SKIPPED, "LlmThrottledException"),
					tuple("secondary", Outcome.SUCCESS, null));
		assertThat(this.primary.callTimes("primary")).containsExactly(0L);
	}

	@Test
	void realUsageOfEachAnswerSettlesTheTokenBudget() {
		// each request is estimated at 1000 tokens, but uses 200
		ProviderPacer pacer = pacer(Map.of("primary", new LocalRateBudget(0, 2000)));
		for (int i = 0; i < 4; i++) {
			this.primary.thenAnswer("primary", new LlmUsage(150, 50), RateLimitStatus.NONE);
			answer(call(pacer, Deadline.none(), ProviderPacerTests.tokens(1000)));
		}
		assertThat(this.primary.callTimes("primary")).containsExactly(0L, 0L, 0L, 0L);
	}

	@Test
	void estimatedTokensPaceTheCallsWhenTheAnswersUseThemAll() {
		ProviderPacer pacer = pacer(Map.of("primary", new LocalRateBudget(0, 2000)));
		for (int i = 0; i < 3; i++) {
			this.primary.thenAnswer("primary", new LlmUsage(800, 200), RateLimitStatus.NONE);
		}
		TestSubscriber<LlmResponse> first = call(pacer, Deadline.none(), ProviderPacerTests.tokens(1000));
		TestSubscriber<LlmResponse> second = call(pacer, Deadline.none(), ProviderPacerTests.tokens(1000));
		TestSubscriber<LlmResponse> third = call(pacer, Deadline.none(), ProviderPacerTests.tokens(1000));
		this.time.advanceTimeBy(Duration.ofMinutes(1));
		answer(first);
		answer(second);
		answer(third);
		assertThat(this.primary.callTimes("primary")).containsExactly(0L, 0L, 30_000L);
	}

	private ProviderPacer pacer(Map<String, RateBudget> providerBudgets) {
		return new ProviderPacer(providerBudgets, Map.of(), CLOCK, Duration.ofSeconds(60));
	}

	private TestSubscriber<LlmResponse> call(ProviderPacer pacer, Deadline deadline) {
		return call(pacer, deadline, LlmRequest.ofPrompt("Hello"));
	}

	private TestSubscriber<LlmResponse> call(ProviderPacer pacer, Deadline deadline, LlmRequest request) {
		FallbackChain chain = PacedChains.chain(pacer, this.primary, this.secondary);
		TestSubscriber<LlmResponse> caller = TestSubscriber.create();
		chain.call(request, deadline).subscribe(caller);
		return caller;
	}

	private static LlmResponse answer(TestSubscriber<LlmResponse> caller) {
		assertThat(caller.isTerminatedComplete()).as("answered: " + caller.getTerminalSignal()).isTrue();
		assertThat(caller.getReceivedOnNext()).hasSize(1);
		return caller.getReceivedOnNext().get(0);
	}

	private static void holdPrimary(ProviderPacer pacer, Duration retryAfter) {
		ProviderPacer.Reservation reservation = pacer.admit(PRIMARY, LlmRequest.ofPrompt("Hi"), Deadline.none())
			.block(Duration.ZERO);
		pacer.failed(reservation, rateLimited(retryAfter));
	}

	private static LlmRateLimitException rateLimited(Duration retryAfter) {
		return new LlmRateLimitException("primary", "primary", new LlmApiException.Details(429, "rate_limit_error",
				null, "Number of requests has exceeded your rate limit", null, retryAfter, null, null));
	}

}
