package dev.llmresilience.resilience;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmCost;
import dev.llmresilience.LlmDeployment;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.budget.RequestSpend;
import dev.llmresilience.error.LlmBudgetExceededException;
import dev.llmresilience.error.LlmCircuitOpenException;
import dev.llmresilience.error.LlmStreamInterruptedException;
import dev.llmresilience.error.LlmThrottledException;
import dev.llmresilience.error.LlmTimeoutException;
import dev.llmresilience.observation.LlmAttemptContext;
import dev.llmresilience.observation.LlmObservationConventions;
import dev.llmresilience.observation.ReactiveObservation;
import dev.llmresilience.provider.LlmProvider;
import dev.llmresilience.routing.Deployment;
import dev.llmresilience.routing.DeploymentRouter;
import dev.llmresilience.routing.Hedging;
import dev.llmresilience.routing.HedgingSettings;
import dev.llmresilience.routing.RoutingStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

import org.springframework.lang.Nullable;

/**
 * Calls one model with its resilience:
 * {@code Retry(Route(Pace(CircuitBreaker(provider call))))}, the retry outside so that
 * every attempt is routed, paced and recorded by the breaker and an opening breaker ends
 * the retries, the pace outside the breaker so that waiting for a rate limit is not
 * counted as a slow call. Each attempt goes to one deployment of the model, picked by its
 * {@link DeploymentRouter}: a retry goes to another healthy deployment where there is
 * one, and every deployment has its own breaker, budget and holds. The retry is a
 * resilience4j instance named after the model, the breakers named after the deployments
 * (the model id for a model configured without deployments), shared by every chain that
 * uses them.
 */
public final class ModelExecutor {

	private static final String HEDGE_LOST = "HedgeLost";

	private static final String BUDGET_EXCEEDED = "BudgetExceeded:";

	/** The entrant of an attempt that is in no race. */
	private static final Entrant NOT_RACING = new Entrant();

	private final LlmModel model;

	private final DeploymentRouter router;

	private final Retry retry;

	private final ProviderPacer pacer;

	private final ObservationRegistry observationRegistry;

	private final ObservationConvention<LlmAttemptContext> observationConvention = LlmObservationConventions.attempt();

	@Nullable
	private final Hedging hedging;

	/**
	 * Create a new instance that does not hedge.
	 * @param model the model
	 * @param router picks the deployment of each attempt
	 * @param retry its retry
	 * @param pacer paces the calls to the deployments; every attempt waits for it
	 * @param observationRegistry observes each attempt ({@code llm.attempt})
	 */
	public ModelExecutor(LlmModel model, DeploymentRouter router, Retry retry, ProviderPacer pacer,
			ObservationRegistry observationRegistry) {
		this(model, router, retry, pacer, observationRegistry, null);
	}

	/**
	 * Create a new instance.
	 * @param model the model
	 * @param router picks the deployment of each attempt
	 * @param retry its retry
	 * @param pacer paces the calls to the deployments; every attempt waits for it
	 * @param observationRegistry observes each attempt ({@code llm.attempt})
	 * @param hedging how its attempts are hedged on another deployment, or {@code null}
	 * not to hedge
	 */
	public ModelExecutor(LlmModel model, DeploymentRouter router, Retry retry, ProviderPacer pacer,
			ObservationRegistry observationRegistry, @Nullable HedgingSettings hedging) {
		this.model = model;
		this.router = router;
		this.retry = retry;
		this.pacer = pacer;
		this.observationRegistry = observationRegistry;
		this.hedging = (hedging != null && router.deployments().size() > 1) ? new Hedging(hedging) : null;
	}

	/**
	 * Create a new instance for a model configured without deployments.
	 * @param model the model
	 * @param provider the provider that serves it
	 * @param circuitBreaker its circuit breaker
	 * @param retry its retry
	 * @param pacer paces the calls to the provider; every attempt waits for it
	 * @param observationRegistry observes each attempt ({@code llm.attempt})
	 */
	public ModelExecutor(LlmModel model, LlmProvider provider, CircuitBreaker circuitBreaker, Retry retry,
			ProviderPacer pacer, ObservationRegistry observationRegistry) {
		this(model,
				new DeploymentRouter(
						List.of(new Deployment(LlmDeployment.of(model), model.id(), model, provider, circuitBreaker)),
						RoutingStrategy.WEIGHTED_RANDOM, pacer),
				retry, pacer, observationRegistry);
	}

