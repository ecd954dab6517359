package dev.llmresilience.resilience;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmCapability;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.budget.CostAccounting;
import dev.llmresilience.budget.RequestSpend;
import dev.llmresilience.deadline.CutOffOperator;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.error.LlmAllModelsFailedException;
import dev.llmresilience.error.LlmRequestTooLargeException;
import dev.llmresilience.error.LlmStreamInterruptedException;
import dev.llmresilience.error.LlmTimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.util.Assert;

/**
 * Serves a request from the models of its chain, in order: a model whose breaker refuses
 * calls, whose context window the request cannot fit, that cannot take its content (a
 * capability it lacks, a block its wire format cannot carry), or whose call would pass a
 * spend budget that skips is skipped; a model whose attempts end in an error that another
 * model may not have moves the request on to the next one; an error that no model can fix
 * (a malformed request, a rejected key) ends the request at once.
 */
public class FallbackChain {

	private static final String CONTEXT_WINDOW_TOO_SMALL = "ContextWindowTooSmall";

	private static final String MISSING_CAPABILITY = "MissingCapability:";

	private final ModelCatalog catalog;

	private final Map<String, ModelExecutor> executors;

	private final LlmErrorClassifier classifier;

	private final CostAccounting accounting;

	/**
	 * Create a new instance that tells nobody what requests cost.
	 * @param catalog the configured models and chains
	 * @param executors an executor for every model of the catalog, by model id
	 * @param classifier decides which errors move on to the next model
	 */
	public FallbackChain(ModelCatalog catalog, Map<String, ModelExecutor> executors, LlmErrorClassifier classifier) {
		this(catalog, executors, classifier, CostAccounting.NONE);
	}

	/**
	 * Create a new instance.
	 * @param catalog the configured models and chains
	 * @param executors an executor for every model of the catalog, by model id
	 * @param classifier decides which errors move on to the next model
	 * @param accounting accounts for what each request's attempts are billed
	 */
	public FallbackChain(ModelCatalog catalog, Map<String, ModelExecutor> executors, LlmErrorClassifier classifier,
			CostAccounting accounting) {
		catalog.getModels()
			.keySet()
			.forEach((id) -> Assert.isTrue(executors.containsKey(id), () -> "No executor for model '" + id + "'"));
		this.catalog = catalog;
		this.executors = Map.copyOf(executors);
		this.classifier = classifier;
		this.accounting = accounting;
	}

	/**
	 * Serve a request and return the whole answer, with every attempt made.
	 * @param request the request
	 * @param deadline when the request must have ended
	 * @return the answer, or the error that ended the request
	 */
	public Mono<LlmResponse> call(LlmRequest request, Deadline deadline) {
		// each model's executor answers once or fails: nothing to check that again
		return Mono.fromDirect(serve(request, deadline, false, (executor, context) -> executor
			.call(request(executor, context), context)
			.map((response) -> response.withAttempts(context.isFallback(executor), context.attempts(), context.cost()))
			.flux()));
	}

	/**
	 * Serve a request as a stream. Retries and fallbacks stay invisible until the first
	 * text reaches the caller; a failure after that ends the stream with an
	 * {@link LlmStreamInterruptedException} that carries the text delivered.
	 * @param request the request
	 * @param deadline when the stream must have ended
	 * @return the events, the last one a completion with every attempt made
	 */
	public Flux<LlmStreamEvent> stream(LlmRequest request, Deadline deadline) {
		return serve(request, deadline, true,
				(executor, context) -> executor.stream(request(executor, context), context).map((event) -> {
					if (event instanceof LlmStreamEvent.Completion completion) {
						return new LlmStreamEvent.Completion(completion.response()
							.withAttempts(context.isFallback(executor), context.attempts(), context.cost()));
					}
					return event;
				}));
	}

	private <T> Flux<T> serve(LlmRequest request, Deadline deadline, boolean streaming,
			BiFunction<ModelExecutor, ChainContext, Flux<T>> call) {
		return Flux.defer(() -> {
			List<LlmModel> models = this.catalog.modelsFor(request);
			ChainContext context = new ChainContext(request, models, deadline,
					this.accounting.forRequest(this.catalog.chainNameFor(request), request));
			Flux<T> served = tryFrom(0, context, call);
			if (deadline.isSet()) {
				served = served.transform(CutOffOperator.of(Mono.delay(deadline.remaining()),
						() -> LlmTimeoutException.deadline(deadline.timeout())));
			}
			if (!streaming) {
				// a whole answer is delivered at once: nothing reached the caller before
				// an error
				return served;
			}
			return served.onErrorMap(
					(error) -> context.isContentDelivered() && !(error instanceof LlmStreamInterruptedException),
					(error) -> interrupted(context, error));
		});
	}

