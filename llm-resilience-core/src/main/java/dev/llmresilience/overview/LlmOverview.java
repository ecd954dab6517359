package dev.llmresilience.overview;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.llmresilience.LlmModel;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.cluster.ClusterStatus;
import dev.llmresilience.cluster.RateLimitSharing;
import dev.llmresilience.queue.QueueSnapshot;
import dev.llmresilience.queue.RequestQueue;
import dev.llmresilience.resilience.FallbackChain;
import dev.llmresilience.resilience.ModelCatalog;
import dev.llmresilience.resilience.ModelExecutor;
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
		this.chain = chain;
		this.queue = queue;
		this.pacer = pacer;
		this.sharing = sharing;
		chain.getCatalog().getModels().keySet().forEach((id) -> {
			CircuitBreaker.EventPublisher events = chain.getExecutor(id).getCircuitBreaker().getEventPublisher();
			events.onError(
					(event) -> this.lastErrors.put(id, new LastError(event.getThrowable().getClass().getSimpleName(),
							event.getCreationTime().toInstant())));
			events.onIgnoredError(
					(event) -> this.lastErrors.put(id, new LastError(event.getThrowable().getClass().getSimpleName(),
							event.getCreationTime().toInstant())));
		});
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
		CircuitBreaker breaker = executor.getCircuitBreaker();
		CircuitBreaker.Metrics metrics = breaker.getMetrics();
		LlmModel model = executor.getModel();
		return new ModelState(model.provider(), model.name(), breaker.getState().name(), metrics.getFailureRate(),
				metrics.getSlowCallRate(), metrics.getNumberOfBufferedCalls(), metrics.getNumberOfFailedCalls(),
				metrics.getNumberOfSlowCalls(), metrics.getNumberOfNotPermittedCalls(), this.lastErrors.get(id));
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

	private boolean isAvailable(String modelId) {
		CircuitBreaker.State state = this.chain.getExecutor(modelId).getCircuitBreaker().getState();
		return state != CircuitBreaker.State.OPEN && state != CircuitBreaker.State.FORCED_OPEN;
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
	 * Return the providers whose calls are held for their rate limits, and how much
	 * longer.
	 * @return the holds by provider id
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
	 */
	public record ModelState(String provider, String name, String state, float failureRate, float slowCallRate,
			int bufferedCalls, int failedCalls, int slowCalls, long notPermittedCalls, LastError lastError) {

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
	 * @param serving the first model whose breaker lets calls through, or {@code null} if
	 * none
	 * @param fallback whether that model is not the chain's first
	 */
	public record ChainState(List<String> models, String serving, boolean fallback) {

	}

}
