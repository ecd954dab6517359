package dev.llmresilience.sample.dashboard;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.lang.Nullable;

/**
 * What happened in each of the last few minutes' seconds: requests by outcome, and each
 * model's calls, failures, retries, durations and times to first token. Seconds are epoch
 * seconds given by the caller, so the history has no clock of its own. Kept in a ring of
 * per-second buckets: memory is bounded by the length, and old seconds are overwritten
 * rather than cleaned up.
 */
final class TrafficHistory {

	/**
	 * Most durations kept per model and second; enough for the load generator's top rate
	 * with retries, and a cap on memory if something floods the app.
	 */
	private static final int MAX_SAMPLES_PER_SECOND = 2000;

	private final Second[] seconds;

	/**
	 * Create a new instance.
	 * @param length the seconds to remember
	 */
	TrafficHistory(int length) {
		// One slot more than the length: the current second, being filled, must not take
		// the
		// slot of the oldest second still shown.
		this.seconds = new Second[length + 1];
	}

	int length() {
		return this.seconds.length - 1;
	}

	synchronized void recordRequest(long second, RequestOutcome outcome) {
		Second bucket = bucket(second);
		if (bucket != null) {
			bucket.outcomes[outcome.ordinal()]++;
		}
	}

	synchronized void recordAttempt(long second, String model, Attempt attempt) {
		Second bucket = bucket(second);
		if (bucket != null) {
			bucket.models.computeIfAbsent(model, (id) -> new ModelSecond()).add(attempt);
		}
	}

	/**
	 * Return the requests of every complete second of the history, the oldest first: the
	 * seconds from {@code now - length} to {@code now - 1}.
	 * @param now the current epoch second, still being filled and so left out
	 * @return the series
	 */
	synchronized Series series(long now) {
		int length = length();
		long from = now - length;
		int[][] counts = new int[RequestOutcome.values().length][length];
		for (int i = 0; i < length; i++) {
			Second bucket = existing(from + i);
			if (bucket != null) {
				for (RequestOutcome outcome : RequestOutcome.values()) {
					counts[outcome.ordinal()][i] = bucket.outcomes[outcome.ordinal()];
				}
			}
		}
		return new Series(from, counts[RequestOutcome.SUCCESS.ordinal()], counts[RequestOutcome.FALLBACK.ordinal()],
				counts[RequestOutcome.ERROR.ordinal()]);
	}

	/**
	 * Return a model's traffic over the last complete seconds.
	 * @param model the model id
	 * @param now the current epoch second, left out
	 * @param window how many seconds before it to count, at most the length
	 * @return the traffic
	 */
	synchronized ModelWindow model(String model, long now, int window) {
		int calls = 0;
		int failures = 0;
		int retries = 0;
		List<Double> durations = new ArrayList<>();
		List<Double> firstTokens = new ArrayList<>();
		for (long second = now - window; second < now; second++) {
			Second bucket = existing(second);
			ModelSecond traffic = (bucket != null) ? bucket.models.get(model) : null;
			if (traffic != null) {
				calls += traffic.calls;
				failures += traffic.failures;
				retries += traffic.retries;
				durations.addAll(traffic.durations);
				firstTokens.addAll(traffic.firstTokens);
			}
		}
		return new ModelWindow(window, (double) calls / window, (double) failures / window, retries,
				percentile(durations, 0.5), percentile(durations, 0.99), percentile(firstTokens, 0.5),
				percentile(firstTokens, 0.99));
	}

	/**
	 * Return the nearest-rank percentile: the smallest value that at least that share of
	 * the values do not exceed.
	 */
	@Nullable
	static Double percentile(List<Double> values, double share) {
		if (values.isEmpty()) {
			return null;
		}
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(null);
		int rank = (int) Math.ceil(share * sorted.size());
		return sorted.get(Math.max(rank, 1) - 1);
	}

	/**
	 * Return the bucket of a second to record into, replacing the bucket of the second
	 * that shared its slot, or {@code null} for a second already overwritten by a newer
	 * one.
	 */
	@Nullable
	private Second bucket(long second) {
		int slot = slot(second);
		Second bucket = this.seconds[slot];
		if (bucket == null || bucket.epochSecond < second) {
			bucket = new Second(second);
			this.seconds[slot] = bucket;
		}
		return (bucket.epochSecond == second) ? bucket : null;
	}

	@Nullable
	private Second existing(long second) {
		Second bucket = this.seconds[slot(second)];
		return (bucket != null && bucket.epochSecond == second) ? bucket : null;
	}

	private int slot(long second) {
		return (int) Math.floorMod(second, (long) this.seconds.length);
	}

	/**
	 * How a request ended. A request cancelled by its caller has no outcome here: it says
	 * nothing about the models.
	 */
	enum RequestOutcome {

		/** Answered by the chain's first model. */
		SUCCESS,

		/** Answered by a later model of the chain. */
		FALLBACK,

		/** Not answered. */
		ERROR

	}

	/**
	 * One call of a model.
	 *
	 * @param failed whether it failed
	 * @param retry whether it was a retry, not the first call of the model in its request
	 * @param durationMillis how long it took, to the end of the answer
	 * @param firstTokenMillis time to the first text of a stream, or {@code null}
	 */
	record Attempt(boolean failed, boolean retry, double durationMillis, @Nullable Double firstTokenMillis) {

	}

	/**
	 * Requests per second by outcome, one element per second.
	 *
	 * @param from the epoch second of the first element
	 * @param success requests answered by their chain's first model
	 * @param fallback requests answered by a later model
	 * @param error requests not answered
	 */
	record Series(long from, int[] success, int[] fallback, int[] error) {

	}

	/**
	 * A model's traffic over a window of seconds.
	 *
	 * @param seconds the length of the window
	 * @param callsPerSecond calls made, retries included
	 * @param failuresPerSecond calls that failed
	 * @param retries the retries in the window
	 * @param latencyP50 median duration of a call in milliseconds, or {@code null}
	 * without calls
	 * @param latencyP99 99th percentile of the durations, or {@code null}
	 * @param firstTokenP50 median time to first token of streams, or {@code null} without
	 * streams
	 * @param firstTokenP99 99th percentile of the times to first token, or {@code null}
	 */
	record ModelWindow(int seconds, double callsPerSecond, double failuresPerSecond, int retries,
			@Nullable Double latencyP50, @Nullable Double latencyP99, @Nullable Double firstTokenP50,
			@Nullable Double firstTokenP99) {

	}

	private static final class Second {

		private final long epochSecond;

		private final int[] outcomes = new int[RequestOutcome.values().length];

		private final Map<String, ModelSecond> models = new HashMap<>();

		Second(long epochSecond) {
			this.epochSecond = epochSecond;
		}

	}

	private static final class ModelSecond {

		private int calls;

		private int failures;

		private int retries;

		private final List<Double> durations = new ArrayList<>();

		private final List<Double> firstTokens = new ArrayList<>();

		void add(Attempt attempt) {
			this.calls++;
			this.failures += attempt.failed() ? 1 : 0;
			this.retries += attempt.retry() ? 1 : 0;
			if (this.durations.size() < MAX_SAMPLES_PER_SECOND) {
				this.durations.add(attempt.durationMillis());
				if (attempt.firstTokenMillis() != null) {
					this.firstTokens.add(attempt.firstTokenMillis());
				}
			}
		}

	}

}