	/**
	 * Create a new instance for a model configured without deployments, whose calls are
	 * not paced, other than by the holds the provider's own rate-limit headers ask for,
	 * and not observed.
	 * @param model the model
	 * @param provider the provider that serves it
	 * @param circuitBreaker its circuit breaker
	 * @param retry its retry
	 */
	public ModelExecutor(LlmModel model, LlmProvider provider, CircuitBreaker circuitBreaker, Retry retry) {
		this(model, provider, circuitBreaker, retry,
				new ProviderPacer(Map.of(), Map.of(), Clock.systemUTC(), Duration.ofSeconds(60)),
				ObservationRegistry.NOOP);
	}

	/**
	 * Return the model this executor calls.
	 * @return the model
	 */
	public LlmModel getModel() {
		return this.model;
	}

	/**
	 * Return the provider of the model's first deployment. Every deployment of a model
	 * speaks the same wire format.
	 * @return the provider
	 */
	public LlmProvider getProvider() {
		return firstDeployment().provider();
	}

	/**
	 * Return the circuit breaker of the model's first deployment: the model's own for a
	 * model configured without deployments.
	 * @return the breaker
	 */
	public CircuitBreaker getCircuitBreaker() {
		return firstDeployment().circuitBreaker();
	}

	/**
	 * Return the deployments of the model, in configuration order.
	 * @return the deployments
	 */
	public List<Deployment> getDeployments() {
		return this.router.deployments();
	}

	/**
	 * Return the router that picks the deployment of each attempt.
	 * @return the router
	 */
	public DeploymentRouter getRouter() {
		return this.router;
	}

	/**
	 * Return how the model's attempts are hedged.
	 * @return the settings, or {@code null} if they are not hedged
	 */
	@Nullable
	public HedgingSettings getHedging() {
		return (this.hedging != null) ? this.hedging.settings() : null;
	}

	/**
	 * Return the model's retry.
	 * @return the retry
	 */
	public Retry getRetry() {
		return this.retry;
	}

	private Deployment firstDeployment() {
		return this.router.deployments().get(0);
	}

	/**
	 * Make a call with the model's resilience.
	 * @param request the request
	 * @param context the request's attempts so far
	 * @return the answer, given on once the attempt has ended: its breaker, its
	 * observation and the request's record have it before the caller does
	 */
	Mono<LlmResponse> call(LlmRequest request, CallContext context) {
		// single() holds the answer until the attempt completes
		return resilient((deployment) -> deployment.provider().call(deployment.model(), request).flux(), request,
				context, false, (response) -> true, (response) -> response)
			.single();
	}

	Flux<LlmStreamEvent> stream(LlmRequest request, CallContext context) {
		// Any event but the completion is content: once one reached the caller, the
		// stream cannot be retried or moved to another model unseen.
		return resilient((deployment) -> deployment.provider().stream(deployment.model(), request).doOnNext((event) -> {
			if (event instanceof LlmStreamEvent.TextDelta delta) {
				context.delivered(delta.text());
			}
			else if (!(event instanceof LlmStreamEvent.Completion)) {
				context.delivered("");
			}
		}), request, context, true, (event) -> !(event instanceof LlmStreamEvent.Completion),
				(event) -> (event instanceof LlmStreamEvent.Completion completion) ? completion.response() : null)
			.onErrorMap((error) -> context.isContentDelivered() && !(error instanceof LlmStreamInterruptedException),
					(error) -> new LlmStreamInterruptedException(context.servingProvider(), this.model.id(),
							context.deliveredText(), error, context.cost()));
	}

	/**
	 * Make the call with its resilience: each attempt goes to a deployment, waits for its
	 * pace, passes its breaker, and is recorded, hedged where the model hedges; the retry
	 * wraps them all.
	 * @param call creates one call of a deployment
	 * @param isContent which element is content, for the breaker's time to first content
	 * @param answerOf the whole answer an element carries, or {@code null}
	 */
	private <T> Flux<T> resilient(Function<Deployment, Flux<T>> call, LlmRequest request, CallContext context,
			boolean streaming, Predicate<T> isContent, Function<T, LlmResponse> answerOf) {
		Attempts<T> attempts = new Attempts<>(call, request, context, streaming, isContent, answerOf);
		Flux<T> attempt = (this.hedging != null) ? hedged(attempts)
				: Flux.defer(() -> attempts.on(attempts.tried(this.router.choose(attempts.tried)), false, NOT_RACING));
		return attempt.transform(ModelRetryOperator.of(this.retry, context, () -> !this.router.permitsCalls()));
	}

