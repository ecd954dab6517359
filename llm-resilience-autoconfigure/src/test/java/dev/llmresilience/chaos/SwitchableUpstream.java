package dev.llmresilience.chaos;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.llmresilience.chaos.FaultInjectingServer.WireRequest;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Answers each model's requests the way a test has switched that model to: healthy,
 * failing (529 overloaded), slow, or held until the test lets go. The text is
 * {@link FaultPlan#text}.
 */
final class SwitchableUpstream implements Function<WireRequest, Reply> {

	private final Map<String, Function<WireRequest, Reply>> modes = new ConcurrentHashMap<>();

	private volatile Sinks.Empty<Void> gate = Sinks.empty();

	/**
	 * Answer the model's requests properly.
	 */
	void healthy(String model) {
		this.modes.remove(model);
	}

	/**
	 * Answer the model's requests with 529 overloaded.
	 */
	void failing(String model) {
		this.modes.put(model,
				(request) -> Reply.json(529, Map.of(), AnthropicWire.error("overloaded_error", "Overloaded")));
	}

	/**
	 * Answer the model's requests properly, each after a wait.
	 */
	void slow(String model, Duration wait) {
		this.modes.put(model, (request) -> Reply.delayed(wait, answer(request)));
	}

	/**
	 * Answer the model's requests properly, once {@link #letGo()} is called.
	 */
	void held(String model) {
		this.gate = Sinks.empty();
		Sinks.Empty<Void> gate = this.gate;
		this.modes.put(model,
				(request) -> (response) -> gate.asMono().then(Mono.defer(() -> answer(request).send(response))));
	}

	/**
	 * Answer the requests held so far.
	 */
	void letGo() {
		this.gate.tryEmitEmpty();
	}

	/**
	 * Answer every model properly again and let go of held requests.
	 */
	void reset() {
		letGo();
		this.modes.clear();
	}

	@Override
	public Reply apply(WireRequest request) {
		return this.modes.getOrDefault(request.model(), SwitchableUpstream::answer).apply(request);
	}

	private static Reply answer(WireRequest request) {
		java.util.List<String> pieces = FaultPlan.pieces(request.model(), request.tag());
		return request.stream() ? Reply.events(AnthropicWire.stream(request.model(), pieces))
				: Reply.json(200, Map.of(), AnthropicWire.message(request.model(), pieces));
	}

}
