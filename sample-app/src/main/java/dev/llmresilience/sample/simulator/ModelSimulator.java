package dev.llmresilience.sample.simulator;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import reactor.core.publisher.Mono;

/**
 * What both simulated APIs share: plays the model a request names. Counts and logs the
 * request, waits the model's latency, then decides the {@link Outcome} as the model's
 * {@link ModelFaults} and rate limits say. Each API's handler writes the outcome in its
 * own wire format.
 */
class ModelSimulator {

	private final FaultRegistry faults;

	private final FaultInjector injector;

	private final SimulatorTraffic traffic;

	ModelSimulator(FaultRegistry faults, FaultInjector injector, SimulatorTraffic traffic) {
		this.faults = faults;
		this.injector = injector;
		this.traffic = traffic;
	}

	/**
	 * Play a request.
	 * @param api the API it came through
	 * @param request the request
	 * @return the outcome, after the model's latency
	 */
	Mono<Outcome> play(SimulatedApi api, SimulatedRequest request) {
		ModelFaults faults = this.faults.faultsFor(request.model());
		ModelTraffic traffic = this.traffic.receive(api, request);
		SimulatedAnswer answer = SimulatedAnswer.of(request);
		return Mono.delay(faults.latency()).map((ignored) -> decide(request, answer, faults, traffic));
	}

	private Outcome decide(SimulatedRequest request, SimulatedAnswer answer, ModelFaults faults, ModelTraffic traffic) {
		// drawn first, so that every request draws, whatever else fails it
		Optional<SimulatedFailure> failure = this.injector.draw(faults);
		if (request.inputTokens() > faults.contextWindow()) {
			traffic.countFailure();
			return new TooLong(faults.contextWindow());
		}
		Optional<Duration> wait = traffic.admit(request.inputTokens() + answer.outputTokens(), faults);
		ModelTraffic.Budget budget = traffic.budget(faults);
		if (wait.isPresent()) {
			traffic.countFailure();
			// a request refused with requests left in the budget is refused for its
			// tokens
			return new Failed(SimulatedFailure.RATE_LIMIT, wait.get(), budget.requestsRemaining() > 0, budget);
		}
		failure.ifPresent((ignored) -> traffic.countFailure());
		// A stream breaks off after some text; everything else fails before the answer
		// starts.
		boolean breaksOff = request.stream() && failure.orElse(null) == SimulatedFailure.MID_STREAM_ERROR;
		if (failure.isPresent() && !breaksOff) {
			return new Failed(failure.get(), faults.retryAfter(), false, budget);
		}
		return new Answered(answer, breaksOff, faults.chunkInterval(), budget);
	}

	/**
	 * Return a new id, such as of a request, an answer or a tool call.
	 * @param prefix the prefix in the style of the API, such as {@code msg_sim_}
	 * @return the prefix and 24 random hexadecimal digits
	 */
	static String newId(String prefix) {
		return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
	}

	/**
	 * How a request is answered.
	 */
	sealed interface Outcome permits Answered, Failed, TooLong {

	}

	/**
	 * The request is answered: whole, or as a stream that breaks off.
	 *
	 * @param answer the answer
	 * @param breaksOff whether the stream sends half the answer and then an error
	 * @param chunkInterval the time before each chunk of a stream
	 * @param budget what is left of the model's rate budgets
	 */
	record Answered(SimulatedAnswer answer, boolean breaksOff, Duration chunkInterval,
			ModelTraffic.Budget budget) implements Outcome {

	}

	/**
	 * The request fails before any answer.
	 *
	 * @param failure how it fails
	 * @param retryAfter the wait a rate-limit failure announces
	 * @param tokensExhausted whether a rate-limit failure is for tokens rather than for
	 * requests
	 * @param budget what is left of the model's rate budgets
	 */
	record Failed(SimulatedFailure failure, Duration retryAfter, boolean tokensExhausted,
			ModelTraffic.Budget budget) implements Outcome {

		/**
		 * Return the wait as the {@code retry-after} header of both APIs carries it.
		 * @return whole seconds, rounded up: rounding down would invite a retry that
		 * fails again
		 */
		long retryAfterSeconds() {
			return this.retryAfter.plusMillis(999).toSeconds();
		}

	}

	/**
	 * The prompt is larger than the model's context window.
	 *
	 * @param contextWindow the most input tokens the model takes
	 */
	record TooLong(long contextWindow) implements Outcome {

	}

}
