package dev.llmresilience.budget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmQuotaExceededException;
import dev.llmresilience.error.LlmRateLimitException;
import reactor.core.scheduler.Schedulers;

import org.springframework.lang.Nullable;

/**
 * The holds that providers impose: after a 429 or 529 with a retry-after, or an answer
 * whose rate-limit headers say a budget is used up until its reset, calls of a scope wait
 * until the hold ends. A scope is a string: {@link ProviderPacer} holds a model on a
 * provider ({@code provider/model-name}) or a whole provider. Holds run on Reactor's
 * parallel scheduler clock, so that tests on virtual time see them end with their timers;
 * the providers' reset times are read against the given {@link Clock}.
 * <p>
 * Public for its {@link HoldListener}; {@link ProviderPacer} is the way in.
 */
public final class ProviderHolds {

	private static final Duration MAX_TOLD_HOLD = Duration.ofDays(1);

	private final Clock clock;

	private final HoldListener listener;

	private final Map<String, Hold> holds = new ConcurrentHashMap<>();

	/**
	 * Create a new instance.
	 * @param clock the clock that the providers' reset times are read against
	 * @param listener told of every hold learnt from a provider's answer, not of those
	 * passed in by {@link #holdUntil(String, Instant)}
	 */
	ProviderHolds(Clock clock, HoldListener listener) {
		this.clock = clock;
		this.listener = listener;
	}

	/**
	 * Learn from a provider's error: hold the scope after a 429 or 529 (a rate limit, an
	 * overload or a quota used up) until its retry-after, and until the reset of a budget
	 * that its rate-limit headers say is used up. The error is kept with the hold, to
	 * tell the calls it holds back why.
	 * @param scope the scope held
	 * @param error the provider's error
	 */
	void learn(String scope, LlmApiException error) {
		if ((error instanceof LlmRateLimitException || error instanceof LlmOverloadedException
				|| error instanceof LlmQuotaExceededException) && error.getRetryAfter() != null) {
			learnHold(scope, error.getRetryAfter(), error);
		}
		learn(scope, error.getRateLimits(), error);
	}

	/**
	 * Learn from a provider's rate-limit headers: hold the scope until the reset of a
	 * budget used up, the request budget and the token budget each on its own.
	 * @param scope the scope held
	 * @param rateLimits the provider's rate-limit headers
	 */
	void learn(String scope, RateLimitStatus rateLimits) {
		learn(scope, rateLimits, null);
	}

	private void learn(String scope, RateLimitStatus rateLimits, @Nullable LlmApiException error) {
		if (isZero(rateLimits.requestsRemaining()) && rateLimits.requestsReset() != null) {
			learnHold(scope, untilReset(rateLimits.requestsReset()), error);
		}
		if (isZero(rateLimits.tokensRemaining()) && rateLimits.tokensReset() != null) {
			learnHold(scope, untilReset(rateLimits.tokensReset()), error);
		}
	}

	private static boolean isZero(@Nullable Long remaining) {
		return remaining != null && remaining == 0;
	}

	private Duration untilReset(Instant reset) {
		Duration wait = Duration.between(this.clock.instant(), reset);
		return wait.isNegative() ? Duration.ZERO : wait;
	}

	private void learnHold(String scope, Duration wait, @Nullable LlmApiException error) {
		if (wait.isZero()) {
			return;
		}
		hold(scope, wait, error);
		// a hold of more than a day is a broken header: told on as a day
		Duration told = (wait.compareTo(MAX_TOLD_HOLD) < 0) ? wait : MAX_TOLD_HOLD;
		this.listener.held(scope, this.clock.instant().plus(told));
	}

	/**
	 * Hold a scope until the given time, as learnt elsewhere, such as by another replica:
	 * the listener is not told of it, or the replicas would tell each other forever.
	 * @param scope the scope held
	 * @param until the end of the hold; a time already past holds nothing
	 */
	void holdUntil(String scope, Instant until) {
		Duration wait = untilReset(until);
		if (!wait.isZero()) {
			hold(scope, wait, null);
		}
	}

	private void hold(String scope, Duration wait, @Nullable LlmApiException error) {
		long now = now();
		// a wait of centuries (a broken or hostile header) must not overflow: it holds
		// for as long as a long can tell
		long until = (wait.compareTo(Duration.ofNanos(Long.MAX_VALUE - now)) < 0) ? now + wait.toNanos()
				: Long.MAX_VALUE;
		this.holds.compute(scope, (key, held) -> {
			if (held == null || held.until() <= now) {
				return new Hold(until, error);
			}
			// a shorter hold learnt later must not cut a longer one short, nor a hold
			// learnt without an error hide the provider's latest one
			return new Hold(Math.max(held.until(), until), (error != null) ? error : held.error());
		});
	}

	/**
	 * Return how much longer a scope is held.
	 * @param scope the scope
	 * @return the remaining hold, zero if none
	 */
	Duration remaining(String scope) {
		Hold hold = this.holds.get(scope);
		return (hold != null) ? Duration.ofNanos(Math.max(0, hold.until() - now())) : Duration.ZERO;
	}

	/**
	 * Return the provider's error behind the hold of a scope: the latest 429 or 529 (or
	 * error response whose rate-limit headers held it) while the hold lasts.
	 * @param scope the scope
	 * @return the error, or {@code null} if the scope is not held, or held only by the
	 * headers of successful answers or by another replica
	 */
	@Nullable
	LlmApiException heldBy(String scope) {
		Hold hold = this.holds.get(scope);
		return (hold != null && hold.until() > now()) ? hold.error() : null;
	}

	/**
	 * Return the scopes held now and how much longer.
	 * @return the remaining holds by scope
	 */
	Map<String, Duration> current() {
		Map<String, Duration> current = new LinkedHashMap<>();
		this.holds.keySet().forEach((scope) -> {
			Duration remaining = remaining(scope);
			if (!remaining.isZero()) {
				current.put(scope, remaining);
			}
		});
		return current;
	}

	private static long now() {
		return Schedulers.parallel().now(TimeUnit.NANOSECONDS);
	}

	/**
	 * A hold: its end on the scheduler's clock, and the provider's error that set it.
	 */
	private record Hold(long until, @Nullable LlmApiException error) {

	}

	/**
	 * Told of the holds learnt from the providers' answers, so that they can be shared,
	 * such as with the other replicas.
	 */
	@FunctionalInterface
	public interface HoldListener {

		/**
		 * Calls of a scope are held until the given time.
		 * @param scope the scope held: a provider id, or {@code provider/model-name}
		 * @param until the end of the hold, on the clock of the holds
		 */
		void held(String scope, Instant until);

	}

}
