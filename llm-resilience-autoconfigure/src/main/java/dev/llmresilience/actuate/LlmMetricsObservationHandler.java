package dev.llmresilience.actuate;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.observation.LlmAttemptContext;
import dev.llmresilience.observation.LlmRequestContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;

/**
 * Records the meters that the request and attempt observations carry beyond their own
 * timers ({@code llm.request}, {@code llm.attempt}): the OpenTelemetry GenAI client
 * metrics {@code gen_ai.client.operation.duration} and {@code gen_ai.client.token.usage}
 * per model call, time to first token of streams, retries, and fallbacks by the model
 * that failed and the one that answered.
 */
public class LlmMetricsObservationHandler implements ObservationHandler<Observation.Context> {

	private final MeterRegistry registry;

	/**
	 * Create a new instance.
	 * @param registry where to record
	 */
	public LlmMetricsObservationHandler(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void onStart(Observation.Context context) {
		if (context instanceof LlmAttemptContext) {
			context.put(Timer.Sample.class, Timer.start(this.registry));
		}
	}

	@Override
	public void onStop(Observation.Context context) {
		if (context instanceof LlmAttemptContext attempt) {
			attemptStopped(attempt);
		}
		else if (context instanceof LlmRequestContext request) {
			requestStopped(request);
		}
	}

	private void attemptStopped(LlmAttemptContext context) {
		hedges(context);
		if (context.getAttempt() > 1 && !context.isHedge()) {
			Counter.builder("llm.retries")
				.description("Calls of a model after its first within a request")
				.tag("llm.model", context.getModel().id())
				.register(this.registry)
				.increment();
		}
		if (context.isSkipped()) {
			return;
		}
		LlmResponse response = context.getResponse();
		// Every meter of one name gets the same tag keys, "none" standing for a missing
		// value:
		// Prometheus drops or refuses meters whose tag keys differ from the first one's.
		Tags tags = Tags.of("gen_ai.operation.name", "chat", "gen_ai.system", context.getProviderType(),
				"gen_ai.request.model", context.getModel().name(), "gen_ai.response.model",
				(response != null) ? response.modelName() : "none", "error.type",
				(context.getError() != null) ? context.getError().getClass().getSimpleName() : "none");
		Timer.Sample sample = context.get(Timer.Sample.class);
		if (sample != null) {
			sample.stop(Timer.builder("gen_ai.client.operation.duration")
				.description("Duration of GenAI client operations")
				.tags(tags)
				.register(this.registry));
		}
		if (response != null) {
			LlmUsage usage = response.usage();
			tokens(tags.and("gen_ai.token.type", "input"), usage.inputTokens());
			tokens(tags.and("gen_ai.token.type", "output"), usage.outputTokens());
		}
		if (context.getTimeToFirstContent() != null) {
			Timer.builder("llm.stream.time_to_first_token")
				.description("Time from the call of a model to the first text of its stream")
				.tag("llm.model", context.getModel().id())
				.register(this.registry)
				.record(context.getTimeToFirstContent());
		}
	}

	/**
	 * Count the hedges sent, those that won, and the attempts a race cancelled, whichever
	 * side lost.
	 */
	private void hedges(LlmAttemptContext context) {
		if (context.isHedge()) {
			hedgeCounter("llm.hedges.sent", "Attempts sent again to another deployment, as hedges", context);
			if (!context.isHedgeLost() && context.getError() == null
					&& (context.getResponse() != null || context.getTimeToFirstContent() != null)) {
				hedgeCounter("llm.hedges.won", "Hedges that brought content before the attempt they hedged", context);
			}
		}
		if (context.isHedgeLost()) {
			hedgeCounter("llm.hedges.cancelled", "Attempts cancelled because the other side of their hedge won",
					context);
		}
	}

	private void hedgeCounter(String name, String description, LlmAttemptContext context) {
		Counter.builder(name)
			.description(description)
			.tag("llm.model", context.getModel().id())
			.register(this.registry)
			.increment();
	}

	private void tokens(Tags tags, long count) {
		DistributionSummary.builder("gen_ai.client.token.usage")
			.description("Number of input and output tokens used")
			.baseUnit("{token}")
			.tags(tags)
			.register(this.registry)
			.record(count);
	}

	private void requestStopped(LlmRequestContext context) {
		LlmResponse response = context.getResponse();
		if (response != null && response.fallback() && !response.attempts().isEmpty()) {
			LlmAttempt first = response.attempts().get(0);
			Counter.builder("llm.fallbacks")
				.description("Requests answered by a model other than the first of their chain")
				.tag("llm.from", first.model())
				.tag("llm.to", response.model())
				.register(this.registry)
				.increment();
		}
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof LlmAttemptContext || context instanceof LlmRequestContext;
	}

}
