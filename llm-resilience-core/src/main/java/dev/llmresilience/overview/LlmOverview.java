package dev.llmresilience.overview;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import dev.llmresilience.LlmModel;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.budget.SpendBudget;
import dev.llmresilience.cluster.ClusterStatus;
import dev.llmresilience.cluster.RateLimitSharing;
import dev.llmresilience.queue.QueueSnapshot;
import dev.llmresilience.queue.RequestQueue;
import dev.llmresilience.resilience.FallbackChain;
import dev.llmresilience.resilience.ModelCatalog;
import dev.llmresilience.resilience.ModelExecutor;
import dev.llmresilience.routing.Deployment;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.springframework.lang.Nullable;

/**
 * The state of every model, chain and the queue, as the {@code llm} health indicator and
 * the {@code /actuator/llm} endpoint show it. It carries no secret and no prompt text:
 * models by id, breaker states and counts, error types and times.
 */
public class LlmOverview {

	private final FallbackChain chain;

	private final RequestQueue queue;

	private final ProviderPacer pacer;

	private final RateLimitSharing sharing;

	private final Map<String, LastError> lastErrors = new ConcurrentHashMap<>();

	@Nullable
	private final Duration allowedWait;

	/**
	 * Create a new instance and start recording each model's last error from its
	 * breaker's events.
	 * @param chain the chain and its model executors
	 * @param queue the request queue, or {@code null}
	 * @param pacer the provider pacer, or {@code null}
	 */
	public LlmOverview(FallbackChain chain, @Nullable RequestQueue queue, @Nullable ProviderPacer pacer) {
		this(chain, queue, pacer, null);
	}

	/**
	 * Create a new instance and start recording each model's last error from its
	 * breaker's events.
	 * @param chain the chain and its model executors
	 * @param queue the request queue, or {@code null}
	 * @param pacer the provider pacer, or {@code null}
	 * @param sharing shares rate limits with the other replicas, or {@code null}
	 */
	public LlmOverview(FallbackChain chain, @Nullable RequestQueue queue, @Nullable ProviderPacer pacer,
			@Nullable RateLimitSharing sharing) {
		this(chain, queue, pacer, sharing, null);
	}

	/**
	 * Create a new instance and start recording each model's and deployment's last error
	 * from its breakers' events.
	 * @param chain the chain and its model executors
	 * @param queue the request queue, or {@code null}
	 * @param pacer the provider pacer, or {@code null}
	 * @param sharing shares rate limits with the other replicas, or {@code null}
	 * @param timeout the time a request has, or {@code null} for none: a deployment that
	 * would make a call wait longer (or longer than the pacer lets it) cannot be served
	 * now
	 */
	public LlmOverview(FallbackChain chain, @Nullable RequestQueue queue, @Nullable ProviderPacer pacer,
			@Nullable RateLimitSharing sharing, @Nullable Duration timeout) {
		this.chain = chain;
		this.queue = queue;
		this.pacer = pacer;
		this.sharing = sharing;
		Duration allowed = (pacer != null) ? pacer.getMaxWait() : null;
		if (timeout != null && (allowed == null || timeout.compareTo(allowed) < 0)) {
			allowed = timeout;
		}
		this.allowedWait = allowed;
		chain.getCatalog().getModels().keySet().forEach((id) -> {
			for (Deployment deployment : chain.getExecutor(id).getDeployments()) {
				CircuitBreaker.EventPublisher events = deployment.circuitBreaker().getEventPublisher();
				events.onError((event) -> noteError(id, deployment, event.getThrowable(), event.getCreationTime()));
				events.onIgnoredError(
						(event) -> noteError(id, deployment, event.getThrowable(), event.getCreationTime()));
			}
		});
	}

	private void noteError(String modelId, Deployment deployment, Throwable error, ZonedDateTime at) {
		LastError last = new LastError(error.getClass().getSimpleName(), at.toInstant());
		this.lastErrors.put(modelId, last);
		this.lastErrors.put(deployment.key(), last);
	}

	/**
	 * Return the state of every spend budget, by name: its spend in the current period,
	 * its limit and when it resets.
	 * @return the budgets, empty without any
	 */
	public Map<String, SpendBudget.Status> budgets() {
		return this.chain.getAccounting().budgetStatus();
	}

	/**
	 * Return the state of every model, by id.
	 * @return the models
	 */
	public Map<String, ModelState> models() {
		Map<String, ModelState> models = new LinkedHashMap<>();
		this.chain.getCatalog().getModels().forEach((id, model) -> models.put(id, model(id)));
		return models;
	}

