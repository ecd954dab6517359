package dev.llmresilience.budget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmCircuitOpenException;
import dev.llmresilience.error.LlmThrottledException;
import reactor.core.publisher.Mono;

import org.springframework.lang.Nullable;

/**
 * Paces the calls to each provider: the configured requests-per-minute and
 * tokens-per-minute budgets of the provider and of the model, and the
 * {@link ProviderHolds holds} learnt from the provider itself. When a response says a
 * budget is used up ({@code anthropic-ratelimit-*-remaining} or
 * {@code x-ratelimit-remaining-*} at zero), or a 429 arrives, calls to that provider wait
 * until the matching reset or retry-after, instead of being sent to be rejected. A call
 * that would have to wait longer than the longest acceptable wait, or past its request's
 * deadline, is not made: it fails with an {@link LlmThrottledException} and the chain
 * moves on. When a hold of the provider's is what stands in the way, the provider's error
 * that set it (its 429 with its type, message and request id) is the exception's cause.
 */
public final class ProviderPacer {

	private static final Mono<Duration> NO_WAIT = Mono.just(Duration.ZERO);

	private final Map<String, RateBudget> providerBudgets;

	private final Map<String, RateBudget> modelBudgets;

	private final Duration maxWait;

	private final ProviderHolds holds;

	/**
	 * Create a new instance.
	 * @param providerBudgets budgets by provider id; a provider without one is only held
	 * @param modelBudgets budgets by model id, on top of the provider's
	 * @param clock the clock that the providers' reset times are read against
	 * @param maxWait the longest a call may wait for its provider
	 */
	public ProviderPacer(Map<String, RateBudget> providerBudgets, Map<String, RateBudget> modelBudgets, Clock clock,
			Duration maxWait) {
		this(providerBudgets, modelBudgets, clock, maxWait, (provider, until) -> {
		});
	}

	/**
	 * Create a new instance that tells a listener of the holds it learns from the
	 * providers.
	 * @param providerBudgets budgets by provider id; a provider without one is only held
	 * @param modelBudgets budgets by model id, on top of the provider's
	 * @param clock the clock that the providers' reset times are read against
	 * @param maxWait the longest a call may wait for its provider
	 * @param holdListener told of every hold learnt from a provider's answer, not of
	 * those passed in by {@link #holdUntil(String, Instant)}
	 */
	public ProviderPacer(Map<String, RateBudget> providerBudgets, Map<String, RateBudget> modelBudgets, Clock clock,
			Duration maxWait, ProviderHolds.HoldListener holdListener) {
		this.providerBudgets = Map.copyOf(providerBudgets);
		this.modelBudgets = Map.copyOf(modelBudgets);
		this.maxWait = maxWait;
		this.holds = new ProviderHolds(clock, holdListener);
	}

	/**
	 * Wait until a call of the model may be sent.
	 * @param model the model
	 * @param request the request, for its token estimate
	 * @param deadline the request's deadline
	 * @return the reservation of the call, once it may be sent, or an
	 * {@link LlmThrottledException}
	 */
	public Mono<Reservation> admit(LlmModel model, LlmRequest request, Deadline deadline) {
		return admit(model, request, deadline, this.maxWait);
	}

	/**
	 * Wait out the provider's hold, then reserve: reservations taken during a hold would
	 * all fall due when it ends, in the burst that the budgets are there to prevent.
	 * @param allowed how much longer the call may wait
	 */
	private Mono<Reservation> admit(LlmModel model, LlmRequest request, Deadline deadline, Duration allowed) {
		return Mono.defer(() -> {
			Duration hold = this.holds.remaining(model.provider());
			if (!hold.isZero()) {
				if (hold.compareTo(allowed) > 0 || !deadline.allows(hold)) {
					return Mono.error(throttled(model, hold, this.holds.heldBy(model.provider())));
				}
				return Mono.delay(hold).then(admit(model, request, deadline, allowed.minus(hold)));
			}
			long tokens = request.estimatedInputTokens() + model.outputTokensFor(request);
			Reservation reservation = new Reservation(model, this.providerBudgets.get(model.provider()),
					this.modelBudgets.get(model.id()), tokens);
			return reservation.take().flatMap((wait) -> waitFor(model, reservation, wait, null, deadline, allowed));
		});
	}

	/**
	 * Wait for the budgets, then for a hold learnt meanwhile.
	 * @param heldBy the provider's error behind the wait, {@code null} for a budget's
	 */
	private Mono<Reservation> waitFor(LlmModel model, Reservation reservation, Duration wait,
			@Nullable LlmApiException heldBy, Deadline deadline, Duration allowed) {
		if (wait.isZero()) {
			return Mono.just(reservation);
		}
		if (wait.compareTo(allowed) > 0 || !deadline.allows(wait)) {
			reservation.cancel();
			return Mono.error(throttled(model, wait, heldBy));
		}
		// a hold learnt while waiting (another call's 429) extends the wait
		return Mono.delay(wait)
			.then(Mono.defer(() -> waitFor(model, reservation, this.holds.remaining(model.provider()),
					this.holds.heldBy(model.provider()), deadline, allowed.minus(wait))))
			.doOnCancel(reservation::cancel);
	}

