package dev.llmresilience.provider;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.codec.ServerSentEvent;

/**
 * Splits a response body into server-sent events: lines end in LF, CRLF or CR;
 * {@code event:} and {@code data:} fields (several {@code data:} lines joined with LF);
 * an {@code error:} line, which older llama.cpp servers send, as an {@code error} event
 * with its value as data; comments and other fields skipped; a blank line ends an event.
 * Written here rather than taken from Spring's {@code ServerSentEventHttpMessageReader}
 * because that reader logs every line it decodes at DEBUG (the start of it; all of it at
 * TRACE), and a line may carry an API key a server echoes, or the user's text.
 * <p>
 * Each buffer is copied out in bulk and scanned for line ends as an array; a line is read
 * where it lies, and only the unfinished line at the end of a buffer is kept for the next
 * one. Field names are compared as bytes and each value is decoded once, so a character
 * split between two buffers is decoded whole.
 */
final class EventStreamParser {

	/**
	 * The most bytes taken from a buffer at a time, so that the bytes kept here stay
	 * within the event limit plus this, however large the buffers the body comes in.
	 */
	private static final int CHUNK_SIZE = 8 * 1024;

	/**
	 * The least bytes to hold, enough for most lines, so that small buffers do not grow
	 * the array several times.
	 */
	private static final int MIN_CAPACITY = 512;

	private static final int MAX_ARRAY_SIZE = Integer.MAX_VALUE - 8;

	private static final byte[] EVENT = { 'e', 'v', 'e', 'n', 't' };

	private static final byte[] DATA = { 'd', 'a', 't', 'a' };

	private static final byte[] ERROR = { 'e', 'r', 'r', 'o', 'r' };

	private final int maxEventSize;

	/**
	 * The bytes being read: the unfinished line carried from earlier reads, then those of
	 * the current chunk.
	 */
	private byte[] bytes = new byte[0];

	private int carried;

	private boolean afterCarriageReturn;

	/**
	 * The bytes of the current event's finished lines, without their line ends.
	 */
	private int eventSize;

	private String event;

	private String data;

	private StringBuilder dataLines;

	private List<ServerSentEvent<String>> events;

	private EventStreamParser(int maxEventSize) {
		this.maxEventSize = maxEventSize;
	}

	/**
	 * Parse a body.
	 * @param body the body
	 * @param maxEventSize the most bytes one event may have
	 * @return the events; a {@link DataBufferLimitException} for an event over the limit;
	 * an error of the body after the events read before it
	 */
	static Flux<ServerSentEvent<String>> parse(Flux<DataBuffer> body, int maxEventSize) {
		return Flux.defer(() -> {
			EventStreamParser parser = new EventStreamParser(maxEventSize);
			return InOrder.flatten(body.map(parser::read))
				.concatWith(Flux.defer(() -> Flux.fromIterable(parser.end())));
		});
	}

	private List<ServerSentEvent<String>> read(DataBuffer buffer) {
		try {
			int readable;
			while ((readable = buffer.readableByteCount()) > 0) {
				int count = Math.min(readable, CHUNK_SIZE);
				ensureCapacity(count);
				buffer.read(this.bytes, this.carried, count);
				scan(this.carried + count);
			}
		}
		finally {
			DataBufferUtils.release(buffer);
		}
		return takeEvents();
	}

	private void ensureCapacity(int count) {
		long needed = (long) this.carried + count;
		if (needed > this.bytes.length) {
			if (needed > MAX_ARRAY_SIZE) {
				// only when the limit is set near 2 GB: no array can hold the line
				throw new OutOfMemoryError("An event of the stream is too large to hold");
			}
			long capacity = Math.max(needed, Math.max(MIN_CAPACITY, 2L * this.bytes.length));
			byte[] larger = new byte[(int) Math.min(capacity, MAX_ARRAY_SIZE)];
			System.arraycopy(this.bytes, 0, larger, 0, this.carried);
			this.bytes = larger;
		}
	}

