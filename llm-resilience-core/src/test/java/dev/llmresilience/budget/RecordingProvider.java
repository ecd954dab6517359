package dev.llmresilience.budget;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.StopReason;
import dev.llmresilience.provider.LlmProvider;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A provider for tests of paced and queued calls: each call of a model gets the next
 * scripted reply, or else an answer using 10 tokens, and is recorded with the time it was
 * made on Reactor's clock (virtual in these tests).
 */
public final class RecordingProvider implements LlmProvider {

	private final String id;

	private final Map<String, Deque<Function<LlmModel, Mono<LlmResponse>>>> scripts = new ConcurrentHashMap<>();

	private final Map<String, List<Long>> callTimes = new ConcurrentHashMap<>();

	public RecordingProvider(String id) {
		this.id = id;
	}

	/**
	 * Reply to the next call of a model as given.
	 */
	public RecordingProvider then(String model, Function<LlmModel, Mono<LlmResponse>> reply) {
		this.scripts.computeIfAbsent(model, (key) -> new ArrayDeque<>()).add(reply);
		return this;
	}

	/**
	 * Answer the next call of a model with the given usage and rate-limit headers.
	 */
	public RecordingProvider thenAnswer(String model, LlmUsage usage, RateLimitStatus rateLimits) {
		return then(model, (llmModel) -> Mono.just(answer(llmModel, this.id, usage, rateLimits)));
	}

	/**
	 * Fail the next call of a model.
	 */
	public RecordingProvider thenFail(String model, Throwable error) {
		return then(model, (llmModel) -> Mono.error(error));
	}

	/**
	 * Return when each call of a model was made, in milliseconds of Reactor's clock.
	 */
	public List<Long> callTimes(String model) {
		List<Long> times = this.callTimes.getOrDefault(model, List.of());
		synchronized (times) {
			return List.copyOf(times);
		}
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public String type() {
		return "anthropic";
	}

	@Override
	public Mono<LlmResponse> call(LlmModel model, LlmRequest request) {
		return Mono.defer(() -> {
			List<Long> times = this.callTimes.computeIfAbsent(model.id(), (key) -> new ArrayList<>());
			synchronized (times) {
				times.add(Schedulers.parallel().now(TimeUnit.MILLISECONDS));
			}
			Deque<Function<LlmModel, Mono<LlmResponse>>> script = this.scripts.get(model.id());
			Function<LlmModel, Mono<LlmResponse>> reply = (script != null) ? script.poll() : null;
			return (reply != null) ? reply.apply(model)
					: Mono.just(answer(model, this.id, new LlmUsage(5, 5), RateLimitStatus.NONE));
		});
	}

	@Override
	public Flux<LlmStreamEvent> stream(LlmModel model, LlmRequest request) {
		return call(model, request).<LlmStreamEvent>map(LlmStreamEvent.Completion::new).flux();
	}

	public static LlmResponse answer(LlmModel model, String provider, LlmUsage usage, RateLimitStatus rateLimits) {
		return new LlmResponse(List.of(LlmContent.text("Hello from " + model.id())), null, model.id(), model.name(),
				provider, StopReason.END_TURN, "end_turn", usage, null, rateLimits, false, List.of(), null);
	}

}
