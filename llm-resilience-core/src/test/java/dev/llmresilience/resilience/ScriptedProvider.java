package dev.llmresilience.resilience;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.provider.LlmProvider;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A provider whose calls follow a script per model, one {@link Reply} a call, and which
 * records every call: when it was subscribed (on Reactor's clock, virtual in tests that
 * use virtual time), the request it got, and whether the caller cancelled it. A call
 * beyond the script fails with an {@link IllegalStateException}, which no resilience rule
 * retries or falls back on, so an unexpected call shows in the test.
 */
final class ScriptedProvider implements LlmProvider {

	private final String id;

	private final String type;

	private final Map<String, Deque<Reply>> scripts = new ConcurrentHashMap<>();

	private final Map<String, Reply> repeated = new ConcurrentHashMap<>();

	private final Map<String, List<Long>> callTimes = new ConcurrentHashMap<>();

	private final Map<String, List<LlmRequest>> requests = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> cancellations = new ConcurrentHashMap<>();

	ScriptedProvider(String id, String type) {
		this.id = id;
		this.type = type;
	}

	/**
	 * Add replies for the next calls of a model, in order.
	 */
	ScriptedProvider script(String model, Reply... replies) {
		Deque<Reply> script = this.scripts.computeIfAbsent(model, (key) -> new ArrayDeque<>());
		synchronized (script) {
			Collections.addAll(script, replies);
		}
		return this;
	}

	/**
	 * Reply the same to every call of a model once its script is used up.
	 */
	ScriptedProvider always(String model, Reply reply) {
		this.repeated.put(model, reply);
		return this;
	}

	/**
	 * Return how many calls of a model were subscribed.
	 */
	int calls(String model) {
		return callTimes(model).size();
	}

	/**
	 * Return when each call of a model was subscribed, in milliseconds of Reactor's
	 * clock.
	 */
	List<Long> callTimes(String model) {
		List<Long> times = this.callTimes.getOrDefault(model, List.of());
		synchronized (times) {
			return List.copyOf(times);
		}
	}

	/**
	 * Return the request each call of a model got.
	 */
	List<LlmRequest> requests(String model) {
		List<LlmRequest> received = this.requests.getOrDefault(model, List.of());
		synchronized (received) {
			return List.copyOf(received);
		}
	}

	/**
	 * Return how many calls of a model the caller cancelled before they ended.
	 */
	int cancellations(String model) {
		AtomicInteger count = this.cancellations.get(model);
		return (count != null) ? count.get() : 0;
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public String type() {
		return this.type;
	}

	@Override
	public Mono<LlmResponse> call(LlmModel model, LlmRequest request) {
		return Mono.defer(() -> {
			AtomicBoolean ended = new AtomicBoolean();
			return next(model, request).call(model, this.id)
				.doOnSuccess((response) -> ended.set(true))
				.doOnError((error) -> ended.set(true))
				.doOnCancel(() -> cancelled(model, ended));
		});
	}

	@Override
	public Flux<LlmStreamEvent> stream(LlmModel model, LlmRequest request) {
		return Flux.defer(() -> {
			AtomicBoolean ended = new AtomicBoolean();
			return next(model, request).stream(model, this.id)
				.doOnComplete(() -> ended.set(true))
				.doOnError((error) -> ended.set(true))
				.doOnCancel(() -> cancelled(model, ended));
		});
	}

	private Reply next(LlmModel model, LlmRequest request) {
		List<Long> times = this.callTimes.computeIfAbsent(model.id(), (key) -> new ArrayList<>());
		int call;
		synchronized (times) {
			times.add(Schedulers.parallel().now(TimeUnit.MILLISECONDS));
			call = times.size();
		}
		List<LlmRequest> received = this.requests.computeIfAbsent(model.id(), (key) -> new ArrayList<>());
		synchronized (received) {
			received.add(request);
		}
		Deque<Reply> script = this.scripts.getOrDefault(model.id(), new ArrayDeque<>());
		Reply reply;
		synchronized (script) {
			reply = script.poll();
		}
		if (reply != null) {
			return reply;
		}
		Reply repeatedReply = this.repeated.get(model.id());
		return (repeatedReply != null) ? repeatedReply : Reply
			.fail(new IllegalStateException("Call " + call + " of model '" + model.id() + "' was not scripted"));
	}

	/**
	 * Count a cancel only if it came before the call ended: operators downstream also
	 * cancel a call whose error they are handling.
	 */
	private void cancelled(LlmModel model, AtomicBoolean ended) {
		if (ended.get()) {
			return;
		}
		this.cancellations.computeIfAbsent(model.id(), (key) -> new AtomicInteger()).incrementAndGet();
	}

}
