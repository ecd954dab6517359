package dev.llmresilience.budget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmCircuitOpenException;
import dev.llmresilience.error.LlmQuotaExceededException;
import dev.llmresilience.error.LlmThrottledException;
import reactor.core.publisher.Mono;

import org.springframework.lang.Nullable;

/**
 * Paces the calls of each deployment: the configured requests-per-minute and
 * tokens-per-minute budgets of its provider, its model and itself, and the
 * {@link ProviderHolds holds} learnt from the provider. When a response says a budget is
 * used up ({@code anthropic-ratelimit-*-remaining} or {@code x-ratelimit-remaining-*} at
 * zero), or a 429 or 529 with a retry-after arrives, calls wait until the matching reset
 * or retry-after, instead of being sent to be rejected. A call that would have to wait
 * longer than the longest acceptable wait, or past its request's deadline, is not made:
 * it fails with an {@link LlmThrottledException} and the chain moves on. When a hold of
 * the provider's is what stands in the way, the provider's error that set it (its 429
 * with its type, message and request id) is the exception's cause.
 * <p>
 * Holds have the scope the providers count limits in: a model on a provider (an API key
 * or endpoint), {@code provider/model-name}, so that a limit of one model does not hold
 * the other models of the same key. An error that speaks of the whole organisation (a
 * quota used up) holds the provider, {@code provider}, and so do all holds of the
 * providers configured to be held as a whole.
 */
public final class ProviderPacer {

	private static final Mono<Duration> NO_WAIT = Mono.just(Duration.ZERO);

	private static final char SCOPE_SEPARATOR = '/';

	private final Map<String, RateBudget> providerBudgets;

	private final Map<String, RateBudget> modelBudgets;

	private final Duration maxWait;

	private final ProviderHolds holds;