	/**
	 * Read the lines that end in {@code bytes[0, length)}, then keep the unfinished rest.
	 */
	private void scan(int length) {
		byte[] bytes = this.bytes;
		int lineStart = 0;
		// the carried bytes hold no line end, so the search goes on where they end
		int from = this.carried;
		if (this.afterCarriageReturn) {
			// the last read ended in CR (so nothing is carried): an LF now belongs to it
			this.afterCarriageReturn = false;
			if (bytes[0] == '\n') {
				lineStart = 1;
				from = 1;
			}
		}
		int lineEnd;
		while ((lineEnd = indexOfLineEnd(bytes, from, length)) >= 0) {
			line(bytes, lineStart, lineEnd);
			int next = lineEnd + 1;
			if (bytes[lineEnd] == '\r') {
				if (next == length) {
					this.afterCarriageReturn = true;
				}
				else if (bytes[next] == '\n') {
					next++;
				}
			}
			lineStart = next;
			from = next;
		}
		int rest = length - lineStart;
		if (rest > 0) {
			// checked before the line ends, so that a line with no end cannot grow
			// without limit
			checkSize(rest);
			System.arraycopy(bytes, lineStart, bytes, 0, rest);
		}
		this.carried = rest;
	}

	private static int indexOfLineEnd(byte[] bytes, int from, int to) {
		for (int i = from; i < to; i++) {
			byte b = bytes[i];
			if (b == '\n' || b == '\r') {
				return i;
			}
		}
		return -1;
	}

	private void checkSize(int lineSize) {
		// eventSize never passes maxEventSize, so the subtraction cannot overflow
		if (lineSize > this.maxEventSize - this.eventSize) {
			throw new DataBufferLimitException(
					"An event of the stream is over the limit of " + this.maxEventSize + " bytes");
		}
	}

	/**
	 * Read the line in {@code bytes[start, end)}, without its line end.
	 */
	private void line(byte[] bytes, int start, int end) {
		if (start == end) {
			dispatch();
			return;
		}
		checkSize(end - start);
		this.eventSize += end - start;
		int colon = indexOf(bytes, (byte) ':', start, end);
		int nameEnd = (colon >= 0) ? colon : end;
		int valueStart = (colon >= 0) ? colon + 1 : end;
		if (valueStart < end && bytes[valueStart] == ' ') {
			valueStart++;
		}
		if (isName(bytes, start, nameEnd, DATA)) {
			String value = new String(bytes, valueStart, end - valueStart, StandardCharsets.UTF_8);
			if (this.data == null) {
				this.data = value;
			}
			else {
				// most events have one data line: only a second one needs a builder
				if (this.dataLines == null) {
					this.dataLines = new StringBuilder(this.data);
				}
				this.dataLines.append('\n').append(value);
			}
		}
		else if (isName(bytes, start, nameEnd, EVENT)) {
			this.event = new String(bytes, valueStart, end - valueStart, StandardCharsets.UTF_8);
		}
		else if (isName(bytes, start, nameEnd, ERROR)) {
			// Not a field of the standard, but how older llama.cpp servers report a
			// failure
			// in a stream: it becomes an error event, never a line skipped in silence.
			this.event = "error";
			this.data = new String(bytes, valueStart, end - valueStart, StandardCharsets.UTF_8);
			this.dataLines = null;
		}
		// comments (an empty field name), id, retry and unknown fields are of no use here
	}

	private static int indexOf(byte[] bytes, byte value, int from, int to) {
		for (int i = from; i < to; i++) {
			if (bytes[i] == value) {
				return i;
			}
		}
		return -1;
	}

	private static boolean isName(byte[] bytes, int start, int end, byte[] name) {
		if (end - start != name.length) {
			return false;
		}
		for (int i = 0; i < name.length; i++) {
			if (bytes[start + i] != name[i]) {
				return false;
			}
		}
		return true;
	}

	private void dispatch() {
		if (this.event != null || this.data != null) {
			if (this.events == null) {
				this.events = new ArrayList<>();
			}
			ServerSentEvent.Builder<String> event = ServerSentEvent.<String>builder()
				.data((this.dataLines != null) ? this.dataLines.toString() : this.data);
			if (this.event != null) {
				// Spring Framework 7 refuses a null name, 6.2 takes it as none
				event.event(this.event);
			}
			this.events.add(event.build());
		}
		this.event = null;
		this.data = null;
		this.dataLines = null;
		this.eventSize = 0;
	}

	private List<ServerSentEvent<String>> takeEvents() {
		List<ServerSentEvent<String>> events = this.events;
		this.events = null;
		return (events != null) ? events : Collections.emptyList();
	}

	/**
	 * Return the event a body ends with when no blank line follows it.
	 */
	private List<ServerSentEvent<String>> end() {
		if (this.carried > 0) {
			line(this.bytes, 0, this.carried);
			this.carried = 0;
		}
		dispatch();
		return takeEvents();
	}

}
