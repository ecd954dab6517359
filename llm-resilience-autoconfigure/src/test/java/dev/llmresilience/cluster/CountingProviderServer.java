package dev.llmresilience.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * An Anthropic Messages API server on Reactor Netty, on loopback and a free port, shared
 * by several application contexts: it notes when each request arrives, server-side, and
 * answers the next requests with a 429 and a retry-after when told to.
 */
final class CountingProviderServer implements AutoCloseable {

	private static final String ANSWER = """
			{"id":"msg_1","type":"message","role":"assistant","model":"claude-test",
			 "content":[{"type":"text","text":"Hello"}],"stop_reason":"end_turn",
			 "usage":{"input_tokens":5,"output_tokens":2}}""";

	private static final String RATE_LIMITED = """
			{"type":"error","error":{"type":"rate_limit_error","message":"Too many requests (test)"}}""";

	private final LoopResources loops = LoopResources.create("counting-provider-test", 1, 2, true);

	private final DisposableServer server;

	private final ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();

	private final AtomicInteger rateLimited = new AtomicInteger();

	private volatile Duration retryAfter = Duration.ofSeconds(1);

	CountingProviderServer() {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.runOn(this.loops)
			.route((routes) -> routes.post("/v1/messages", this::answer))
			.bindNow();
	}

	private Mono<Void> answer(HttpServerRequest request, HttpServerResponse response) {
		return request.receive().aggregate().then(Mono.defer(() -> {
			this.arrivals.add(System.nanoTime());
			response.header("Content-Type", "application/json");
			if (this.rateLimited.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
				return response.status(429)
					.header("retry-after", String.valueOf(this.retryAfter.toSeconds()))
					.sendString(Mono.just(RATE_LIMITED))
					.then();
			}
			return response.sendString(Mono.just(ANSWER)).then();
		}));
	}

	/**
	 * Answer the next request with a 429.
	 * @param retryAfter the retry-after it asks for, in whole seconds
	 */
	void rateLimitNext(Duration retryAfter) {
		this.retryAfter = retryAfter;
		this.rateLimited.incrementAndGet();
	}

	void forgetArrivals() {
		this.arrivals.clear();
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.port();
	}

	/**
	 * Return when the requests arrived, in {@link System#nanoTime()}, in order.
	 * @return the arrival times
	 */
	List<Long> arrivals() {
		return this.arrivals.stream().sorted().toList();
	}

	/**
	 * Return the most requests that arrived within any window of the given length.
	 * @param window the window
	 * @return the count
	 */
	int mostWithin(Duration window) {
		List<Long> arrivals = arrivals();
		int most = 0;
		int start = 0;
		for (int end = 0; end < arrivals.size(); end++) {
			while (arrivals.get(end) - arrivals.get(start) >= window.toNanos()) {
				start++;
			}
			most = Math.max(most, end - start + 1);
		}
		return most;
	}

	@Override
	public void close() {
		this.server.disposeNow();
		// no quiet period: the server is closed after its last request
		this.loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(5));
	}

}
