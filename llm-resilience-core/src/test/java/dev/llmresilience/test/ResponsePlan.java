package dev.llmresilience.test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the {@link FakeProviderServer} sends for one {@link FakeReply}: after a wait, a
 * status, headers and the parts of a body, each after a pause, then an ending.
 *
 * @param delay the time before anything is sent
 * @param held whether the response waits, after that, until the held replies are released
 * @param status the HTTP status, {@code 0} if no status line is ever sent
 * @param headers the headers
 * @param parts the parts of the body, in order
 * @param contentLength the {@code content-length} to send, {@code -1} for a chunked body
 * @param ending what happens after the last part
 */
record ResponsePlan(Duration delay, boolean held, int status, Map<String, String> headers, List<Part> parts,
		long contentLength, Ending ending) {

	ResponsePlan {
		headers = Map.copyOf(headers);
		parts = List.copyOf(parts);
	}

	/**
	 * A whole body under its exact {@code content-length}.
	 */
	static ResponsePlan whole(Duration delay, boolean held, int status, Map<String, String> headers, byte[] body) {
		return new ResponsePlan(delay, held, status, headers, List.of(new Part(body, Duration.ZERO)), body.length,
				Ending.COMPLETE);
	}

	/**
	 * Return this plan with more headers, which replace those of the same name.
	 */
	ResponsePlan withHeaders(Map<String, String> more) {
		if (more.isEmpty()) {
			return this;
		}
		Map<String, String> all = new LinkedHashMap<>(this.headers);
		all.putAll(more);
		return new ResponsePlan(this.delay, this.held, this.status, all, this.parts, this.contentLength, this.ending);
	}

	/**
	 * Return this plan with a wait between the headers and the first part of the body.
	 */
	ResponsePlan withBodyAfter(Duration wait) {
		if (wait.isZero() || this.parts.isEmpty()) {
			return this;
		}
		List<Part> parts = new ArrayList<>(this.parts);
		parts.set(0, new Part(parts.get(0).bytes(), parts.get(0).pause().plus(wait)));
		return new ResponsePlan(this.delay, this.held, this.status, this.headers, parts, this.contentLength,
				this.ending);
	}

	/**
	 * Return this plan cut off after a share of its body's bytes, at least one byte sent
	 * and one missing if there are two, then a closed connection; a
	 * {@code content-length} still promises the whole body.
	 */
	ResponsePlan cutOff(double share) {
		if (this.ending == Ending.RESET || this.ending == Ending.HANG) {
			return this;
		}
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		this.parts.forEach((part) -> body.writeBytes(part.bytes()));
		byte[] whole = body.toByteArray();
		int sent = Math.max(Math.min(1, whole.length), Math.min(whole.length - 1, (int) (whole.length * share)));
		return new ResponsePlan(this.delay, this.held, this.status, this.headers,
				List.of(new Part(Arrays.copyOf(whole, sent), Duration.ZERO)), this.contentLength, Ending.CLOSE);
	}

	/**
	 * What happens after the last part.
	 */
	enum Ending {

		/** The response ends properly. */
		COMPLETE,

		/** The connection is closed, whatever the response still owes. */
		CLOSE,

		/** Nothing more is sent, until the client closes the connection. */
		STALL,

		/** Nothing is sent at all: the connection is reset. */
		RESET,

		/** Nothing is sent at all, ever. */
		HANG

	}

	/**
	 * One part of a body.
	 *
	 * @param bytes the bytes
	 * @param pause the time before it is sent
	 */
	record Part(byte[] bytes, Duration pause) {

	}

}