	private <T> Flux<T> tryFrom(int index, ChainContext context,
			BiFunction<ModelExecutor, ChainContext, Flux<T>> call) {
		if (index == context.models.size()) {
			return Flux.error(new LlmAllModelsFailedException(context.attempts(), context.primaryError()));
		}
		LlmModel model = context.models.get(index);
		ModelExecutor executor = this.executors.get(model.id());
		String cannotTake = cannotTake(model, executor, context);
		if (cannotTake != null) {
			context.record(LlmAttempt.skipped(model.id(), cannotTake));
			return tryFrom(index + 1, context, call);
		}
		context.serving = executor;
		return call.apply(executor, context).onErrorResume((error) -> {
			if (!this.classifier.isFallbackAllowed(error)) {
				return Flux.error(error);
			}
			context.failed(error);
			if (error instanceof LlmRequestTooLargeException && model.contextWindow() != null) {
				context.exceeded(model.contextWindow());
			}
			return tryFrom(index + 1, context, call);
		});
	}

	/**
	 * Return why a model cannot take the request as it is, or {@code null} if it can: it
	 * would not fit the model's context window, the model lacks a capability the request
	 * needs, or the model's wire format cannot carry it. The request is never sent with
	 * less meaning than it has.
	 */
	private static String cannotTake(LlmModel model, ModelExecutor executor, ChainContext context) {
		if (!fits(model, context)) {
			return CONTEXT_WINDOW_TOO_SMALL;
		}
		LlmRequest request = context.request;
		for (LlmCapability capability : context.requiredCapabilities) {
			if (!model.supports(capability)) {
				return MISSING_CAPABILITY + capability;
			}
		}
		if (request.outputSchema() != null && !model.supports(LlmCapability.STRUCTURED_OUTPUT)
				&& !model.supports(LlmCapability.TOOLS)) {
			// neither the native feature nor the forced tool call that stands in for it
			return MISSING_CAPABILITY + LlmCapability.STRUCTURED_OUTPUT;
		}
		return executor.getProvider().unsupported(model, request);
	}

	private static boolean fits(LlmModel model, ChainContext context) {
		Integer window = model.contextWindow();
		if (window == null) {
			return true;
		}
		Integer exceeded = context.exceededContextWindow();
		return (exceeded == null || window > exceeded) && context.request.estimatedInputTokens() < window;
	}

	/**
	 * Adapt the request to a model. Provider-specific fields are meant for the provider
	 * type of the chain's first model; a model of another type gets the request without
	 * them.
	 */
	private static LlmRequest request(ModelExecutor executor, ChainContext context) {
		LlmRequest request = context.request;
		String firstType = context.firstType;
		if (request.extraBody().isEmpty() || executor.getProvider().type().equals(firstType)) {
			return request;
		}
		return request.mutate().extraBody(Map.of()).build();
	}

	private static LlmStreamInterruptedException interrupted(ChainContext context, Throwable error) {
		ModelExecutor serving = context.serving;
		String provider = (context.servingProvider() != null) ? context.servingProvider() : serving.getProvider().id();
		return new LlmStreamInterruptedException(provider, serving.getModel().id(), context.deliveredText(), error,
				context.cost());
	}

	/**
	 * Return the executor of a model.
	 * @param modelId the model id
	 * @return the executor, or {@code null} if no such model is configured
	 */
	public ModelExecutor getExecutor(String modelId) {
		return this.executors.get(modelId);
	}

	/**
	 * Return the configured models and chains.
	 * @return the catalog
	 */
	public ModelCatalog getCatalog() {
		return this.catalog;
	}

	/**
	 * Return what accounts for the cost of the requests, with the spend budgets.
	 * @return the accounting
	 */
	public CostAccounting getAccounting() {
		return this.accounting;
	}

	/**
	 * A {@link CallContext} that also knows the chain being served.
	 */
	private final class ChainContext extends CallContext {

		private final LlmRequest request;

		private final List<LlmModel> models;

		private final String firstType;

		private final Set<LlmCapability> requiredCapabilities;

		/** The executor of the model being tried; attempts run one after the other. */
		private volatile ModelExecutor serving;

		ChainContext(LlmRequest request, List<LlmModel> models, Deadline deadline, RequestSpend spend) {
			super(deadline, spend);
			this.request = request;
			this.models = models;
			this.firstType = FallbackChain.this.executors.get(models.get(0).id()).getProvider().type();
			this.requiredCapabilities = request.requiredCapabilities();
		}

		boolean isFallback(ModelExecutor executor) {
			return !executor.getModel().id().equals(this.models.get(0).id());
		}

	}

}
