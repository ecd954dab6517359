package dev.llmresilience.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;

import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.error.LlmAllModelsFailedException;
import dev.llmresilience.error.LlmStreamInterruptedException;
import dev.llmresilience.error.LlmTimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The logical requests of a run, each numbered, and how each ended: counts every terminal
 * signal, so that a request that ends twice, or never, shows.
 */
final class LogicalRequests {

	private final int count;

	private final AtomicIntegerArray terminations;

	private final CountDownLatch allEnded;

	private final Map<Integer, Ending> endings = new ConcurrentHashMap<>();

	private final Map<Integer, List<String>> progress = new ConcurrentHashMap<>();

	LogicalRequests(int count) {
		this.count = count;
		this.terminations = new AtomicIntegerArray(count);
		this.allEnded = new CountDownLatch(count);
	}

	/**
	 * Follow a call: its answer or error is recorded as the end of request
	 * {@code number}.
	 * @return completes when the call ends, never fails
	 */
	Mono<Void> call(int number, Mono<LlmResponse> call) {
		return call.doOnSubscribe((subscription) -> note(number, "subscribed"))
			.doOnSuccess((response) -> end(number, new Ending(false, response, null, List.of())))
			.doOnError((error) -> end(number, new Ending(false, null, error, List.of())))
			.onErrorResume((error) -> Mono.empty())
			.then();
	}

	/**
	 * Follow a stream: its events are kept, and its completion or error is recorded as
	 * the end of request {@code number}.
	 * @return completes when the stream ends, never fails
	 */
	Mono<Void> stream(int number, Flux<LlmStreamEvent> stream) {
		List<LlmStreamEvent> events = new CopyOnWriteArrayList<>();
		return stream.doOnSubscribe((subscription) -> note(number, "subscribed"))
			.doOnNext((event) -> note(number, event.getClass().getSimpleName()))
			.doOnNext(events::add)
			.doOnComplete(() -> end(number, new Ending(true, null, null, events)))
			.doOnError((error) -> end(number, new Ending(true, null, error, events)))
			.onErrorResume((error) -> Mono.empty())
			.then();
	}

	/**
	 * Note a signal that reached the subscriber of a request, to describe a request that
	 * hangs.
	 */
	private void note(int number, String what) {
		this.progress.computeIfAbsent(number, (key) -> new CopyOnWriteArrayList<>()).add(what);
	}

	List<String> progress(int number) {
		return this.progress.getOrDefault(number, List.of());
	}

	private void end(int number, Ending ending) {
		if (this.terminations.incrementAndGet(number) == 1) {
			this.endings.put(number, ending);
			this.allEnded.countDown();
		}
	}

	/**
	 * Wait until every request has ended.
	 * @return {@code true} if they all did in time
	 */
	boolean awaitAll(Duration timeout) throws InterruptedException {
		return this.allEnded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	List<Integer> neverEnded() {
		return IntStream.range(0, this.count).filter((i) -> this.terminations.get(i) == 0).boxed().toList();
	}

	List<Integer> endedMoreThanOnce() {
		return IntStream.range(0, this.count).filter((i) -> this.terminations.get(i) > 1).boxed().toList();
	}

	Map<Integer, Ending> endings() {
		return this.endings;
	}

	/**
	 * Return how the requests ended: {@code response}, {@code response (fallback)}, or
	 * the simple name of the error's class.
	 */
	Map<String, Integer> outcomes() {
		Map<String, Integer> outcomes = new TreeMap<>();
		this.endings.values().forEach((ending) -> outcomes.merge(ending.outcome(), 1, Integer::sum));
		return outcomes;
	}

	/**
	 * How one request ended.
	 *
	 * @param streaming whether it was a stream
	 * @param response the answer of a call, {@code null} for a stream or an error
	 * @param error the error, or {@code null}
	 * @param events the events a stream delivered
	 */
	record Ending(boolean streaming, LlmResponse response, Throwable error, List<LlmStreamEvent> events) {

		List<String> deltas() {
			return this.events.stream()
				.filter(LlmStreamEvent.TextDelta.class::isInstance)
				.map((event) -> ((LlmStreamEvent.TextDelta) event).text())
				.toList();
		}

		/**
		 * Return the answer, of a call or from the completion of a stream.
		 */
		LlmResponse answer() {
			if (this.response != null) {
				return this.response;
			}
			return this.events.stream()
				.filter(LlmStreamEvent.Completion.class::isInstance)
				.map((event) -> ((LlmStreamEvent.Completion) event).response())
				.reduce((first, second) -> second)
				.orElse(null);
		}

		String outcome() {
			if (this.error != null) {
				return this.error.getClass().getSimpleName();
			}
			LlmResponse answer = answer();
			if (answer == null) {
				return "no answer";
			}
			return answer.fallback() ? "response (fallback)" : "response";
		}

		/**
		 * Describe the error that ended the request, for reports: its type, a timeout's
		 * phase, and the type of the error it wraps, if any.
		 */
		String errorDetail() {
			return (this.error != null) ? describe(this.error) : null;
		}

		private static String describe(Throwable error) {
			String type = error.getClass().getSimpleName();
			if (error instanceof LlmTimeoutException timeout) {
				return type + "(" + timeout.getPhase() + ")";
			}
			if ((error instanceof LlmAllModelsFailedException || error instanceof LlmStreamInterruptedException)
					&& error.getCause() != null) {
				return type + " <- " + describe(error.getCause());
			}
			return type;
		}

	}

}