	/**
	 * Return the state of one model.
	 * @param id the model id
	 * @return the state, or {@code null} if no such model is configured
	 */
	@Nullable
	public ModelState model(String id) {
		ModelExecutor executor = this.chain.getExecutor(id);
		if (executor == null) {
			return null;
		}
		Map<String, DeploymentState> deployments = new LinkedHashMap<>();
		executor.getDeployments().forEach((deployment) -> deployments.put(deployment.name(), deployment(deployment)));
		LlmModel model = executor.getModel();
		if (deployments.size() == 1) {
			DeploymentState only = deployments.values().iterator().next();
			return new ModelState(model.provider(), model.name(), only.state(), only.failureRate(), only.slowCallRate(),
					only.bufferedCalls(), only.failedCalls(), only.slowCalls(), only.notPermittedCalls(),
					this.lastErrors.get(id), only.available(), executor.getRouter().strategy().name(), deployments);
		}
		int buffered = 0;
		int failed = 0;
		int slow = 0;
		long notPermitted = 0;
		boolean available = false;
		for (DeploymentState deployment : deployments.values()) {
			buffered += deployment.bufferedCalls();
			failed += deployment.failedCalls();
			slow += deployment.slowCalls();
			notPermitted += deployment.notPermittedCalls();
			available |= deployment.available();
		}
		return new ModelState(model.provider(), model.name(), combinedState(deployments.values()),
				combinedRate(deployments.values(), DeploymentState::failureRate, failed, buffered),
				combinedRate(deployments.values(), DeploymentState::slowCallRate, slow, buffered), buffered, failed,
				slow, notPermitted, this.lastErrors.get(id), available, executor.getRouter().strategy().name(),
				deployments);
	}

	private DeploymentState deployment(Deployment deployment) {
		CircuitBreaker breaker = deployment.circuitBreaker();
		CircuitBreaker.Metrics metrics = breaker.getMetrics();
		LlmModel model = deployment.model();
		Duration wait = (this.pacer != null) ? this.pacer.currentWait(model, deployment.key()) : Duration.ZERO;
		Duration hold = (this.pacer != null) ? this.pacer.holdRemaining(model) : Duration.ZERO;
		boolean available = deployment.permitsCalls()
				&& (this.allowedWait == null || wait.compareTo(this.allowedWait) <= 0);
		return new DeploymentState(model.provider(), model.name(), breaker.getState().name(), metrics.getFailureRate(),
				metrics.getSlowCallRate(), metrics.getNumberOfBufferedCalls(), metrics.getNumberOfFailedCalls(),
				metrics.getNumberOfSlowCalls(), metrics.getNumberOfNotPermittedCalls(),
				this.lastErrors.get(deployment.key()), available, deployment.weight(), deployment.inFlight(),
				deployment.latency(), hold, wait,
				(this.pacer != null) ? this.pacer.remainingShare(model, deployment.key()) : 1);
	}

	/**
	 * Return the state of a model served by several deployments: {@code CLOSED} if any
	 * deployment's breaker is closed, else {@code HALF_OPEN} if any is half open, else
	 * the state of the first.
	 */
	private static String combinedState(Collection<DeploymentState> deployments) {
		for (String state : new String[] { CircuitBreaker.State.CLOSED.name(),
				CircuitBreaker.State.HALF_OPEN.name() }) {
			if (deployments.stream().anyMatch((deployment) -> deployment.state().equals(state))) {
				return state;
			}
		}
		return deployments.iterator().next().state();
	}

	/**
	 * Return a rate over the windows of several breakers: -1 while none has enough calls
	 * for a rate of its own.
	 */
	private static float combinedRate(Collection<DeploymentState> deployments, ToDoubleFunction<DeploymentState> rate,
			int count, int buffered) {
		boolean rated = deployments.stream().anyMatch((deployment) -> rate.applyAsDouble(deployment) >= 0);
		return (rated && buffered > 0) ? 100f * count / buffered : -1;
	}

	/**
	 * Return every chain with the model that would serve it now, by name. Without chains,
	 * every model stands for a chain of its own.
	 * @return the chains
	 */
	public Map<String, ChainState> chains() {
		ModelCatalog catalog = this.chain.getCatalog();
		Map<String, ChainState> chains = new LinkedHashMap<>();
		if (catalog.getChains().isEmpty()) {
			catalog.getModels().forEach((id, model) -> chains.put(id, chain(List.of(model))));
		}
		catalog.getChains().forEach((name, models) -> chains.put(name, chain(models)));
		return chains;
	}

	private ChainState chain(List<LlmModel> models) {
		List<String> ids = models.stream().map(LlmModel::id).toList();
		String serving = ids.stream().filter(this::isAvailable).findFirst().orElse(null);
		return new ChainState(ids, serving, serving != null && !serving.equals(ids.get(0)));
	}