	/**
	 * Race an attempt against a hedge on another healthy deployment, sent if the attempt
	 * brought no content within the hedging delay: the first to bring content wins and
	 * the other is cancelled at once. No hedge is sent once content reached the caller,
	 * after the attempt failed, past the request's hedges, or beyond the model's share.
	 */
	private <T> Flux<T> hedged(Attempts<T> attempts) {
		Hedging hedging = this.hedging;
		return Flux.defer(() -> {
			hedging.attempted();
			AtomicReference<Boolean> winner = new AtomicReference<>();
			AtomicReference<Throwable> lastError = new AtomicReference<>();
			Sinks.Empty<Void> firstEnded = Sinks.empty();
			Entrant firstEntrant = new Entrant();
			Entrant hedgeEntrant = new Entrant();
			Flux<T> first = race(attempts.on(attempts.tried(this.router.choose(attempts.tried)), false, firstEntrant),
					firstEntrant, hedgeEntrant, winner, lastError, attempts.context)
				.doOnTerminate(firstEnded::tryEmitEmpty);
			Flux<T> hedge = Mono.delay(hedging.delay())
				.takeUntilOther(firstEnded.asMono())
				.flatMap((tick) -> Mono.justOrEmpty(hedgeTarget(attempts, winner)))
				.flatMapMany((deployment) -> race(attempts.on(deployment, true, hedgeEntrant), hedgeEntrant,
						firstEntrant, winner, lastError, attempts.context));
			// both failing before content: the last failure is the attempt's
			return Flux.firstWithValue(first, hedge)
				.onErrorMap((error) -> error instanceof NoSuchElementException && lastError.get() != null,
						(error) -> lastError.get());
		});
	}

	/**
	 * Enter an attempt in a race: the first to bring content marks the other as lost
	 * (through {@code other}, the other's flag) before the race cancels it, and a failure
	 * before content drops out, leaving the race to the other.
	 */
	private <T> Flux<T> race(Flux<T> attempt, Entrant entrant, Entrant other, AtomicReference<Boolean> winner,
			AtomicReference<Throwable> lastError, CallContext context) {
		AtomicBoolean content = new AtomicBoolean();
		return attempt.doOnNext((element) -> {
			if (content.compareAndSet(false, true) && winner.compareAndSet(null, Boolean.TRUE)) {
				other.lose();
				// what fails from now on fails on the winner's provider
				context.serving(entrant.provider);
			}
		}).onErrorResume((error) -> !content.get(), (error) -> {
			lastError.set(error);
			return Flux.empty();
		});
	}

	@Nullable
	private Deployment hedgeTarget(Attempts<?> attempts, AtomicReference<Boolean> winner) {
		if (winner.get() != null || attempts.context.isContentDelivered()
				|| attempts.hedges.get() >= this.hedging.settings().maxHedges()) {
			return null;
		}
		Deployment target = this.router.chooseHedge(attempts.tried);
		if (target == null || !this.hedging.tryHedge()) {
			return null;
		}
		attempts.hedges.incrementAndGet();
		return attempts.tried(target);
	}

	private <T> Flux<T> attempt(Deployment deployment, Attempts<T> attempts, LlmAttemptContext observed,
			Entrant entrant) {
		CallContext context = attempts.context;
		if (context.deadline().hasPassed()) {
			return Flux.error(LlmTimeoutException.deadline(context.deadline().timeout()));
		}
		Run<T> run = new Run<>(deployment, attempts, observed, entrant);
		RequestSpend spend = context.spend();
		boolean guarded = spend.isGuarded(deployment.model());
		if (!guarded) {
			ProviderPacer.Reservation atOnce = this.pacer.admitAtOnce(deployment.model(), deployment.key(),
					attempts.request);
			if (atOnce != null) {
				return run.send(atOnce);
			}
		}
		Mono<ProviderPacer.Reservation> admitted = this.pacer.admit(deployment.model(), deployment.key(),
				attempts.request, context.deadline());
		if (guarded) {
			// the spend budgets first: a call they turn away does not wait for its pace
			Mono<ProviderPacer.Reservation> paced = admitted;
			admitted = spend.reserve(deployment.model(), attempts.request).flatMap((reserved) -> {
				run.billing.reserved(reserved);
				return paced;
			});
		}
		// a call's own failure is noted by the run; this notes those of the admission
		return admitted.doOnError(run::failed).flatMapMany(run::send);
	}

