package dev.llmresilience.actuate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

import org.springframework.lang.Nullable;

/**
 * Records the meters that the request and attempt observations carry beyond their own
 * timers ({@code llm.request}, {@code llm.attempt}): the OpenTelemetry GenAI client
 * metrics {@code gen_ai.client.operation.duration} and {@code gen_ai.client.token.usage}
 * per model call, time to first token of streams, retries, and fallbacks by the model
 * that failed and the one that answered.
 */
public class LlmMetricsObservationHandler implements ObservationHandler<Observation.Context> {

	private static final String NONE = "none";

	/** The most tag combinations whose meters are kept. */
	private static final int MAX_KEPT = 1024;

	/**
	 * The key of this handler's sample in an attempt's context: its own, so that another
	 * handler that keeps a {@link Timer.Sample} there, as the meter handler does, does
	 * not replace it.
	 */
	private static final Object SAMPLE = new Object();

	private final MeterRegistry registry;

	private final Map<CallTags, CallMeters> callMeters = new ConcurrentHashMap<>();

	private final Map<String, Timer> timesToFirstToken = new ConcurrentHashMap<>();

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
			context.put(SAMPLE, Timer.start(this.registry));
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
		CallMeters meters = callMeters(new CallTags(context.getProviderType(), context.getModel().name(),
				(response != null) ? response.modelName() : NONE,
				(context.getError() != null) ? context.getError().getClass().getSimpleName() : NONE, response != null));
		Timer.Sample sample = context.get(SAMPLE);
		if (sample != null) {
			sample.stop(meters.duration());
		}
		if (response != null) {
			LlmUsage usage = response.usage();
			meters.inputTokens().record(usage.inputTokens());
			meters.outputTokens().record(usage.outputTokens());
		}
		if (context.getTimeToFirstContent() != null) {
			this.timesToFirstToken.computeIfAbsent(context.getModel().id(), this::timeToFirstToken)
				.record(context.getTimeToFirstContent());
		}
	}

	/**
	 * Return the meters of model calls with these tags: made once and kept, since the
	 * same few combinations come back on every call and looking a meter up by its tags
	 * costs more than the recording. Past a bound, in case a tag that should be of low
	 * cardinality is not, they are looked up and not kept.
	 */
	private CallMeters callMeters(CallTags tags) {
		CallMeters meters = this.callMeters.get(tags);
		if (meters == null) {
			// Every meter of one name gets the same tag keys, "none" standing for a
			// missing value: Prometheus drops or refuses meters whose tag keys differ
			// from the first one's.
			Tags common = Tags.of("gen_ai.operation.name", "chat", "gen_ai.system", tags.system(),
					"gen_ai.request.model", tags.requestModel(), "gen_ai.response.model", tags.responseModel(),
					"error.type", tags.errorType());
			meters = new CallMeters(
					Timer.builder("gen_ai.client.operation.duration")
						.description("Duration of GenAI client operations")
						.tags(common)
						.register(this.registry),
					tags.answered() ? tokens(common.and("gen_ai.token.type", "input")) : null,
					tags.answered() ? tokens(common.and("gen_ai.token.type", "output")) : null);
			if (this.callMeters.size() < MAX_KEPT) {
				this.callMeters.putIfAbsent(tags, meters);
			}
		}
		return meters;
	}

	private Timer timeToFirstToken(String model) {
		return Timer.builder("llm.stream.time_to_first_token")
			.description("Time from the call of a model to the first text of its stream")
			.tag("llm.model", model)
			.register(this.registry);
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

	private DistributionSummary tokens(Tags tags) {
		return DistributionSummary.builder("gen_ai.client.token.usage")
			.description("Number of input and output tokens used")
			.baseUnit("{token}")
			.tags(tags)
			.register(this.registry);
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

	/**
	 * The tag values of the meters of a model call, and whether it answered (only then
	 * are its tokens recorded).
	 */
	private record CallTags(String system, String requestModel, String responseModel, String errorType,
			boolean answered) {

	}

	/**
	 * The meters of model calls of one tag combination; no token meters for calls that
	 * did not answer.
	 */
	private record CallMeters(Timer duration, @Nullable DistributionSummary inputTokens,
			@Nullable DistributionSummary outputTokens) {

	}

}
