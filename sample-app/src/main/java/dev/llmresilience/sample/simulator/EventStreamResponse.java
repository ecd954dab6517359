package dev.llmresilience.sample.simulator;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * A streamed answer as both APIs send it: {@code text/event-stream}, not cached, each
 * event flushed as it comes, so that pacing reaches the client instead of a buffer.
 */
final class EventStreamResponse {

	private static final MediaType EVENT_STREAM = new MediaType(MediaType.TEXT_EVENT_STREAM, StandardCharsets.UTF_8);

	private EventStreamResponse() {
	}

	/**
	 * Return the response.
	 * @param events the events, each in the SSE wire format with its blank line
	 * @param headers adds the API's own headers
	 * @return the response
	 */
	static Mono<ServerResponse> of(Flux<String> events, Consumer<HttpHeaders> headers) {
		return ServerResponse.ok()
			.contentType(EVENT_STREAM)
			.header(HttpHeaders.CACHE_CONTROL, "no-cache")
			.headers(headers)
			.body(flushed(events));
	}

	private static BodyInserter<Flux<String>, ReactiveHttpOutputMessage> flushed(Flux<String> events) {
		return (message, context) -> message.writeAndFlushWith(
				events.map((event) -> Mono.just(message.bufferFactory().wrap(event.getBytes(StandardCharsets.UTF_8)))));
	}

}
