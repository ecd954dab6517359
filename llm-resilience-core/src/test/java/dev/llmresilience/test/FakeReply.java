package dev.llmresilience.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.llmresilience.test.ResponsePlan.Ending;
import dev.llmresilience.test.ResponsePlan.Part;

import org.springframework.util.Assert;

/**
 * How the {@link FakeProviderServer} answers one request: properly, with an error, or in
 * one of the ways a response goes wrong on the wire. A reply is written in the
 * {@link WireFormat} of the path the request came to, as JSON or as a stream as the
 * request asks; its text, usage and pacing come from the model's {@link ModelScript}. A
 * proper answer may also reason ({@link #withThinking}) and call tools
 * ({@link #toolCall}), streamed as each provider streams them; the deltas that faults
 * count are then its pieces of reasoning, text and tool input, in that order. Immutable:
 * each modifier returns a copy.
 */
public final class FakeReply {

	private static final String JSON = "application/json";

	private static final String EVENT_STREAM = "text/event-stream";

	private static final String FAKE_MODEL = "fake-model";

	private final Kind kind;

	private int status = 200;

	private String errorType;

	private String errorMessage;

	private List<String> pieces;

	private AnswerContent.Thinking thinking;

	private List<AnswerContent.ToolCall> toolCalls = List.of();

	private String contentType;

	private byte[] body;

	private List<Integer> chunkSizes = List.of();

	private StreamEnd streamEnd = StreamEnd.COMPLETE;

	private int deltas = -1;

	private double cutOffShare = -1;

	private Map<String, String> headers = Map.of();

	private List<RateLimit> rateLimits = List.of();

	private Duration delay = Duration.ZERO;

	private Duration bodyDelay = Duration.ZERO;

	private boolean held;

	private FakeReply(Kind kind) {
		this.kind = kind;
	}

	private FakeReply copy() {
		FakeReply copy = new FakeReply(this.kind);
		copy.status = this.status;
		copy.errorType = this.errorType;
		copy.errorMessage = this.errorMessage;
		copy.pieces = this.pieces;
		copy.thinking = this.thinking;
		copy.toolCalls = this.toolCalls;
		copy.contentType = this.contentType;
		copy.body = this.body;
		copy.chunkSizes = this.chunkSizes;
		copy.streamEnd = this.streamEnd;
		copy.deltas = this.deltas;
		copy.cutOffShare = this.cutOffShare;
		copy.headers = this.headers;
		copy.rateLimits = this.rateLimits;
		copy.delay = this.delay;
		copy.bodyDelay = this.bodyDelay;
		copy.held = this.held;
		return copy;
	}

	/**
	 * A proper answer: the model's text, with usage, as JSON or as a whole stream.
	 * @return the reply
	 */
	public static FakeReply answer() {
		return new FakeReply(Kind.ANSWER);
	}

	/**
	 * A proper answer with these pieces of text rather than the model's.
	 * @param pieces the text deltas of a stream, joined in a whole answer
	 * @return the reply
	 */
	public static FakeReply answer(String... pieces) {
		FakeReply reply = answer();
		reply.pieces = List.of(pieces);
		return reply;
	}

	/**
	 * A proper answer that calls a tool, without text: a {@code tool_use} block (streamed
	 * as {@code input_json_delta} pieces) with the stop reason {@code tool_use}, or a
	 * {@code tool_calls} entry (streamed as argument pieces) with the finish reason
	 * {@code tool_calls}. Add more calls with {@link #andToolCall}.
	 * @param id the call's id
	 * @param name the tool's name
	 * @param inputJson the input, a JSON object
	 * @return the reply
	 */
	public static FakeReply toolCall(String id, String name, String inputJson) {
		FakeReply reply = answer();
		reply.pieces = List.of();
		return reply.andToolCall(id, name, inputJson);
	}

	/**
	 * An error status with the provider's error body, its type the one the provider sends
	 * with the status ({@code 429}: {@code rate_limit_error} or
	 * {@code rate_limit_exceeded}, {@code 529}: {@code overloaded_error}...).
	 * @param status the HTTP status
	 * @return the reply
	 */
	public static FakeReply error(int status) {
		return error(status, null, null);
	}

