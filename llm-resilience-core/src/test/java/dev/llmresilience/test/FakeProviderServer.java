package dev.llmresilience.test;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelOption;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * A fake LLM provider: an HTTP server on 127.0.0.1 and a free port that speaks the
 * Anthropic Messages API ({@code POST /v1/messages}) and OpenAI Chat Completions
 * ({@code POST /chat/completions}, {@code POST /v1/chat/completions}), whole answers and
 * server-sent events, as a test scripts it: per model or by {@link #defaults() default},
 * the answer's text, latency and pacing, errors, faults on the wire, a queue of replies;
 * or, for full control, a {@link #respondWith responder} that picks each
 * {@link FakeReply}. Its {@link #requests() request log} counts what it received, on the
 * server side.
 * <p>
 * It runs on event loops of its own, since an application context under test may dispose
 * Reactor Netty's global ones when it closes, and it logs nothing itself, so the API keys
 * it receives stay out of the logs under test. Its {@code GET /stats} and
 * {@code POST /stats/reset} give and clear the counts for a harness in another process,
 * which starts it with {@link #main(String[])}.
 */
public final class FakeProviderServer implements AutoCloseable {

	/** The start of the line with which {@link #main(String[])} tells its port. */
	public static final String PORT_LINE_PREFIX = "FAKE_PROVIDER_PORT=";

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final LoopResources loops;

	private final DisposableServer server;

	private final RequestLog log = new RequestLog();

	private final ModelScript defaults = new ModelScript(null);

	private final Map<String, ModelScript> models = new ConcurrentHashMap<>();

	private final AtomicReference<Sinks.Empty<Void>> held = new AtomicReference<>(Sinks.empty());

	private volatile Function<ReceivedRequest, FakeReply> responder;

	private FakeProviderServer() {
		this.loops = LoopResources.create("fake-provider", 1, Math.max(2, Runtime.getRuntime().availableProcessors()),
				true);
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.runOn(this.loops)
			// thousands of streams opened at once must not overflow the accept queue
			.option(ChannelOption.SO_BACKLOG, 4096)
			.doOnChannelInit((observer, channel, remoteAddress) -> {
				this.log.connectionOpened();
				channel.closeFuture().addListener((future) -> this.log.connectionClosed());
			})
			.handle(this::handle)
			.bindNow();
	}

	/**
	 * Start a fake that answers every model with {@code Hello}.
	 * @return the running fake
	 */
	public static FakeProviderServer start() {
		return new FakeProviderServer();
	}

	/**
	 * Run a fake until standard input closes, so that it never outlives the process that
	 * started it. It prints {@value #PORT_LINE_PREFIX}{@code <port>} once it listens and
	 * keeps no request whole, only counts.
	 * @param args the script, such as {@code --latency-ms=0}, {@code --chunks=20},
	 * {@code --chunk-interval-ms=1000}, {@code --text=...},
	 * {@code --fault=claude-primary:0.3:529}
	 * @throws IOException if standard input fails
	 */
	public static void main(String[] args) throws IOException {
		try (FakeProviderServer fake = start()) {
			fake.requests().keepLast(0);
			FakeProviderArguments.apply(args, fake.defaults(), fake::model);
			System.out.println(PORT_LINE_PREFIX + fake.port());
			System.out.flush();
			System.in.transferTo(OutputStream.nullOutputStream());
		}
	}

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		if (request.uri().equals("/stats")) {
			return response.header("content-type", "application/json").sendString(Mono.fromSupplier(this::stats));
		}
		if (request.uri().equals("/stats/reset")) {
			this.log.clear();
			return response.status(204).send();
		}
		return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap((body) -> {
			// taken before the request shows in the log: a test that sees it
			// there, then releases the held replies, releases this one too
			Mono<Void> heldGate = this.held.get().asMono();
			ReceivedRequest received = this.log.received(request.method().name(), request.uri(),
					request.requestHeaders(), body);
			ModelScript script = model(received.model());
			ResponsePlan plan = reply(received, script).plan(received, script, Instant.now());
			this.log.answered(received, plan.status());
			return ResponseWriter.write(plan, response, this.log, heldGate);
		});
	}

	private FakeReply reply(ReceivedRequest request, ModelScript script) {
		Function<ReceivedRequest, FakeReply> responder = this.responder;
		try {
			FakeReply reply = (responder != null) ? responder.apply(request) : null;
			if (reply != null) {
				return reply;
			}
		}
		catch (RuntimeException ex) {
			return FakeReply.error(500, "api_error", "The fake's responder failed: " + ex);
		}
		return (request.wireFormat() != null) ? script.nextReply() : FakeReply.error(404);
	}

	private String stats() {
		ObjectNode stats = JsonNodeFactory.instance.objectNode();
		ObjectNode calls = stats.putObject("calls");
		this.log.countByModelAndStatus().forEach((model, byStatus) -> {
			ObjectNode counts = calls.putObject(model);
			byStatus.forEach((status, count) -> counts.put(String.valueOf(status), count));
		});
		stats.put("inFlight", this.log.inFlight());
		stats.put("maxInFlight", this.log.maxInFlight());
		stats.put("openConnections", this.log.openConnections());
		return stats.toString();
	}

	/**
	 * Return the root URL of the fake, such as {@code http://127.0.0.1:41234}, without a
	 * trailing slash: the base URL of an Anthropic provider, and of an OpenAI-compatible
	 * one with or without {@code /v1}.
	 * @return the URL
	 */
	public String baseUrl() {
		return "http://127.0.0.1:" + port();
	}

	public int port() {
		return this.server.port();
	}

	/**
	 * Return the script every model falls back to.
	 * @return the default script
	 */
	public ModelScript defaults() {
		return this.defaults;
	}

	/**
	 * Return the script of one model, created on first use.
	 * @param name the model name, as requests send it
	 * @return the model's script
	 */
	public ModelScript model(String name) {
		return this.models.computeIfAbsent(name, (key) -> new ModelScript(this.defaults));
	}

	/**
	 * Let a function pick the reply to each request before any script does; where it
	 * returns {@code null}, the model's script decides. Its text, usage and pacing still
	 * come from the model's script.
	 * @param responder picks replies, or {@code null} to leave them all to the scripts
	 */
	public void respondWith(Function<ReceivedRequest, FakeReply> responder) {
		this.responder = responder;
	}

	/**
	 * Send the {@link FakeReply#held() held} replies to the requests received so far;
	 * those of later requests wait for the next call.
	 */
	public void releaseHeld() {
		this.held.getAndSet(Sinks.empty()).tryEmitEmpty();
	}

	/**
	 * Forget every script and the responder, and release the held replies. The request
	 * log stays.
	 */
	public void reset() {
		this.responder = null;
		this.defaults.reset();
		this.models.values().forEach(ModelScript::reset);
		releaseHeld();
	}

	/**
	 * Return what the fake received.
	 * @return the request log
	 */
	public RequestLog requests() {
		return this.log;
	}

	@Override
	public void close() {
		this.server.disposeNow();
		// no quiet period: the fake is closed after its last request
		this.loops.disposeLater(Duration.ZERO, CLOSE_TIMEOUT).block(CLOSE_TIMEOUT);
	}

	@Override
	public String toString() {
		return "FakeProviderServer{" + baseUrl() + ", " + this.log + "}";
	}

}
