package dev.llmresilience.provider;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.codec.ServerSentEvent;

/**
 * Splits a response body into server-sent events: lines end in LF, CRLF or CR; {@code event:}
 * and {@code data:} fields (several {@code data:} lines joined with LF); comments and other
 * fields skipped; a blank line ends an event. Written here rather than taken from Spring's
 * {@code ServerSentEventHttpMessageReader} because that reader logs every line it decodes at
 * DEBUG (the start of it; all of it at TRACE), and a line may carry an API key a server echoes,
 * or the user's text.
 */
final class EventStreamParser {

	private final int maxEventSize;

	private final ByteArrayOutputStream line = new ByteArrayOutputStream();

	private boolean afterCarriageReturn;

	private int eventSize;

	private String event;

	private StringBuilder data;

	private EventStreamParser(int maxEventSize) {
		this.maxEventSize = maxEventSize;
	}

	/**
	 * Parse a body.
	 * @param body the body
	 * @param maxEventSize the most bytes one event may have
	 * @return the events; a {@link DataBufferLimitException} for an event over the limit
	 */
	static Flux<ServerSentEvent<String>> parse(Flux<DataBuffer> body, int maxEventSize) {
		return Flux.defer(() -> {
			EventStreamParser parser = new EventStreamParser(maxEventSize);
			return body.concatMapIterable(parser::read).concatWith(Flux.defer(() -> Flux.fromIterable(parser.end())));
		});
	}

	private List<ServerSentEvent<String>> read(DataBuffer buffer) {
		List<ServerSentEvent<String>> events = new ArrayList<>();
		try {
			while (buffer.readableByteCount() > 0) {
				byte next = buffer.read();
				if (next == '\n' && this.afterCarriageReturn) {
					// the LF of a CRLF
					this.afterCarriageReturn = false;
					continue;
				}
				this.afterCarriageReturn = (next == '\r');
				if (next == '\n' || next == '\r') {
					endLine(events);
				}
				else {
					if (++this.eventSize > this.maxEventSize) {
						throw new DataBufferLimitException(
								"An event of the stream is over the limit of " + this.maxEventSize + " bytes");
					}
					this.line.write(next);
				}
			}
		}
		finally {
			DataBufferUtils.release(buffer);
		}
		return events;
	}

	private void endLine(List<ServerSentEvent<String>> events) {
		String text = this.line.toString(StandardCharsets.UTF_8);
		this.line.reset();
		if (text.isEmpty()) {
			dispatch(events);
			return;
		}
		int colon = text.indexOf(':');
		String field = (colon >= 0) ? text.substring(0, colon) : text;
		String value = (colon >= 0) ? text.substring(colon + 1) : "";
		value = value.startsWith(" ") ? value.substring(1) : value;
		if (field.equals("event")) {
			this.event = value;
		}
		else if (field.equals("data")) {
			this.data = (this.data != null) ? this.data.append('\n') : new StringBuilder();
			this.data.append(value);
		}
		// comments (an empty field name), id, retry and unknown fields are of no use here
	}

	private void dispatch(List<ServerSentEvent<String>> events) {
		if (this.event != null || this.data != null) {
			events.add(ServerSentEvent.<String>builder()
				.event(this.event)
				.data((this.data != null) ? this.data.toString() : null)
				.build());
		}
		this.event = null;
		this.data = null;
		this.eventSize = 0;
	}

	/**
	 * Return the event a body ends with when no blank line follows it.
	 */
	private List<ServerSentEvent<String>> end() {
		List<ServerSentEvent<String>> events = new ArrayList<>();
		if (this.line.size() > 0) {
			endLine(events);
		}
		dispatch(events);
		return events;
	}

}
