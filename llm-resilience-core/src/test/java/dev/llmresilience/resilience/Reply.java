package dev.llmresilience.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.StopReason;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a {@link ScriptedProvider} does for one call of a model, both as a whole answer
 * and as a stream. Timed replies use Reactor's parallel scheduler, so virtual time drives
 * them.
 */
interface Reply {

	Mono<LlmResponse> call(LlmModel model, String provider);

	Flux<LlmStreamEvent> stream(LlmModel model, String provider);

	/**
	 * Answer at once; a stream sends each part as a text delta, then the completion.
	 */
	static Reply answer(String... parts) {
		return new Reply() {

			@Override
			public Mono<LlmResponse> call(LlmModel model, String provider) {
				return Mono.just(response(model, provider, String.join("", parts)));
			}

			@Override
			public Flux<LlmStreamEvent> stream(LlmModel model, String provider) {
				return Flux.concat(Flux.fromArray(parts).map(LlmStreamEvent.TextDelta::new),
						Mono.just(new LlmStreamEvent.Completion(response(model, provider, String.join("", parts)))));
			}

		};
	}

	/**
	 * Fail at once, before any content.
	 */
	static Reply fail(Throwable error) {
		return failAfter(error);
	}

	/**
	 * Stream the given parts, then fail; a whole-answer call fails at once.
	 */
	static Reply failAfter(Throwable error, String... parts) {
		return new Reply() {

			@Override
			public Mono<LlmResponse> call(LlmModel model, String provider) {
				return Mono.error(error);
			}

			@Override
			public Flux<LlmStreamEvent> stream(LlmModel model, String provider) {
				return Flux.concat(Flux.fromArray(parts).map(LlmStreamEvent.TextDelta::new), Mono.error(error));
			}

		};
	}

	/**
	 * End without an answer: a whole-answer call completes empty, a stream sends the
	 * given parts and completes without its completion event.
	 */
	static Reply endWithoutAnswer(String... parts) {
		return new Reply() {

			@Override
			public Mono<LlmResponse> call(LlmModel model, String provider) {
				return Mono.empty();
			}

			@Override
			public Flux<LlmStreamEvent> stream(LlmModel model, String provider) {
				return Flux.fromArray(parts).map(LlmStreamEvent.TextDelta::new);
			}

		};
	}

	/**
	 * Stream the given parts, then nothing more: neither the completion nor an error.
	 */
	static Reply stall(String... parts) {
		return new Reply() {

			@Override
			public Mono<LlmResponse> call(LlmModel model, String provider) {
				return Mono.never();
			}

			@Override
			public Flux<LlmStreamEvent> stream(LlmModel model, String provider) {
				return Flux.concat(Flux.fromArray(parts).map(LlmStreamEvent.TextDelta::new), Flux.never());
			}

		};
	}

	/**
	 * Do nothing until the signal completes (or emits), then reply. The signal is
	 * subscribed once a call; a timer must be created per call, on the call's scheduler,
	 * as {@link #delayed(Duration, Reply)} does.
	 */
	static Reply after(Mono<?> signal, Reply reply) {
		return new Reply() {

			@Override
			public Mono<LlmResponse> call(LlmModel model, String provider) {
				return signal.then(Mono.defer(() -> reply.call(model, provider)));
			}

			@Override
			public Flux<LlmStreamEvent> stream(LlmModel model, String provider) {
				return signal.thenMany(Flux.defer(() -> reply.stream(model, provider)));
			}

		};
	}

	/**
	 * Reply after a delay, timed from the call.
	 */
	static Reply delayed(Duration delay, Reply reply) {
		// deferred, so that the timer is created on the scheduler of the call, virtual or
		// not
		return after(Mono.defer(() -> Mono.delay(delay)), reply);
	}

	/**
	 * Answer after a delay, timed from the call.
	 */
	static Reply slow(Duration delay, String... parts) {
		return delayed(delay, answer(parts));
	}

	/**
	 * Never answer.
	 */
	static Reply never() {
		return after(Mono.never(), answer("never"));
	}

	/**
	 * Stream with the first delta after {@code firstToken} and each later one, then the
	 * completion, {@code gap} after the one before; a whole-answer call answers when the
	 * stream would end.
	 */
	static Reply paced(Duration firstToken, Duration gap, String... parts) {
		return new Reply() {

			@Override
			public Mono<LlmResponse> call(LlmModel model, String provider) {
				return Mono.delay(firstToken.plus(gap.multipliedBy(parts.length)))
					.map((tick) -> response(model, provider, String.join("", parts)));
			}

			@Override
			public Flux<LlmStreamEvent> stream(LlmModel model, String provider) {
				List<Flux<LlmStreamEvent>> events = new ArrayList<>();
				for (int i = 0; i < parts.length; i++) {
					String part = parts[i];
					events.add(Mono.delay((i == 0) ? firstToken : gap)
						.map((tick) -> (LlmStreamEvent) new LlmStreamEvent.TextDelta(part))
						.flux());
				}
				LlmResponse whole = response(model, provider, String.join("", parts));
				return Flux.concat(events)
					.concatWith(Mono.delay(gap).map((tick) -> new LlmStreamEvent.Completion(whole)));
			}

		};
	}

	static LlmResponse response(LlmModel model, String provider, String text) {
		return new LlmResponse(List.of(LlmContent.text(text)), null, model.id(), model.name(), provider,
				StopReason.END_TURN, "end_turn", new LlmUsage(12, 7), null, RateLimitStatus.NONE, false, List.of(),
				null);
	}

}
