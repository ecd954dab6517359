package dev.llmresilience.chaos;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.netty.handler.codec.http.HttpHeaders;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * An HTTP server on 127.0.0.1, on a random port, that takes the requests of the Anthropic
 * Messages API ({@code POST /v1/messages}) and of OpenAI-compatible servers
 * ({@code POST /chat/completions}), or any other, and answers each with the {@link Reply}
 * its responder picks. It counts, on the server side, every request (by model and by
 * logical request), the requests in flight and the most there ever were at once, and the
 * open connections. It logs nothing itself (its Reactor Netty loggers are
 * {@code reactor.netty.http.server}, which a test can keep quiet), so the API keys it
 * receives stay out of the logs under test.
 */
final class FaultInjectingServer implements AutoCloseable {

	private static final ObjectMapper MAPPER = new ObjectMapper();

	private final Function<WireRequest, Reply> responder;

	private final DisposableServer server;

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	private final AtomicInteger openConnections = new AtomicInteger();

	private final Map<String, AtomicInteger> requestsByModel = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> requestsByTag = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> attemptsByTagAndModel = new ConcurrentHashMap<>();

	private FaultInjectingServer(Function<WireRequest, Reply> responder) {
		this.responder = responder;
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.doOnChannelInit((observer, channel, remoteAddress) -> {
				this.openConnections.incrementAndGet();
				channel.closeFuture().addListener((future) -> this.openConnections.decrementAndGet());
			})
			.handle(this::handle)
			.bindNow();
	}

	/**
	 * Start a server.
	 * @param responder picks the reply to each request
	 * @return the running server
	 */
	static FaultInjectingServer start(Function<WireRequest, Reply> responder) {
		return new FaultInjectingServer(responder);
	}

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap((bytes) -> {
			WireRequest wire = read(request, bytes);
			this.requests.incrementAndGet();
			this.requestsByModel.computeIfAbsent(wire.model(), (key) -> new AtomicInteger()).incrementAndGet();
			if (wire.tag() != null) {
				this.requestsByTag.computeIfAbsent(wire.tag(), (key) -> new AtomicInteger()).incrementAndGet();
			}
			this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
			// a request is in flight until its reply is sent or its connection is gone,
			// whichever
			// comes first (a stalled stream ends only when the client closes the
			// connection)
			AtomicBoolean ended = new AtomicBoolean();
			Runnable end = () -> {
				if (ended.compareAndSet(false, true)) {
					this.inFlight.decrementAndGet();
				}
			};
			response.withConnection((connection) -> connection.onDispose(end::run));
			return Mono.defer(() -> this.responder.apply(wire).send(response)).doFinally((signal) -> end.run());
		});
	}

	private WireRequest read(HttpServerRequest request, byte[] bytes) {
		JsonNode body;
		try {
			body = MAPPER.readTree(bytes);
		}
		catch (IOException ex) {
			body = MissingNode.getInstance();
		}
		if (body == null) {
			body = MissingNode.getInstance();
		}
		String model = body.path("model").asText("");
		JsonNode tagNode = body.path("metadata").path("user_id");
		String tag = tagNode.isTextual() ? tagNode.textValue() : null;
		int attempt = (tag != null)
				? this.attemptsByTagAndModel.computeIfAbsent(tag + "|" + model, (key) -> new AtomicInteger())
					.incrementAndGet()
				: 0;
		return new WireRequest(request.uri(), request.requestHeaders(), body, model,
				body.path("stream").asBoolean(false), tag, attempt);
	}

	/**
	 * Return the base URL of the server, without a trailing slash.
	 * @return the URL
	 */
	String baseUrl() {
		return "http://127.0.0.1:" + this.server.port();
	}

	int requests() {
		return this.requests.get();
	}

	int inFlight() {
		return this.inFlight.get();
	}

	int maxInFlight() {
		return this.maxInFlight.get();
	}

	int openConnections() {
		return this.openConnections.get();
	}

	/**
	 * Return the requests received for each model, by the {@code model} field of the
	 * body.
	 * @return the counts by model name
	 */
	Map<String, Integer> requestsByModel() {
		Map<String, Integer> counts = new TreeMap<>();
		this.requestsByModel.forEach((model, count) -> counts.put(model, count.get()));
		return counts;
	}

	/**
	 * Return the requests received for each logical request, by the tag its body carries
	 * in {@code metadata.user_id}.
	 * @return the counts by tag
	 */
	Map<String, Integer> requestsByTag() {
		Map<String, Integer> counts = new TreeMap<>();
		this.requestsByTag.forEach((tag, count) -> counts.put(tag, count.get()));
		return counts;
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

	/**
	 * A request as the server received it.
	 *
	 * @param uri the request URI
	 * @param headers the request headers
	 * @param body the JSON body, a missing node if it is not JSON
	 * @param model the {@code model} field, empty if none
	 * @param stream whether the body asks for a stream
	 * @param tag the logical request it belongs to ({@code metadata.user_id}), or
	 * {@code null}
	 * @param attempt the number of this request among those with the same tag and model,
	 * from 1
	 */
	record WireRequest(String uri, HttpHeaders headers, JsonNode body, String model, boolean stream, String tag,
			int attempt) {

	}

}
