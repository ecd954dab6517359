package dev.llmresilience.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.netty.channel.ChannelOption;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * How the {@link FaultInjectingServer} answers one request: a whole response, or one of
 * the ways a response goes wrong on the wire.
 */
@FunctionalInterface
interface Reply {

	/** Time between two events of a stream, so that streams overlap like real ones. */
	Duration EVENT_INTERVAL = Duration.ofMillis(3);

	/**
	 * Send the reply.
	 * @param response the response to write
	 * @return completes when the reply is sent, or never for a stalled stream
	 */
	Mono<Void> send(HttpServerResponse response);

	/**
	 * A JSON body with the given status and extra headers.
	 */
	static Reply json(int status, Map<String, String> headers, String body) {
		return raw(status, headers, "application/json", body.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Any body, sent as it is with its exact {@code content-length}.
	 */
	static Reply raw(int status, Map<String, String> headers, String contentType, byte[] body) {
		return (response) -> {
			response.status(status);
			headers.forEach(response::header);
			if (contentType != null) {
				response.header("content-type", contentType);
			}
			response.header("content-length", String.valueOf(body.length));
			return response.sendByteArray(Mono.just(body)).then();
		};
	}

	/**
	 * Any body, sent in chunks of the given sizes (used in turn) with chunked transfer
	 * encoding, so that the client reads it in pieces that split lines and characters.
	 */
	static Reply chunked(int status, Map<String, String> headers, String contentType, byte[] body,
			List<Integer> chunkSizes) {
		return (response) -> {
			response.status(status);
			headers.forEach(response::header);
			if (contentType != null) {
				response.header("content-type", contentType);
			}
			List<byte[]> chunks = new ArrayList<>();
			for (int from = 0, i = 0; from < body.length; i++) {
				int to = Math.min(body.length, from + chunkSizes.get(i % chunkSizes.size()));
				chunks.add(Arrays.copyOfRange(body, from, to));
				from = to;
			}
			return response.sendByteArray(Flux.fromIterable(chunks)).then();
		};
	}

	/**
	 * A 200 event stream of the given events, one every {@link #EVENT_INTERVAL}, ended
	 * properly.
	 */
	static Reply events(List<String> events) {
		return (response) -> eventStream(response).sendString(paced(events)).then();
	}

	/**
	 * A 200 event stream that sends the given events, then nothing more, without ending:
	 * only the client's idle timeout ends it.
	 */
	static Reply stalledEvents(List<String> events) {
		return (response) -> eventStream(response).sendString(paced(events).concatWith(Flux.never())).then();
	}

	/**
	 * A 200 event stream that sends the given events, then closes the connection without
	 * ending the chunked body.
	 */
	static Reply cutOffEvents(List<String> events) {
		return (response) -> eventStream(response).sendString(paced(events)).then().then(close(response, false));
	}

	/**
	 * The head and the first bytes of a body whose {@code content-length} promises all of
	 * it, then a closed connection.
	 */
	static Reply cutOff(int status, String contentType, byte[] body, int sent) {
		return (response) -> {
			response.status(status);
			response.header("content-type", contentType);
			response.header("content-length", String.valueOf(body.length));
			return response.sendByteArray(Mono.just(Arrays.copyOf(body, sent))).then().then(close(response, false));
		};
	}

	/**
	 * No answer at all: the connection is reset (SO_LINGER 0, then closed, so the client
	 * gets an RST rather than a FIN).
	 */
	static Reply reset() {
		return (response) -> close(response, true);
	}

	/**
	 * The given reply, after a wait in which nothing, not even the status line, is sent.
	 */
	static Reply delayed(Duration delay, Reply reply) {
		return (response) -> Mono.delay(delay).then(Mono.defer(() -> reply.send(response)));
	}

	private static HttpServerResponse eventStream(HttpServerResponse response) {
		return response.status(200).header("content-type", "text/event-stream").header("cache-control", "no-cache");
	}

	private static Flux<String> paced(List<String> events) {
		return Flux.fromIterable(events).delayElements(EVENT_INTERVAL);
	}

	private static Mono<Void> close(HttpServerResponse response, boolean reset) {
		return Mono.create((sink) -> response.withConnection((connection) -> {
			if (reset) {
				connection.channel().config().setOption(ChannelOption.SO_LINGER, 0);
			}
			connection.channel().close().addListener((future) -> sink.success());
		}));
	}

}