	/**
	 * Return whether a model can be served now: some deployment's breaker lets calls
	 * through and its holds and budgets would not make a call wait longer than allowed.
	 */
	private boolean isAvailable(String modelId) {
		for (Deployment deployment : this.chain.getExecutor(modelId).getDeployments()) {
			if (deployment.permitsCalls() && (this.pacer == null || this.allowedWait == null
					|| this.pacer.currentWait(deployment.model(), deployment.key()).compareTo(this.allowedWait) <= 0)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return what the queue holds.
	 * @return the snapshot, or {@code null} without a queue
	 */
	@Nullable
	public QueueSnapshot queue() {
		return (this.queue != null) ? this.queue.snapshot() : null;
	}

	/**
	 * Return the scopes whose calls are held for their rate limits, and how much longer.
	 * @return the holds by scope: a provider id, or {@code provider/model-name}
	 */
	public Map<String, Duration> rateLimitHolds() {
		return (this.pacer != null) ? this.pacer.holds() : Map.of();
	}

	/**
	 * Return whether rate limits are shared with the other replicas.
	 * @return the status, or {@code null} when sharing is not enabled
	 */
	@Nullable
	public ClusterStatus cluster() {
		return (this.sharing != null) ? this.sharing.status() : null;
	}

	/**
	 * Return the model executor of a model, for operators' controls.
	 * @param id the model id
	 * @return the executor, or {@code null} if no such model is configured
	 */
	@Nullable
	public ModelExecutor executor(String id) {
		return this.chain.getExecutor(id);
	}

	/**
	 * The state of one model.
	 *
	 * @param provider the provider id
	 * @param name the model name at the provider
	 * @param state the breaker's state, such as {@code CLOSED} or {@code HALF_OPEN}
	 * @param failureRate the failure rate in percent, -1 while too few calls were made
	 * @param slowCallRate the slow-call rate in percent, -1 while too few calls were made
	 * @param bufferedCalls the calls in the breaker's window
	 * @param failedCalls the failed calls in the window
	 * @param slowCalls the slow calls in the window
	 * @param notPermittedCalls the calls the breaker refused
	 * @param lastError the last error of the model, or {@code null}
	 * @param available whether it can be served now: some deployment's breaker lets calls
	 * through, and its holds and budgets would not make a call wait longer than a request
	 * may
	 * @param routing how its attempts pick a deployment
	 * @param deployments its deployments by name; a model configured without deployments
	 * has one, named after its provider
	 */
	public record ModelState(String provider, String name, String state, float failureRate, float slowCallRate,
			int bufferedCalls, int failedCalls, int slowCalls, long notPermittedCalls, LastError lastError,
			boolean available, String routing, Map<String, DeploymentState> deployments) {

	}

	/**
	 * The state of one deployment of a model.
	 *
	 * @param provider the provider id
	 * @param name the model name at the provider
	 * @param state the breaker's state, such as {@code CLOSED} or {@code HALF_OPEN}
	 * @param failureRate the failure rate in percent, -1 while too few calls were made
	 * @param slowCallRate the slow-call rate in percent, -1 while too few calls were made
	 * @param bufferedCalls the calls in the breaker's window
	 * @param failedCalls the failed calls in the window
	 * @param slowCalls the slow calls in the window
	 * @param notPermittedCalls the calls the breaker refused
	 * @param lastError the last error of the deployment, or {@code null}
	 * @param available whether it can be served now
	 * @param weight its weight under weighted routing
	 * @param inFlight the calls of this application in flight to it
	 * @param latency the moving average of its time to first content, or {@code null}
	 * before its first answer
	 * @param hold how much longer its provider holds it (the model there, or the whole
	 * provider)
	 * @param currentWait how long a call would wait for it now: its hold, or its budgets
	 * @param budgetLeft the share of its budgets left, from 0 to 1; 1 without budgets
	 */
	public record DeploymentState(String provider, String name, String state, float failureRate, float slowCallRate,
			int bufferedCalls, int failedCalls, int slowCalls, long notPermittedCalls, LastError lastError,
			boolean available, int weight, int inFlight, @Nullable Duration latency, Duration hold,
			Duration currentWait, double budgetLeft) {

	}

	/**
	 * The last error of a model.
	 *
	 * @param type the exception's simple name
	 * @param at when it happened
	 */
	public record LastError(String type, Instant at) {

	}

	/**
	 * The state of one chain.
	 *
	 * @param models the model ids in order
	 * @param serving the first model that can be served now (see
	 * {@link ModelState#available()}), or {@code null} if none
	 * @param fallback whether that model is not the chain's first
	 */
	public record ChainState(List<String> models, String serving, boolean fallback) {

	}

}