	private final Set<String> providerWideHolds;

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
		this(providerBudgets, modelBudgets, clock, maxWait, holdListener, Set.of());
	}

	/**
	 * Create a new instance that tells a listener of the holds it learns from the
	 * providers, and holds some providers as a whole.
	 * @param providerBudgets budgets by provider id; a provider without one is only held
	 * @param modelBudgets budgets by model id, and by the key of each deployment of a
	 * model configured with deployments ({@code model/deployment}), on top of the
	 * provider's
	 * @param clock the clock that the providers' reset times are read against
	 * @param maxWait the longest a call may wait for its provider
	 * @param holdListener told of every hold learnt from a provider's answer, not of
	 * those passed in by {@link #holdUntil(String, Instant)}
	 * @param providerWideHolds the ids of the providers whose every hold holds all their
	 * models
	 */
	public ProviderPacer(Map<String, RateBudget> providerBudgets, Map<String, RateBudget> modelBudgets, Clock clock,
			Duration maxWait, ProviderHolds.HoldListener holdListener, Set<String> providerWideHolds) {
		this.providerBudgets = Map.copyOf(providerBudgets);
		this.modelBudgets = Map.copyOf(modelBudgets);
		this.maxWait = maxWait;
		this.holds = new ProviderHolds(clock, holdListener);
		this.providerWideHolds = Set.copyOf(providerWideHolds);
	}

	/**
	 * Return the scope of the holds of a model on its provider.
	 * @param model the model, with the provider and name of the deployment called
	 * @return the scope, {@code provider/model-name}
	 */
	public static String scopeOf(LlmModel model) {
		return model.provider() + SCOPE_SEPARATOR + model.name();
	}

	/**
	 * Return the provider a hold's scope belongs to.
	 * @param scope a scope, {@code provider} or {@code provider/model-name}
	 * @return the provider id
	 */
	public static String providerOf(String scope) {
		int separator = scope.indexOf(SCOPE_SEPARATOR);
		return (separator >= 0) ? scope.substring(0, separator) : scope;
	}

	/**
	 * Wait until a call of a model configured without deployments may be sent.
	 * @param model the model
	 * @param request the request, for its token estimate
	 * @param deadline the request's deadline
	 * @return the reservation of the call, once it may be sent, or an
	 * {@link LlmThrottledException}
	 */
	public Mono<Reservation> admit(LlmModel model, LlmRequest request, Deadline deadline) {
		return admit(model, model.id(), request, deadline);
	}

	/**
	 * Wait until a call of a deployment may be sent.
	 * @param model the model, with the provider and name of the deployment
	 * @param deployment the key of the deployment's budget: the model id for the one
	 * deployment of a model configured without deployments
	 * @param request the request, for its token estimate
	 * @param deadline the request's deadline
	 * @return the reservation of the call, once it may be sent, or an
	 * {@link LlmThrottledException}
	 */
	public Mono<Reservation> admit(LlmModel model, String deployment, LlmRequest request, Deadline deadline) {
		return admit(model, deployment, request, deadline, this.maxWait);
	}

	/**
	 * Admit a call of a deployment now, if it need not wait: no hold on its provider or
	 * model, and no rate budget to reserve from. What {@link #admit} would give at once,
	 * without a pipeline of its own for the common case of no limits.
	 * @param model the model, with the provider and name of the deployment
	 * @param deployment the key of the deployment's budget (see {@link #admit})
	 * @param request the request, for its token estimate
	 * @return the call's reservation, or {@code null} if the call must go through
	 * {@link #admit}
	 */
	@Nullable
	public Reservation admitAtOnce(LlmModel model, String deployment, LlmRequest request) {
		List<RateBudget> budgets = budgets(model, deployment);
		if (!budgets.isEmpty() || !holdRemaining(model).isZero()) {
			return null;
		}
		return new Reservation(model, budgets, request.estimatedInputTokens() + model.outputTokensFor(request));
	}

	/**
	 * Wait out the provider's hold, then reserve: reservations taken during a hold would
	 * all fall due when it ends, in the burst that the budgets are there to prevent.
	 * @param allowed how much longer the call may wait
	 */
	private Mono<Reservation> admit(LlmModel model, String deployment, LlmRequest request, Deadline deadline,
			Duration allowed) {
		return Mono.defer(() -> {
			Duration hold = holdRemaining(model);
			if (!hold.isZero()) {
				if (hold.compareTo(allowed) > 0 || !deadline.allows(hold)) {
					return Mono.error(throttled(model, hold, heldBy(model)));
				}
				return Mono.delay(hold).then(admit(model, deployment, request, deadline, allowed.minus(hold)));
			}
			long tokens = request.estimatedInputTokens() + model.outputTokensFor(request);
			Reservation reservation = new Reservation(model, budgets(model, deployment), tokens);
			return reservation.take().flatMap((wait) -> waitFor(model, reservation, wait, null, deadline, allowed));
		});
	}

	/**
	 * Return the budgets a call of a deployment takes from: its provider's, its model's,
	 * and its own.
	 */
	private List<RateBudget> budgets(LlmModel model, String deployment) {
		RateBudget provider = this.providerBudgets.get(model.provider());
		RateBudget modelBudget = this.modelBudgets.get(model.id());
		RateBudget own = deployment.equals(model.id()) ? null : this.modelBudgets.get(deployment);
		if (provider == null && modelBudget == null && own == null) {
			return List.of();
		}
		List<RateBudget> budgets = new ArrayList<>(3);
		for (RateBudget budget : new RateBudget[] { provider, modelBudget, own }) {
			if (budget != null) {
				budgets.add(budget);
			}
		}
		return budgets;
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
			.then(Mono.defer(() -> waitFor(model, reservation, holdRemaining(model), heldBy(model), deadline,
					allowed.minus(wait))))
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
		this.holds.learn(holdScope(reservation.model, null), rateLimits);
	}

	/**
	 * Give back what a call took from its budgets: for a call cancelled because another
	 * call of the same request answered first.
	 * @param reservation the call's reservation
	 */
	public void cancelled(Reservation reservation) {
		reservation.cancel();
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
			// (status 0): never sent
			reservation.cancel();
			return;
		}
		reservation.settle(0);
		if (error instanceof LlmApiException api) {
			this.holds.learn(holdScope(reservation.model, api), api);
		}
	}

	/**
	 * Return the scope that what a provider said holds: the model on its provider, or the
	 * whole provider for an organisation-wide error or a provider held as a whole.
	 */
	private String holdScope(LlmModel model, @Nullable LlmApiException error) {
		if (error instanceof LlmQuotaExceededException || this.providerWideHolds.contains(model.provider())) {
			return model.provider();
		}
		return scopeOf(model);
	}

	/**
	 * Hold calls of a scope until the given time, as learnt elsewhere, such as by another
	 * replica: the listener is not told of it.
	 * @param scope the scope: a provider id, or {@code provider/model-name}
	 * @param until the end of the hold
	 */
	public void holdUntil(String scope, Instant until) {
		this.holds.holdUntil(scope, until);
	}

	/**
	 * Return how much longer calls of a scope are held, by a hold of that very scope.
	 * @param scope the scope: a provider id, or {@code provider/model-name}
	 * @return the remaining hold, zero if none
	 */
	public Duration holdRemaining(String scope) {
		return this.holds.remaining(scope);
	}

	/**
	 * Return how much longer calls of a model on a provider are held: by a hold of the
	 * model there, or of the whole provider.
	 * @param model the model, with the provider and name of the deployment called
	 * @return the remaining hold, zero if none
	 */
	public Duration holdRemaining(LlmModel model) {
		return max(this.holds.remaining(model.provider()), this.holds.remaining(scopeOf(model)));
	}

	@Nullable
	private LlmApiException heldBy(LlmModel model) {
		String scope = scopeOf(model);
		boolean providerLonger = this.holds.remaining(model.provider()).compareTo(this.holds.remaining(scope)) > 0;
		return this.holds.heldBy(providerLonger ? model.provider() : scope);
	}

	/**
	 * Return how long a call of a deployment would wait if it came now: for its holds and
	 * its budgets.
	 * @param model the model, with the provider and name of the deployment
	 * @param deployment the key of the deployment's budget
	 * @return the wait, zero if none
	 */
	public Duration currentWait(LlmModel model, String deployment) {
		Duration wait = holdRemaining(model);
		for (RateBudget budget : budgets(model, deployment)) {
			wait = max(wait, budget.currentWait());
		}
		return wait;
	}

	/**
	 * Return the longest a call may wait for its provider.
	 * @return the longest wait
	 */
	public Duration getMaxWait() {
		return this.maxWait;
	}

	/**
	 * Return the share of a deployment's budgets left now: the lowest of its provider's,
	 * its model's and its own.
	 * @param model the model, with the provider and name of the deployment
	 * @param deployment the key of the deployment's budget
	 * @return a share from 0 to 1; 1 without budgets
	 */
	public double remainingShare(LlmModel model, String deployment) {
		double share = 1;
		for (RateBudget budget : budgets(model, deployment)) {
			share = Math.min(share, budget.remainingShare());
		}
		return share;
	}

	/**
	 * Return the scopes held now and how much longer.
	 * @return the remaining holds by scope: a provider id, or {@code provider/model-name}
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

		private final List<RateBudget> budgets;

		private final long tokens;

		private boolean settled;

		Reservation(LlmModel model, List<RateBudget> budgets, long tokens) {
			this.model = model;
			this.budgets = budgets;
			this.tokens = tokens;
		}

		Mono<Duration> take() {
			if (this.budgets.isEmpty()) {
				return NO_WAIT;
			}
			Mono<Duration> wait = this.budgets.get(0).reserve(this.tokens);
			for (int i = 1; i < this.budgets.size(); i++) {
				wait = wait.zipWith(this.budgets.get(i).reserve(this.tokens), ProviderPacer::max);
			}
			return wait;
		}

		synchronized void cancel() {
			if (!this.settled) {
				this.settled = true;
				this.budgets.forEach((budget) -> budget.cancel(this.tokens));
			}
		}

		synchronized void settle(long usedTokens) {
			if (!this.settled) {
				this.settled = true;
				this.budgets.forEach((budget) -> budget.settle(this.tokens, usedTokens));
			}
		}

	}

}
