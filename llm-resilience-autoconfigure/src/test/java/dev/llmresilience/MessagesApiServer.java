package dev.llmresilience;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * A small Anthropic Messages API server on Reactor Netty, on loopback and a free port,
 * with event loops of its own (an application context under test may dispose Reactor
 * Netty's global ones when it closes). It answers after a delay, and never answers a
 * request whose body contains {@code hang}; it counts the requests it received and how
 * many it was working on at once, server-side.
 */
final class MessagesApiServer implements AutoCloseable {

	private static final String ANSWER = """
			{"id":"msg_1","type":"message","role":"assistant","model":"claude-test",
			 "content":[{"type":"text","text":"Hello"}],"stop_reason":"end_turn",
			 "usage":{"input_tokens":5,"output_tokens":2}}""";

	private final Duration delay;

	private final LoopResources loops = LoopResources.create("messages-api-test", 1, 2, true);

	private final DisposableServer server;

	private final AtomicInteger received = new AtomicInteger();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	private final Sinks.Empty<Void> held = Sinks.empty();

	MessagesApiServer(Duration delay) {
		this.delay = delay;
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.runOn(this.loops)
			.route((routes) -> routes.post("/v1/messages", this::answer))
			.bindNow();
	}

	private Mono<Void> answer(HttpServerRequest request, HttpServerResponse response) {
		return request.receive().aggregate().asString().flatMap((body) -> {
			this.received.incrementAndGet();
			this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
			// counted out before the answer is sent, so that the client's next request
			// never
			// arrives while this one still counts
			AtomicBoolean counted = new AtomicBoolean(true);
			Runnable done = () -> {
				if (counted.compareAndSet(true, false)) {
					this.inFlight.decrementAndGet();
				}
			};
			Mono<Void> wait = body.contains("hang") ? Mono.never() : Mono.delay(this.delay).then();
			if (body.contains("hold")) {
				wait = wait.then(this.held.asMono());
			}
			return wait.then(Mono.fromRunnable(done))
				.then(response.header("Content-Type", "application/json").sendString(Mono.just(ANSWER)).then())
				.doFinally((signal) -> done.run());
		});
	}

	/**
	 * Answer the requests held so far and those to come.
	 */
	void releaseHeld() {
		this.held.tryEmitEmpty();
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.port();
	}

	int received() {
		return this.received.get();
	}

	int inFlight() {
		return this.inFlight.get();
	}

	int maxInFlight() {
		return this.maxInFlight.get();
	}

	@Override
	public void close() {
		this.server.disposeNow();
		// no quiet period: the server is closed after its last request
		this.loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(5));
	}

}