	private static LlmThrottledException throttled(LlmModel model, Duration wait, @Nullable LlmApiException heldBy) {
		return new LlmThrottledException(model.provider(), model.id(), wait, heldBy);
	}

	/**
	 * Learn from a successful call of a provider whose token limits count every token:
	 * settle its token reservation with the real usage ({@link LlmUsage#totalTokens()}),
	 * and hold the provider if its rate-limit headers say a budget is used up.
	 * @param reservation the call's reservation
	 * @param usage the tokens the call used
	 * @param rateLimits the provider's rate-limit headers
	 * @see #answered(Reservation, long, RateLimitStatus)
	 */
	public void answered(Reservation reservation, LlmUsage usage, RateLimitStatus rateLimits) {
		answered(reservation, usage.totalTokens(), rateLimits);
	}

	/**
	 * Learn from a successful call: settle its token reservation with the tokens that the
	 * provider counts against its limits (see
	 * {@link dev.llmresilience.provider.LlmProvider#rateLimitedTokens(LlmUsage)}), and
	 * hold the provider if its rate-limit headers say a budget is used up.
	 * @param reservation the call's reservation
	 * @param usedTokens the tokens of the call that the provider's limits count
	 * @param rateLimits the provider's rate-limit headers
	 */
	public void answered(Reservation reservation, long usedTokens, RateLimitStatus rateLimits) {
		reservation.settle(usedTokens);
		this.holds.learn(reservation.model.provider(), rateLimits);
	}

	/**
	 * Learn from a failed call: give back its unused tokens, and hold the provider after
	 * a 429 or 529 until its retry-after, or its rate-limit reset.
	 * @param reservation the call's reservation
	 * @param error the call's error
	 */
	public void failed(Reservation reservation, Throwable error) {
		if (error instanceof LlmCircuitOpenException || error instanceof LlmThrottledException
				|| (error instanceof LlmApiException api && api.getStatusCode() == 0)) {
			// refused by the breaker, no connection was free, or refused on this side
			// (status
			// 0): never sent
			reservation.cancel();
			return;
		}
		reservation.settle(0);
		if (error instanceof LlmApiException api) {
			this.holds.learn(reservation.model.provider(), api);
		}
	}

	/**
	 * Hold calls to a provider until the given time, as learnt elsewhere, such as by
	 * another replica: the listener is not told of it.
	 * @param provider the provider id
	 * @param until the end of the hold
	 */
	public void holdUntil(String provider, Instant until) {
		this.holds.holdUntil(provider, until);
	}

	/**
	 * Return how much longer calls to a provider are held.
	 * @param provider the provider id
	 * @return the remaining hold, zero if none
	 */
	public Duration holdRemaining(String provider) {
		return this.holds.remaining(provider);
	}

	/**
	 * Return the providers held now and how much longer.
	 * @return the remaining holds by provider id
	 */
	public Map<String, Duration> holds() {
		return this.holds.current();
	}

	private static Duration max(Duration first, Duration second) {
		return (first.compareTo(second) >= 0) ? first : second;
	}

	/**
	 * What one call took from its budgets.
	 */
	public static final class Reservation {

		private final LlmModel model;

		private final RateBudget provider;

		private final RateBudget modelBudget;

		private final long tokens;

		private boolean settled;

		Reservation(LlmModel model, @Nullable RateBudget provider, @Nullable RateBudget modelBudget, long tokens) {
			this.model = model;
			this.provider = provider;
			this.modelBudget = modelBudget;
			this.tokens = tokens;
		}

		Mono<Duration> take() {
			if (this.provider == null) {
				return (this.modelBudget != null) ? this.modelBudget.reserve(this.tokens) : NO_WAIT;
			}
			Mono<Duration> wait = this.provider.reserve(this.tokens);
			return (this.modelBudget != null) ? wait.zipWith(this.modelBudget.reserve(this.tokens), ProviderPacer::max)
					: wait;
		}

		synchronized void cancel() {
			if (!this.settled) {
				this.settled = true;
				if (this.provider != null) {
					this.provider.cancel(this.tokens);
				}
				if (this.modelBudget != null) {
					this.modelBudget.cancel(this.tokens);
				}
			}
		}

		synchronized void settle(long usedTokens) {
			if (!this.settled) {
				this.settled = true;
				if (this.provider != null) {
					this.provider.settle(this.tokens, usedTokens);
				}
				if (this.modelBudget != null) {
					this.modelBudget.settle(this.tokens, usedTokens);
				}
			}
		}

	}

}