	private static boolean isSkip(Throwable error) {
		return error instanceof LlmCircuitOpenException || error instanceof LlmThrottledException
				|| error instanceof LlmBudgetExceededException;
	}

	private static String skipReason(Throwable error) {
		return (error instanceof LlmBudgetExceededException budget) ? BUDGET_EXCEEDED + budget.getBudget()
				: error.getClass().getSimpleName();
	}

	private static long now() {
		return Schedulers.parallel().now(TimeUnit.NANOSECONDS);
	}

	private static Duration elapsedSince(long start) {
		return Duration.ofNanos(now() - start);
	}

	@Override
	public String toString() {
		return "ModelExecutor{model=" + this.model.id() + ", deployments=" + this.router.deployments() + "}";
	}

	/**
	 * The attempts of one request on a model: the deployments tried, the hedges sent, and
	 * how to make one attempt.
	 */
	private final class Attempts<T> {

		private final Function<Deployment, Flux<T>> call;

		private final LlmRequest request;

		private final CallContext context;

		private final boolean streaming;

		private final Predicate<T> isContent;

		private final Function<T, LlmResponse> answerOf;

		private final AtomicInteger tries = new AtomicInteger();

		private final AtomicInteger hedges = new AtomicInteger();

		/** The deployments tried; a hedge adds to it from another thread. */
		private final List<Deployment> tried;

		Attempts(Function<Deployment, Flux<T>> call, LlmRequest request, CallContext context, boolean streaming,
				Predicate<T> isContent, Function<T, LlmResponse> answerOf) {
			this.call = call;
			this.request = request;
			this.context = context;
			this.streaming = streaming;
			this.isContent = isContent;
			this.answerOf = answerOf;
			this.tried = (ModelExecutor.this.router.deployments().size() > 1)
					? Collections.synchronizedList(new ArrayList<>(2)) : List.of();
		}

		Deployment tried(Deployment deployment) {
			if (ModelExecutor.this.router.deployments().size() > 1) {
				this.tried.add(deployment);
			}
			return deployment;
		}

		Flux<T> on(Deployment deployment, boolean hedge, Entrant entrant) {
			if (entrant == NOT_RACING) {
				this.context.serving(deployment.provider().id());
			}
			else {
				entrant.provider = deployment.provider().id();
			}
			return ReactiveObservation.observe(ModelExecutor.this.observationRegistry,
					ModelExecutor.this.observationConvention, () -> {
						LlmAttemptContext observed = new LlmAttemptContext(deployment.model(),
								deployment.provider().type(), this.tries.incrementAndGet(), this.streaming);
						observed.setHedge(hedge);
						if (entrant != NOT_RACING) {
							entrant.observed = observed;
						}
						return observed;
					}, (observed) -> attempt(deployment, this, observed, entrant));
		}

	}

	/**
	 * One attempt, once admitted: watches its call's elements and end, and keeps its
	 * deployment's measures, the pace's reservation, the request's bill and the attempt's
	 * record up to date. One subscriber of its own rather than four peeking operators
	 * with their capturing lambdas, since every attempt passes through it.
	 *
	 * @param <T> the element type
	 */
	private final class Run<T> extends Flux<T> implements CoreSubscriber<T>, Subscription {

		private final Deployment deployment;

		private final Attempts<T> attempts;

		private final LlmAttemptContext observed;

		private final Entrant entrant;

		private final AttemptBilling billing;

		private final long start = now();

		private long sent;

		private boolean contentSeen;

		private ProviderPacer.Reservation reservation;

		private Flux<T> call;

		private CoreSubscriber<? super T> actual;

		private Subscription upstream;

		/** Whether the call ended, by a signal or a cancel. */
		private final AtomicBoolean ended = new AtomicBoolean();

		Run(Deployment deployment, Attempts<T> attempts, LlmAttemptContext observed, Entrant entrant) {
			this.deployment = deployment;
			this.attempts = attempts;
			this.observed = observed;
			this.entrant = entrant;
			this.billing = new AttemptBilling(deployment.model(), attempts.request);
		}

