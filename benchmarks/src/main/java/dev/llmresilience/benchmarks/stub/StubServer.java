package dev.llmresilience.benchmarks.stub;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A fast LLM stub on the loopback interface, run in a process of its own so that the client
 * measured does not share its JVM: the Anthropic Messages API ({@code POST /v1/messages}) and
 * OpenAI Chat Completions ({@code POST /v1/chat/completions}), JSON and server-sent events, with
 * canned answers, a configurable latency, chunk count and chunk interval, and faults injected per
 * model. {@code GET /stats} gives the calls served by model and status, {@code POST /stats/reset}
 * clears them.
 * <p>
 * Started with {@link StubSettings#toArgs()} as arguments, it binds a free port, prints
 * {@value #PORT_LINE_PREFIX}{@code <port>} and runs until its standard input closes, so that it
 * never outlives the harness that started it.
 */
public final class StubServer {

	/** The start of the line that tells the harness the port. */
	public static final String PORT_LINE_PREFIX = "STUB_PORT=";

	private static final String JSON = "application/json";

	private final StubSettings settings;

	private final ObjectMapper objectMapper = new ObjectMapper();

	private final CannedAnswers anthropic;

	private final CannedAnswers openAi;

	private final TrafficCounter traffic = new TrafficCounter();

	StubServer(StubSettings settings) {
		this.settings = settings;
		this.anthropic = new CannedAnswers(new AnthropicWireFormat(this.objectMapper), settings.chunks());
		this.openAi = new CannedAnswers(new OpenAiWireFormat(this.objectMapper), settings.chunks());
	}

	/**
	 * Run the stub until standard input closes.
	 * @param args the settings, as {@link StubSettings#toArgs()} writes them
	 * @throws IOException if standard input fails
	 */
	public static void main(String[] args) throws IOException {
		StubServer stub = new StubServer(StubSettings.parse(args));
		DisposableServer server = stub.bind();
		System.out.println(PORT_LINE_PREFIX + server.port());
		System.out.flush();
		System.in.transferTo(OutputStream.nullOutputStream());
		server.disposeNow(Duration.ofSeconds(5));
	}

	DisposableServer bind() {
		return HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			// thousands of streams open at once must not overflow the accept backlog
			.option(ChannelOption.SO_BACKLOG, 4096)
			.route((routes) -> routes
				.post("/v1/messages", (request, response) -> serve(this.anthropic, request, response))
				.post("/v1/chat/completions", (request, response) -> serve(this.openAi, request, response))
				.get("/stats", (request, response) -> response.header(HttpHeaderNames.CONTENT_TYPE, JSON)
					.sendString(Mono.fromSupplier(() -> this.traffic.toJson(this.objectMapper))))
				.post("/stats/reset", (request, response) -> {
					this.traffic.reset();
					return response.status(204).send();
				}))
			.bindNow();
	}

	private Publisher<Void> serve(CannedAnswers answers, HttpServerRequest request, HttpServerResponse response) {
		return request.receive().aggregate().asByteArray().flatMap((body) -> {
			RequestSummary summary = summarize(body);
			StubSettings.Fault fault = this.settings.faults().get(summary.model());
			if (fault != null && ThreadLocalRandom.current().nextDouble() < fault.rate()) {
				this.traffic.count(summary.model(), fault.status());
				return afterLatency(sendJson(response.status(fault.status()), answers.error(fault.status())));
			}
			this.traffic.count(summary.model(), 200);
			CannedAnswer answer = answers.answer(summary.model());
			return afterLatency(summary.stream() ? sendEvents(response, answer) : sendJson(response, answer.json()));
		});
	}

	private static RequestSummary summarize(byte[] body) {
		try {
			return RequestSummary.read(body);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private Mono<Void> afterLatency(Mono<Void> send) {
		Duration latency = this.settings.latency();
		return latency.isZero() ? send : Mono.delay(latency).then(send);
	}

	private static Mono<Void> sendJson(HttpServerResponse response, byte[] body) {
		return response.header(HttpHeaderNames.CONTENT_TYPE, JSON)
			.header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(body.length))
			.header("request-id", "req_stub")
			.sendByteArray(Mono.just(body))
			.then();
	}

	private Mono<Void> sendEvents(HttpServerResponse response, CannedAnswer answer) {
		Duration interval = this.settings.chunkInterval();
		Flux<byte[]> chunks = interval.isZero() ? Flux.fromIterable(answer.streamChunks())
				: Flux.interval(Duration.ZERO, interval).take(answer.streamChunks().size())
					.map((index) -> answer.streamChunks().get(index.intValue()));
		Flux<byte[]> events = Flux.concat(Mono.just(answer.streamHead()), chunks, Mono.just(answer.streamTail()))
			.doOnSubscribe((subscription) -> this.traffic.streamOpened())
			.doFinally((signal) -> this.traffic.streamClosed());
		return response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
			.header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
			.header("request-id", "req_stub")
			.sendByteArray(events)
			.then();
	}

}