	/**
	 * A status with the provider's error body; with status 200, a success that carries an
	 * error.
	 * @param status the HTTP status
	 * @param type the error type, or {@code null} for the provider's type for the status
	 * @param message the message, or {@code null} for a short one naming the status
	 * @return the reply
	 */
	public static FakeReply error(int status, String type, String message) {
		FakeReply reply = new FakeReply(Kind.ERROR);
		reply.status = status;
		reply.errorType = type;
		reply.errorMessage = message;
		return reply;
	}

	/**
	 * Status 200 with an error as its body, as providers and proxies sometimes send.
	 * @param type the error type
	 * @param message the message
	 * @return the reply
	 */
	public static FakeReply okWithErrorBody(String type, String message) {
		return error(200, type, message);
	}

	/**
	 * A JSON body written by the test, sent as it is.
	 * @param status the HTTP status
	 * @param body the JSON text
	 * @return the reply
	 */
	public static FakeReply json(int status, String body) {
		return raw(status, JSON, body.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Any body, sent as it is with its exact {@code content-length}.
	 * @param status the HTTP status
	 * @param contentType the content type, or {@code null} for none
	 * @param body the body
	 * @return the reply
	 */
	public static FakeReply raw(int status, String contentType, byte[] body) {
		FakeReply reply = new FakeReply(Kind.RAW);
		reply.status = status;
		reply.contentType = contentType;
		reply.body = body.clone();
		return reply;
	}

	/**
	 * No response at all: the connection is reset (an RST, not a FIN).
	 * @return the reply
	 */
	public static FakeReply reset() {
		return new FakeReply(Kind.RESET);
	}

	/**
	 * No response ever, not even a status line, until the client gives up and closes the
	 * connection.
	 * @return the reply
	 */
	public static FakeReply hang() {
		return new FakeReply(Kind.HANG);
	}

	/**
	 * The model's answer, cut off after a share of its bytes, then a closed connection: a
	 * JSON body under a {@code content-length} that promises all of it, a stream
	 * mid-event perhaps. At least one byte is sent and at least one is missing.
	 * @param share the share of the bytes sent, from 0 to 1
	 * @return the reply
	 */
	public static FakeReply cutOffBody(double share) {
		return answer().cutOffAfter(share);
	}

	/**
	 * A stream that opens and sends some text deltas, then breaks off with an
	 * {@code error} event. A request that is not streamed gets the error as an error
	 * status instead.
	 * @param deltas the text deltas before the error, at most all of them
	 * @param type the error type, such as {@code overloaded_error}
	 * @param message the message
	 * @return the reply
	 */
	public static FakeReply streamError(int deltas, String type, String message) {
		FakeReply reply = streamEnding(StreamEnd.ERROR_EVENT, deltas);
		reply.errorType = type;
		reply.errorMessage = message;
		return reply;
	}

	/**
	 * A stream that opens and sends some text deltas, then nothing more, its connection
	 * left open, until the client's idle timeout ends it. A request that is not streamed
	 * gets no answer at all, as with {@link #hang()}.
	 * @param deltas the text deltas sent, at most all of them
	 * @return the reply
	 */
	public static FakeReply stalledStream(int deltas) {
		return streamEnding(StreamEnd.STALL, deltas);
	}

	/**
	 * A stream that opens and sends some text deltas, then closes the connection without
	 * ending the chunked body. A request that is not streamed gets half its body, cut
	 * off.
	 * @param deltas the text deltas sent, at most all of them
	 * @return the reply
	 */
	public static FakeReply cutOffStream(int deltas) {
		return streamEnding(StreamEnd.CUT_OFF, deltas);
	}

	/**
	 * A stream that opens and sends some text deltas, then ends its body properly but
	 * without the events that end a stream ({@code message_stop}, {@code data: [DONE]}).
	 * A request that is not streamed gets half its body, cut off.
	 * @param deltas the text deltas sent, at most all of them
	 * @return the reply
	 */
	public static FakeReply unterminatedStream(int deltas) {
		return streamEnding(StreamEnd.UNTERMINATED, deltas);
	}

	private static FakeReply streamEnding(StreamEnd end, int deltas) {
		Assert.isTrue(deltas >= 0, "deltas must not be negative");
		FakeReply reply = answer();
		reply.streamEnd = end;
		reply.deltas = deltas;
		return reply;
	}

	/**
	 * Call a tool after what this answer says and calls already; with calls, the answer
	 * stops for them ({@code tool_use}, {@code tool_calls}). An {@link #answer()} with a
	 * call says the model's text first.
	 * @param id the call's id
	 * @param name the tool's name
	 * @param inputJson the input, a JSON object; streamed in a few pieces
	 * @return a copy of this reply
	 */
	public FakeReply andToolCall(String id, String name, String inputJson) {
		Assert.isTrue(this.kind == Kind.ANSWER, "Only an answer calls tools");
		FakeReply copy = copy();
		List<AnswerContent.ToolCall> calls = new ArrayList<>(this.toolCalls);
		calls.add(AnswerContent.ToolCall.of(id, name, inputJson));
		copy.toolCalls = List.copyOf(calls);
		return copy;
	}

	/**
	 * Reason before answering: an Anthropic {@code thinking} block with its signature
	 * (streamed as {@code thinking_delta}s and a {@code signature_delta}), or OpenAI's
	 * {@code reasoning_content}, which has no signature.
	 * @param text the reasoning
	 * @param signature the signature of an Anthropic answer
	 * @return a copy of this reply
	 */
	public FakeReply withThinking(String text, String signature) {
		Assert.isTrue(this.kind == Kind.ANSWER, "Only an answer reasons");
		FakeReply copy = copy();
		copy.thinking = AnswerContent.Thinking.of(text, signature);
		return copy;
	}

	/**
	 * Send the body in chunks of these sizes, used in turn, with chunked transfer
	 * encoding, so that a client reads it in pieces that split lines and characters.
	 * @param sizes the sizes of the chunks
	 * @return a copy of this reply
	 */
	public FakeReply inChunks(List<Integer> sizes) {
		Assert.isTrue(!sizes.isEmpty() && sizes.stream().allMatch((size) -> size > 0), "sizes must be positive");
		FakeReply copy = copy();
		copy.chunkSizes = List.copyOf(sizes);
		return copy;
	}

	/**
	 * Cut the body off after a share of its bytes, then close the connection.
	 * @param share the share of the bytes sent, from 0 to 1
	 * @return a copy of this reply
	 * @see #cutOffBody(double)
	 */
	public FakeReply cutOffAfter(double share) {
		Assert.isTrue(share >= 0 && share <= 1, "share must be from 0 to 1");
		FakeReply copy = copy();
		copy.cutOffShare = share;
		return copy;
	}

	/**
	 * Add a header, or replace one the server would send.
	 * @param name the name
	 * @param value the value
	 * @return a copy of this reply
	 */
	public FakeReply header(String name, String value) {
		return headers(Map.of(name, value));
	}

	/**
	 * Add headers, or replace some the server would send.
	 * @param headers the headers by name
	 * @return a copy of this reply
	 */
	public FakeReply headers(Map<String, String> headers) {
		FakeReply copy = copy();
		Map<String, String> all = new LinkedHashMap<>(this.headers);
		all.putAll(headers);
		copy.headers = all;
		return copy;
	}

	/**
	 * Ask for a wait in whole seconds with {@code retry-after}.
	 * @param wait the wait, rounded up to whole seconds
	 * @return a copy of this reply
	 */
	public FakeReply retryAfter(Duration wait) {
		long seconds = wait.plusNanos(999_999_999).getSeconds();
		return header("retry-after", Long.toString(seconds));
	}

	/**
	 * Ask for a wait in milliseconds with {@code retry-after-ms}.
	 * @param millis the wait
	 * @return a copy of this reply
	 */
	public FakeReply retryAfterMs(long millis) {
		return header("retry-after-ms", Long.toString(millis));
	}

	/**
	 * Tell the client whether to retry with {@code x-should-retry}.
	 * @param shouldRetry the value
	 * @return a copy of this reply
	 */
	public FakeReply shouldRetry(boolean shouldRetry) {
		return header("x-should-retry", Boolean.toString(shouldRetry));
	}

	/**
	 * Send the provider's rate-limit headers for its request budget
	 * ({@code anthropic-ratelimit-requests-*}, {@code x-ratelimit-*-requests}).
	 * @param limit the budget's size
	 * @param remaining what is left of it
	 * @param reset the time until it is whole again
	 * @return a copy of this reply
	 */
	public FakeReply requestLimit(long limit, long remaining, Duration reset) {
		return rateLimit(new RateLimit("requests", limit, remaining, reset));
	}

	/**
	 * Send the provider's rate-limit headers for its token budget
	 * ({@code anthropic-ratelimit-tokens-*}, {@code x-ratelimit-*-tokens}).
	 * @param limit the budget's size
	 * @param remaining what is left of it
	 * @param reset the time until it is whole again
	 * @return a copy of this reply
	 */
	public FakeReply tokenLimit(long limit, long remaining, Duration reset) {
		return rateLimit(new RateLimit("tokens", limit, remaining, reset));
	}

	private FakeReply rateLimit(RateLimit rateLimit) {
		FakeReply copy = copy();
		List<RateLimit> all = new ArrayList<>(this.rateLimits);
		all.add(rateLimit);
		copy.rateLimits = List.copyOf(all);
		return copy;
	}

	/**
	 * Send nothing for a while first, not even the status line; the model's latency adds
	 * to it.
	 * @param delay the delay
	 * @return a copy of this reply
	 */
	public FakeReply after(Duration delay) {
		FakeReply copy = copy();
		copy.delay = delay;
		return copy;
	}

	/**
	 * Send the status line and the headers at once, and the body, a stream's first event,
	 * only after a while: a slow first byte that prompt headers do not hide.
	 * @param delay the wait between the headers and the body
	 * @return a copy of this reply
	 */
	public FakeReply bodyAfter(Duration delay) {
		FakeReply copy = copy();
		copy.bodyDelay = delay;
		return copy;
	}

	/**
	 * Hold the reply, after its delay, until {@link FakeProviderServer#releaseHeld()} is
	 * called after the request came.
	 * @return a copy of this reply
	 */
	public FakeReply held() {
		FakeReply copy = copy();
		copy.held = true;
		return copy;
	}

	/**
	 * Plan the response to a request.
	 */
	ResponsePlan plan(ReceivedRequest request, ModelScript script, Instant now) {
		WireFormat format = (request.wireFormat() != null) ? request.wireFormat() : WireFormat.ANTHROPIC;
		Duration delay = script.latency().plus(this.delay);
		if (this.kind == Kind.RESET || this.kind == Kind.HANG
				|| (this.kind == Kind.ANSWER && this.streamEnd == StreamEnd.STALL && !request.stream())) {
			return new ResponsePlan(delay, this.held, 0, Map.of(), List.of(), -1,
					(this.kind == Kind.RESET) ? Ending.RESET : Ending.HANG);
		}
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put(format.requestIdHeader(), "req_fake_" + request.number());
		ResponsePlan plan = switch (this.kind) {
			case RAW -> raw(delay, headers);
			case ERROR -> error(delay, headers, format, this.status, this.errorType, this.errorMessage);
			default -> request.stream() ? stream(delay, headers, format, request, script)
					: whole(delay, headers, format, request, script);
		};
		Map<String, String> added = new LinkedHashMap<>();
		this.rateLimits.forEach((limit) -> added
			.putAll(format.rateLimitHeaders(limit.budget(), limit.limit(), limit.remaining(), limit.reset(), now)));
		added.putAll(this.headers);
		plan = plan.withHeaders(added);
		plan = (this.cutOffShare >= 0) ? plan.cutOff(this.cutOffShare) : plan;
		return plan.withBodyAfter(this.bodyDelay);
	}

	private ResponsePlan raw(Duration delay, Map<String, String> headers) {
		if (this.contentType != null) {
			headers.put("content-type", this.contentType);
		}
		if (this.chunkSizes.isEmpty()) {
			return ResponsePlan.whole(delay, this.held, this.status, headers, this.body);
		}
		List<Part> parts = new ArrayList<>();
		for (int from = 0, i = 0; from < this.body.length; i++) {
			int to = Math.min(this.body.length, from + this.chunkSizes.get(i % this.chunkSizes.size()));
			parts.add(new Part(Arrays.copyOfRange(this.body, from, to), Duration.ZERO));
			from = to;
		}
		return new ResponsePlan(delay, this.held, this.status, headers, parts, -1, Ending.COMPLETE);
	}

	private ResponsePlan error(Duration delay, Map<String, String> headers, WireFormat format, int status, String type,
			String message) {
		headers.put("content-type", JSON);
		String body = format.errorBody((type != null) ? type : format.errorType(status),
				(message != null) ? message : message(status));
		return ResponsePlan.whole(delay, this.held, status, headers, bytes(body));
	}

	private ResponsePlan whole(Duration delay, Map<String, String> headers, WireFormat format, ReceivedRequest request,
			ModelScript script) {
		if (this.streamEnd == StreamEnd.ERROR_EVENT) {
			return error(delay, headers, format, statusOf(this.errorType), this.errorType, this.errorMessage);
		}
		headers.put("content-type", JSON);
		ResponsePlan plan = ResponsePlan.whole(delay, this.held, 200, headers, encoded(format, request, script).json());
		return (this.streamEnd == StreamEnd.COMPLETE) ? plan : plan.cutOff(0.5);
	}

	private ResponsePlan stream(Duration delay, Map<String, String> headers, WireFormat format, ReceivedRequest request,
			ModelScript script) {
		headers.put("content-type", EVENT_STREAM);
		headers.put("cache-control", "no-cache");
		EncodedAnswer answer = encoded(format, request, script);
		int deltas = (this.streamEnd == StreamEnd.COMPLETE) ? answer.deltas().size()
				: Math.min(this.deltas, answer.deltas().size());
		List<Part> parts = new ArrayList<>(deltas + 2);
		parts.add(new Part(answer.streamStart(), Duration.ZERO));
		for (int i = 0; i < deltas; i++) {
			parts.add(new Part(answer.deltas().get(i), (i > 0) ? script.chunkInterval() : Duration.ZERO));
		}
		Ending ending = switch (this.streamEnd) {
			case STALL -> Ending.STALL;
			case CUT_OFF -> Ending.CLOSE;
			default -> Ending.COMPLETE;
		};
		if (this.streamEnd == StreamEnd.COMPLETE) {
			parts.add(new Part(answer.streamEnd(), Duration.ZERO));
		}
		else if (this.streamEnd == StreamEnd.ERROR_EVENT) {
			parts.add(new Part(bytes(format.errorEvent(this.errorType, this.errorMessage)), Duration.ZERO));
		}
		return new ResponsePlan(delay, this.held, 200, headers, parts, -1, ending);
	}

	private EncodedAnswer encoded(WireFormat format, ReceivedRequest request, ModelScript script) {
		String model = request.model().isEmpty() ? FAKE_MODEL : request.model();
		List<String> pieces = (this.pieces != null) ? this.pieces : script.piecesFor(request);
		return EncodedAnswer.of(format, model, new AnswerContent(pieces, this.thinking, this.toolCalls),
				script.inputTokens());
	}

	private static int statusOf(String errorType) {
		return switch (String.valueOf(errorType)) {
			case "overloaded_error" -> 529;
			case "rate_limit_error", "rate_limit_exceeded" -> 429;
			default -> 500;
		};
	}

	private static String message(int status) {
		return switch (status) {
			case 400 -> "Invalid request";
			case 401 -> "Invalid API key";
			case 403 -> "Permission denied";
			case 404 -> "Not found";
			case 413 -> "Request too large";
			case 429 -> "Number of requests has exceeded your rate limit";
			case 500 -> "Internal server error";
			case 503 -> "Service unavailable";
			case 529 -> "Overloaded";
			default -> "Fake error " + status;
		};
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		return "FakeReply{" + this.kind + ((this.kind == Kind.ERROR || this.kind == Kind.RAW) ? " " + this.status : "")
				+ ((this.thinking != null) ? " thinking" : "")
				+ (this.toolCalls.isEmpty() ? ""
						: " calling " + this.toolCalls.stream().map(AnswerContent.ToolCall::name).toList())
				+ ((this.streamEnd != StreamEnd.COMPLETE) ? " " + this.streamEnd + " after " + this.deltas : "")
				+ ((this.cutOffShare >= 0) ? " cut off at " + this.cutOffShare : "")
				+ (this.delay.isZero() ? "" : " after " + this.delay)
				+ (this.bodyDelay.isZero() ? "" : " body after " + this.bodyDelay) + (this.held ? " held" : "") + "}";
	}

	private enum Kind {

		ANSWER, ERROR, RAW, RESET, HANG

	}

	private enum StreamEnd {

		COMPLETE, ERROR_EVENT, STALL, CUT_OFF, UNTERMINATED

	}

	private record RateLimit(String budget, long limit, long remaining, Duration reset) {

	}

}
