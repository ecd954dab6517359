package dev.llmresilience.budget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.error.LlmServerException;
import dev.llmresilience.test.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ProviderHolds}: the holds learnt from providers' rate-limit headers,
 * 429s and 529s, those heard elsewhere, and which of them the listener is told of. Holds
 * run on virtual time; reset times are read against a fixed clock.
 */
@ExtendWith(VirtualTime.class)
class ProviderHoldsTests {

	private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

	private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

	private final VirtualTimeScheduler time;

	private final List<String> told = new ArrayList<>();

	private final ProviderHolds holds = new ProviderHolds(CLOCK, (scope, until) -> this.told.add(scope + " " + until));

	ProviderHoldsTests(VirtualTimeScheduler time) {
		this.time = time;
	}

	@Test
	void requestsRemainingZeroHoldsTheScopeUntilTheRequestReset() {
		this.holds.learn("anthropic", status(0L, NOW.plusSeconds(20), null, null));
		assertThat(this.holds.current()).containsExactly(Map.entry("anthropic", Duration.ofSeconds(20)));
		assertThat(this.holds.remaining("openai")).isZero();
	}

	@Test
	void resetWithAnOffsetIsTheSameInstant() {
		this.holds.learn("anthropic",
				status(0L, OffsetDateTime.parse("2025-06-01T14:00:07+02:00").toInstant(), null, null));
		assertThat(this.holds.remaining("anthropic")).isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void tokensRemainingZeroHoldsTheScopeUntilTheTokenReset() {
		this.holds.learn("anthropic", status(5L, NOW.plusSeconds(2), 0L, NOW.plusSeconds(12)));
		assertThat(this.holds.current()).containsExactly(Map.entry("anthropic", Duration.ofSeconds(12)));
	}

	@Test
	void remainingBudgetAboveZeroDoesNotHold() {
		this.holds.learn("anthropic", status(1L, NOW.plusSeconds(30), 1L, NOW.plusSeconds(30)));
		assertThat(this.holds.current()).isEmpty();
		assertThat(this.told).isEmpty();
	}

	@Test
	void remainingSentAsMinusOneIsIgnored() {
		// the protocols read -1 ("no limit") as absent
		this.holds.learn("anthropic", status(null, NOW.plusSeconds(30), null, NOW.plusSeconds(30)));
		assertThat(this.holds.current()).isEmpty();
	}

	@Test
	void resetAlreadyPastDoesNotHold() {
		this.holds.learn("anthropic", status(0L, NOW.minusSeconds(1), null, null));
		assertThat(this.holds.current()).isEmpty();
		assertThat(this.told).isEmpty();
	}

	@Test
	void rateLimitErrorWithRetryAfterHoldsTheScopeForThatLong() {
		this.holds.learn("anthropic", rateLimited(Duration.ofSeconds(15), RateLimitStatus.NONE));
		assertThat(this.holds.current()).containsExactly(Map.entry("anthropic", Duration.ofSeconds(15)));
	}

	@Test
	void rateLimitErrorWithoutRetryAfterHoldsTheScopeUntilItsHeadersReset() {
		this.holds.learn("anthropic", rateLimited(null, status(0L, NOW.plusSeconds(8), null, null)));
		assertThat(this.holds.current()).containsExactly(Map.entry("anthropic", Duration.ofSeconds(8)));
	}

	@Test
	void overloadedErrorWithRetryAfterHoldsTheScopeForThatLong() {
		this.holds.learn("anthropic", new LlmOverloadedException("anthropic", "haiku", new LlmApiException.Details(529,
				"overloaded_error", null, "Overloaded", null, Duration.ofSeconds(7), null, RateLimitStatus.NONE)));
		assertThat(this.holds.current()).containsExactly(Map.entry("anthropic", Duration.ofSeconds(7)));
	}

	@Test
	void retryAfterOfAnotherErrorDoesNotHoldButItsHeadersDo() {
		this.holds.learn("anthropic", new LlmServerException("anthropic", "haiku", new LlmApiException.Details(503,
				"api_error", null, "Unavailable", null, Duration.ofSeconds(30), null, RateLimitStatus.NONE)));
		assertThat(this.holds.current()).isEmpty();
		this.holds.learn("anthropic",
				new LlmServerException("anthropic", "haiku",
						new LlmApiException.Details(503, "api_error", null, "Unavailable", null, Duration.ofSeconds(30),
								null, status(0L, NOW.plusSeconds(4), null, null))));
		assertThat(this.holds.current()).containsExactly(Map.entry("anthropic", Duration.ofSeconds(4)));
	}

	@Test
	void longerOfTwoHoldsWins() {
		this.holds.learn("anthropic", rateLimited(Duration.ofSeconds(20), RateLimitStatus.NONE));
		this.holds.learn("anthropic", rateLimited(Duration.ofSeconds(5), RateLimitStatus.NONE));
		assertThat(this.holds.current()).containsExactly(Map.entry("anthropic", Duration.ofSeconds(20)));
	}

	@Test
	void holdShrinksWithTimeAndEndsWhenItsTimeHasPassed() {
		this.holds.learn("anthropic", rateLimited(Duration.ofSeconds(20), RateLimitStatus.NONE));
		this.time.advanceTimeBy(Duration.ofMillis(19_999));
		assertThat(this.holds.remaining("anthropic")).isEqualTo(Duration.ofMillis(1));
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.holds.remaining("anthropic")).isZero();
		assertThat(this.holds.current()).isEmpty();
	}

