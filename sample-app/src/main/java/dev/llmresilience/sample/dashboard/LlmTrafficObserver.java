package dev.llmresilience.sample.dashboard;

import java.time.Clock;
import java.time.Duration;

import dev.llmresilience.LlmResponse;
import dev.llmresilience.observation.LlmAttemptContext;
import dev.llmresilience.observation.LlmRequestContext;
import dev.llmresilience.sample.dashboard.TrafficHistory.Attempt;
import dev.llmresilience.sample.dashboard.TrafficHistory.RequestOutcome;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;

/**
 * Feeds the {@link TrafficHistory} from the library's request and attempt observations.
 * <p>
 * The observations rather than the meters, because the meters are cumulative and split by
 * tags such as the error type, so their percentiles cannot be combined into one model's
 * latency over the last seconds; each attempt observation carries the model id, the
 * attempt number and the time to first token of one call, which is all the dashboard
 * needs.
 */
class LlmTrafficObserver implements ObservationHandler<Observation.Context> {

	private final TrafficHistory history;

	private final Clock clock;

	LlmTrafficObserver(TrafficHistory history, Clock clock) {
		this.history = history;
		this.clock = clock;
	}

	@Override
	public void onStart(Observation.Context context) {
		if (context instanceof LlmAttemptContext) {
			context.put(Start.class, new Start(System.nanoTime()));
		}
	}

	@Override
	public void onStop(Observation.Context context) {
		long second = this.clock.instant().getEpochSecond();
		if (context instanceof LlmAttemptContext attempt) {
			Attempt recorded = toAttempt(attempt);
			if (recorded != null) {
				this.history.recordAttempt(second, attempt.getModel().id(), recorded);
			}
		}
		else if (context instanceof LlmRequestContext request) {
			RequestOutcome outcome = outcome(request);
			if (outcome != null) {
				this.history.recordRequest(second, outcome);
			}
		}
	}

	/**
	 * Return the call an attempt made, or {@code null} for an attempt that made none:
	 * skipped (breaker open, provider held) or cancelled before it ended.
	 */
	private static Attempt toAttempt(LlmAttemptContext context) {
		Start start = context.get(Start.class);
		boolean failed = context.getError() != null;
		if (start == null || context.isSkipped() || (!failed && context.getResponse() == null)) {
			return null;
		}
		Duration firstToken = context.getTimeToFirstContent();
		return new Attempt(failed, context.getAttempt() > 1,
				millis(Duration.ofNanos(System.nanoTime() - start.nanos())),
				(firstToken != null) ? millis(firstToken) : null);
	}

	/**
	 * Return how a request ended, by the same rule as the {@code llm.outcome} tag of the
	 * {@code llm.request} timer, or {@code null} for a request its caller cancelled.
	 */
	private static RequestOutcome outcome(LlmRequestContext context) {
		LlmResponse response = context.getResponse();
		if (context.getError() != null) {
			return RequestOutcome.ERROR;
		}
		if (response == null) {
			return null;
		}
		return response.fallback() ? RequestOutcome.FALLBACK : RequestOutcome.SUCCESS;
	}

	private static double millis(Duration duration) {
		return duration.toNanos() / 1_000_000.0;
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof LlmAttemptContext || context instanceof LlmRequestContext;
	}

	private record Start(long nanos) {

	}

}
