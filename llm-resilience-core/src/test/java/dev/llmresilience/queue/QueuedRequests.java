package dev.llmresilience.queue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.llmresilience.LlmPriority;
import dev.llmresilience.deadline.Deadline;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.subscriber.TestSubscriber;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests submitted to a {@link RequestQueue} whose work runs until the test finishes or
 * fails it, each with a {@link TestSubscriber} as its caller. Records the order in which
 * the work of the requests started, and which work is still running.
 */
final class QueuedRequests {

	private final RequestQueue queue;

	private final Map<String, Sinks.One<String>> work = new ConcurrentHashMap<>();

	private final Map<String, TestSubscriber<String>> callers = new LinkedHashMap<>();

	private final List<String> started = new CopyOnWriteArrayList<>();

	private final Set<String> ended = ConcurrentHashMap.newKeySet();

	private final List<String> cancelled = new CopyOnWriteArrayList<>();

	QueuedRequests(RequestQueue queue) {
		this.queue = queue;
	}

	RequestQueue queue() {
		return this.queue;
	}

	/**
	 * Submit a request without a deadline; its caller subscribes at once.
	 */
	TestSubscriber<String> submit(String name, LlmPriority priority) {
		return submit(name, priority, Deadline.none());
	}

	/**
	 * Submit a request; its caller subscribes at once. Its work answers its name when
	 * finished.
	 */
	TestSubscriber<String> submit(String name, LlmPriority priority, Deadline deadline) {
		Sinks.One<String> gate = Sinks.one();
		this.work.put(name, gate);
		TestSubscriber<String> caller = TestSubscriber.create();
		this.callers.put(name, caller);
		this.queue.submit(priority, deadline, () -> Mono.defer(() -> {
			this.started.add(name);
			return gate.asMono();
		}).doOnCancel(() -> this.cancelled.add(name)).doFinally((signal) -> this.ended.add(name))).subscribe(caller);
		return caller;
	}

	void finish(String name) {
		assertThat(this.work.get(name).tryEmitValue(name).isSuccess()).as("finish " + name).isTrue();
	}

	void fail(String name, Throwable error) {
		assertThat(this.work.get(name).tryEmitError(error).isSuccess()).as("fail " + name).isTrue();
	}

	/**
	 * Finish the running work, the oldest first, until none runs, so that every waiting
	 * request gets its turn.
	 */
	void finishOneByOne() {
		List<String> running = running();
		while (!running.isEmpty()) {
			finish(running.get(0));
			running = running();
		}
	}

	/**
	 * Return the requests whose work started, in the order it started.
	 */
	List<String> started() {
		return List.copyOf(this.started);
	}

	/**
	 * Return the requests whose work started and has not ended, oldest first.
	 */
	List<String> running() {
		List<String> running = new ArrayList<>(this.started);
		running.removeAll(this.ended);
		return running;
	}

	/**
	 * Return the requests whose work was cancelled while it ran.
	 */
	List<String> cancelled() {
		return List.copyOf(this.cancelled);
	}

	TestSubscriber<String> caller(String name) {
		return this.callers.get(name);
	}

	/**
	 * Assert that every caller got its answer and nothing more.
	 */
	void assertAllCompleted() {
		this.callers.forEach((name, caller) -> {
			assertThat(caller.isTerminatedComplete()).as(name + " completed").isTrue();
			assertThat(caller.getReceivedOnNext()).as(name + " answer").containsExactly(name);
		});
		assertEveryCallerEndedOnce();
	}

	/**
	 * Assert that every caller got exactly one terminal signal and no signal after it.
	 */
	void assertEveryCallerEndedOnce() {
		this.callers.forEach((name, caller) -> {
			assertThat(caller.isTerminated()).as(name + " ended").isTrue();
			assertThat(caller.getProtocolErrors()).as(name + " signals after the end").isEmpty();
		});
	}

}