	@Test
	void scopesAreHeldApart() {
		this.holds.learn("providers.anthropic", rateLimited(Duration.ofSeconds(20), RateLimitStatus.NONE));
		this.holds.holdUntil("models.haiku", NOW.plusSeconds(5));
		assertThat(this.holds.current()).containsOnly(Map.entry("providers.anthropic", Duration.ofSeconds(20)),
				Map.entry("models.haiku", Duration.ofSeconds(5)));
		assertThat(this.holds.remaining("anthropic")).isZero();
	}

	@Test
	void holdsLearntFromProvidersAreToldToTheListenerAndThoseHeardElsewhereAreNot() {
		this.holds.learn("anthropic", rateLimited(Duration.ofSeconds(15), RateLimitStatus.NONE));
		this.holds.learn("anthropic", status(0L, NOW.plusSeconds(20), null, null));
		this.holds.holdUntil("openai", NOW.plusSeconds(30));
		this.holds.holdUntil("gemini", NOW.minusSeconds(1));
		assertThat(this.told).containsExactly("anthropic " + NOW.plusSeconds(15), "anthropic " + NOW.plusSeconds(20));
		assertThat(this.holds.current()).containsOnly(Map.entry("anthropic", Duration.ofSeconds(20)),
				Map.entry("openai", Duration.ofSeconds(30)));
	}

	@Test
	void providersLatestErrorIsKeptWithTheHoldForAsLongAsItLasts() {
		LlmRateLimitException first = rateLimited(Duration.ofSeconds(15), RateLimitStatus.NONE);
		LlmRateLimitException second = rateLimited(Duration.ofSeconds(5), RateLimitStatus.NONE);
		this.holds.learn("anthropic", first);
		assertThat(this.holds.heldBy("anthropic")).isSameAs(first);
		this.holds.learn("anthropic", second);
		// an answer's headers lengthen the hold, yet the provider's error stays the
		// reason
		this.holds.learn("anthropic", status(0L, NOW.plusSeconds(20), null, null));
		assertThat(this.holds.heldBy("anthropic")).isSameAs(second);
		assertThat(this.holds.heldBy("openai")).isNull();
		this.time.advanceTimeBy(Duration.ofSeconds(20));
		assertThat(this.holds.heldBy("anthropic")).isNull();
	}

	@Test
	void holdOfAnErrorsRateLimitHeadersKeepsTheErrorAndHoldsOfAnswersOrOtherReplicasKeepNone() {
		LlmServerException unavailable = new LlmServerException("anthropic", "haiku", new LlmApiException.Details(503,
				"api_error", null, "Unavailable", null, null, null, status(0L, NOW.plusSeconds(4), null, null)));
		this.holds.learn("anthropic", unavailable);
		this.holds.learn("openai", status(0L, NOW.plusSeconds(4), null, null));
		this.holds.holdUntil("gemini", NOW.plusSeconds(4));
		assertThat(this.holds.heldBy("anthropic")).isSameAs(unavailable);
		assertThat(this.holds.heldBy("openai")).isNull();
		assertThat(this.holds.heldBy("gemini")).isNull();
	}

	@Test
	void holdLearntAfterAnEndedOneKeepsNoneOfItsError() {
		this.holds.learn("anthropic", rateLimited(Duration.ofSeconds(5), RateLimitStatus.NONE));
		this.time.advanceTimeBy(Duration.ofSeconds(5));
		this.holds.learn("anthropic", status(0L, NOW.plusSeconds(10), null, null));
		assertThat(this.holds.remaining("anthropic")).isEqualTo(Duration.ofSeconds(10));
		assertThat(this.holds.heldBy("anthropic")).isNull();
	}

	@Test
	void aHoldOfCenturiesIsToldAsADayAndHoldsWithoutOverflowing() {
		this.holds.learn("anthropic", rateLimited(Duration.ofDays(365 * 300), RateLimitStatus.NONE));
		assertThat(this.told).containsExactly("anthropic " + NOW.plus(Duration.ofDays(1)));
		assertThat(this.holds.remaining("anthropic")).isGreaterThan(Duration.ofDays(365 * 100));
		this.time.advanceTimeBy(Duration.ofDays(2));
		assertThat(this.holds.remaining("anthropic")).isGreaterThan(Duration.ofDays(365 * 100));
	}

	static RateLimitStatus status(Long requestsRemaining, Instant requestsReset, Long tokensRemaining,
			Instant tokensReset) {
		return new RateLimitStatus(100L, requestsRemaining, requestsReset, 10_000L, tokensRemaining, tokensReset);
	}

	static LlmRateLimitException rateLimited(Duration retryAfter, RateLimitStatus rateLimits) {
		return new LlmRateLimitException("anthropic", "haiku", new LlmApiException.Details(429, "rate_limit_error",
				null, "Number of requests has exceeded your rate limit", null, retryAfter, null, rateLimits));
	}

}
