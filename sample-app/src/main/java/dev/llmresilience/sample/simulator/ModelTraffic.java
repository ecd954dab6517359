package dev.llmresilience.sample.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The requests one model name received: counters for the stats endpoint, and a sliding
 * one-minute window of admitted requests that enforces the rate limits and fills the
 * rate-limit headers of both APIs.
 */
class ModelTraffic {

	private static final Duration WINDOW = Duration.ofMinutes(1);

	private final Clock clock;

	private final AtomicLong requests = new AtomicLong();

	private final AtomicLong failures = new AtomicLong();

	private final Deque<Admission> admissions = new ArrayDeque<>();

	private long admittedTokens;

	ModelTraffic(Clock clock) {
		this.clock = clock;
	}

	void countRequest() {
		this.requests.incrementAndGet();
	}

	void countFailure() {
		this.failures.incrementAndGet();
	}

	Stats stats() {
		return new Stats(this.requests.get(), this.failures.get());
	}

	/**
	 * Admit a request if both budgets of the last minute allow it.
	 * @param tokens the input and output tokens of the request
	 * @param faults the limits of the model
	 * @return empty if admitted, otherwise how long until the request would fit
	 */
	synchronized Optional<Duration> admit(long tokens, ModelFaults faults) {
		Instant now = this.clock.instant();
		expire(now);
		if (fits(this.admissions.size(), this.admittedTokens, tokens, faults)) {
			this.admissions.addLast(new Admission(now, tokens));
			this.admittedTokens += tokens;
			return Optional.empty();
		}
		int remaining = this.admissions.size();
		long remainingTokens = this.admittedTokens;
		for (Admission admission : this.admissions) {
			remaining--;
			remainingTokens -= admission.tokens();
			if (fits(remaining, remainingTokens, tokens, faults)) {
				return Optional.of(Duration.between(now, admission.at().plus(WINDOW)));
			}
		}
		// Larger than a whole minute's token budget: it never fits; a minute is the
		// honest answer.
		return Optional.of(WINDOW);
	}

	private static boolean fits(int requests, long admittedTokens, long tokens, ModelFaults faults) {
		return requests < faults.requestsPerMinute() && admittedTokens + tokens <= faults.tokensPerMinute();
	}

	/**
	 * Return what is left of the budgets of the last minute.
	 * @param faults the limits of the model
	 * @return the budget
	 */
	synchronized Budget budget(ModelFaults faults) {
		Instant now = this.clock.instant();
		expire(now);
		// Both budgets are full again once the newest admission leaves the window.
		Instant reset = this.admissions.isEmpty() ? now : this.admissions.getLast().at().plus(WINDOW);
		return new Budget(faults.requestsPerMinute(), Math.max(0, faults.requestsPerMinute() - this.admissions.size()),
				faults.tokensPerMinute(), Math.max(0, faults.tokensPerMinute() - this.admittedTokens), reset,
				Duration.between(now, reset));
	}

	private void expire(Instant now) {
		Iterator<Admission> iterator = this.admissions.iterator();
		while (iterator.hasNext()) {
			Admission admission = iterator.next();
			if (admission.at().plus(WINDOW).isAfter(now)) {
				return;
			}
			this.admittedTokens -= admission.tokens();
			iterator.remove();
		}
	}

	private record Admission(Instant at, long tokens) {

	}

	/**
	 * What the stats endpoint shows for a model.
	 *
	 * @param requests requests received with a valid body
	 * @param failures requests answered with an error or a reset connection
	 */
	record Stats(long requests, long failures) {

	}

	/**
	 * What is left of the budgets of the last minute.
	 *
	 * @param requestsLimit requests allowed per minute
	 * @param requestsRemaining requests left
	 * @param tokensLimit tokens allowed per minute
	 * @param tokensRemaining tokens left
	 * @param reset when both budgets are full again, as the Messages API tells it
	 * @param untilReset the time from now until then, as Chat Completions tells it
	 */
	record Budget(long requestsLimit, long requestsRemaining, long tokensLimit, long tokensRemaining, Instant reset,
			Duration untilReset) {

	}

}