		/**
		 * Send the call, now that its pace admitted it.
		 */
		Flux<T> send(ProviderPacer.Reservation reservation) {
			this.reservation = reservation;
			this.sent = now();
			this.deployment.started();
			try {
				this.call = this.attempts.call.apply(this.deployment)
					.transform(ModelCircuitBreakerOperator.of(this.deployment.circuitBreaker(),
							this.deployment.provider().id(), ModelExecutor.this.model.id(), this.attempts.isContent,
							(element) -> this.attempts.answerOf.apply(element) != null));
			}
			catch (RuntimeException ex) {
				// fails through this run, which notes it
				this.call = Flux.error(ex);
			}
			return this;
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			this.actual = actual;
			this.call.subscribe(this);
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			if (Operators.validate(this.upstream, subscription)) {
				this.upstream = subscription;
				this.actual.onSubscribe(this);
			}
		}

		@Override
		public void onNext(T element) {
			Attempts<T> attempts = this.attempts;
			if (!this.contentSeen && attempts.isContent.test(element)) {
				this.contentSeen = true;
				Duration firstContent = elapsedSince(this.sent);
				this.deployment.measured(firstContent);
				if (ModelExecutor.this.hedging != null) {
					ModelExecutor.this.hedging.measured(firstContent);
				}
				if (this.observed.isStreaming()) {
					this.observed.setTimeToFirstContent(elapsedSince(this.start));
				}
			}
			if (attempts.streaming) {
				this.billing.received(element);
			}
			LlmResponse answer = attempts.answerOf.apply(element);
			if (answer != null) {
				try {
					answered(answer);
				}
				catch (RuntimeException ex) {
					// as a peeking operator would: the call ends with the error
					this.upstream.cancel();
					onError(ex);
					return;
				}
			}
			this.actual.onNext(element);
		}

		private void answered(LlmResponse answer) {
			Deployment deployment = this.deployment;
			ModelExecutor.this.pacer.answered(this.reservation, deployment.provider().rateLimitedTokens(answer.usage()),
					answer.rateLimits());
			deployment.answered(answer.rateLimits());
			this.observed.setResponse(answer);
			LlmCost cost = this.billing.answered(answer.usage());
			CallContext context = this.attempts.context;
			context.billed(deployment, this.billing.reservation(), cost);
			context.record(
					record(LlmAttempt.success(ModelExecutor.this.model.id(), elapsedSince(this.start)).withCost(cost)));
		}

		@Override
		public void onError(Throwable error) {
			ModelExecutor.this.pacer.failed(this.reservation, error);
			failed(error);
			this.actual.onError(error);
			end();
		}

		@Override
		public void onComplete() {
			this.actual.onComplete();
			end();
		}

		@Override
		public void request(long n) {
			this.upstream.request(n);
		}

		@Override
		public void cancel() {
			try {
				// a stream cancelled after its content began has been billed for it
				LlmCost cost = this.billing.broken();
				this.attempts.context.billed(this.deployment, this.billing.reservation(), cost);
				if (this.entrant.lost) {
					// lost the race: what it took goes back, and it is on record
					ModelExecutor.this.pacer.cancelled(this.reservation);
					this.attempts.context.record(record(
							LlmAttempt.cancelled(ModelExecutor.this.model.id(), HEDGE_LOST, elapsedSince(this.start))
								.withCost(cost)));
				}
			}
			finally {
				this.upstream.cancel();
				end();
			}
		}

		/**
		 * Note the end of an attempt that was not admitted, or whose call failed.
		 */
		void failed(Throwable error) {
			boolean skipped = isSkip(error);
			this.observed.setSkipped(skipped);
			LlmCost cost = this.billing.broken();
			this.attempts.context.billed(this.deployment, this.billing.reservation(), cost);
			String model = ModelExecutor.this.model.id();
			this.attempts.context.record(record(skipped ? LlmAttempt.skipped(model, skipReason(error))
					: LlmAttempt.failure(model, error, elapsedSince(this.start)).withCost(cost)));
		}

		private void end() {
			if (this.ended.compareAndSet(false, true)) {
				this.deployment.ended();
			}
		}

		private LlmAttempt record(LlmAttempt attempt) {
			return this.deployment.isImplicit() ? attempt : attempt.on(this.deployment.name());
		}

	}

	/**
	 * An attempt in a hedging race: whether it lost, told before the race cancels it, and
	 * its observation, told at once, so that it stops knowing it lost.
	 */
	private static final class Entrant {

		private volatile boolean lost;

		@Nullable
		private volatile String provider;

		@Nullable
		private volatile LlmAttemptContext observed;

		void lose() {
			this.lost = true;
			LlmAttemptContext context = this.observed;
			if (context != null) {
				context.setHedgeLost(true);
			}
		}

	}

}
