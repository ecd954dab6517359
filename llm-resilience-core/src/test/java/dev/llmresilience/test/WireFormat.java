package dev.llmresilience.test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The two provider wire formats the {@link FakeProviderServer} speaks, with the bodies
 * and server-sent events of each as the providers document them: the Anthropic Messages
 * API ({@code POST /v1/messages}) and OpenAI Chat Completions
 * ({@code POST /chat/completions}, also under {@code /v1}). Tests that write a response
 * by hand (a mutated body, an error that echoes a key) start from these.
 */
public enum WireFormat {

	/** The Anthropic Messages API. */
	ANTHROPIC(new AnthropicEncoder()),

	/** OpenAI Chat Completions and the servers compatible with it. */
	OPENAI(new OpenAiEncoder());

	private final WireEncoder encoder;

	WireFormat(WireEncoder encoder) {
		this.encoder = encoder;
	}

	/**
	 * Return the format whose requests are posted to a path.
	 * @param path the request path, with or without a query
	 * @return the format, or {@code null} for a path of neither
	 */
	public static WireFormat forPath(String path) {
		int query = path.indexOf('?');
		String bare = (query >= 0) ? path.substring(0, query) : path;
		return switch (bare) {
			case "/v1/messages" -> ANTHROPIC;
			case "/chat/completions", "/v1/chat/completions" -> OPENAI;
			default -> null;
		};
	}

	/**
	 * Return a whole answer, as the body of a response that is not streamed.
	 * @param model the model name
	 * @param pieces the text, in the pieces a stream would send
	 * @param inputTokens the input tokens of its usage; the output tokens are the pieces
	 * @return the JSON body
	 */
	public String message(String model, List<String> pieces, int inputTokens) {
		return this.encoder.message(model, AnswerContent.text(pieces), inputTokens);
	}

	/**
	 * Return the events of a whole streamed answer, its terminal event last.
	 * @param model the model name
	 * @param pieces the text deltas
	 * @param inputTokens the input tokens of its usage; the output tokens are the pieces
	 * @return the events, each with the blank line that ends it
	 */
	public List<String> stream(String model, List<String> pieces, int inputTokens) {
		List<String> events = new ArrayList<>(streamStart(model, inputTokens));
		pieces.forEach((piece) -> events.add(streamDelta(model, piece)));
		events.addAll(streamEnd(model, inputTokens, pieces.size()));
		return events;
	}

	/**
	 * Return the events that open a stream, before its first text delta.
	 * @param model the model name
	 * @param inputTokens the input tokens of its usage
	 * @return the events
	 */
	public List<String> streamStart(String model, int inputTokens) {
		return this.encoder.streamStart(model, AnswerContent.text(List.of()), inputTokens);
	}

	/**
	 * Return the event of one text delta.
	 * @param model the model name
	 * @param text the text
	 * @return the event
	 */
	public String streamDelta(String model, String text) {
		return this.encoder.streamDeltas(model, AnswerContent.text(List.of(text))).get(0);
	}

	/**
	 * Return the events that end a stream after its last text delta, its terminal event
	 * ({@code message_stop}, {@code data: [DONE]}) last.
	 * @param model the model name
	 * @param inputTokens the input tokens of its usage
	 * @param outputTokens the output tokens of its usage
	 * @return the events
	 */
	public List<String> streamEnd(String model, int inputTokens, int outputTokens) {
		return this.encoder.streamEnd(model, AnswerContent.text(List.of()), inputTokens, outputTokens);
	}

	/**
	 * Return the encoder of the format, for the answers the fake sends.
	 */
	WireEncoder encoder() {
		return this.encoder;
	}

	/**
	 * Return the provider's error envelope, the body of an error response.
	 * @param type the error type, such as {@code overloaded_error}
	 * @param message the message
	 * @return the JSON body
	 */
	public String errorBody(String type, String message) {
		return this.encoder.errorBody(type, message);
	}

	/**
	 * Return an error as a stream sends it mid-way.
	 * @param type the error type
	 * @param message the message
	 * @return the event
	 */
	public String errorEvent(String type, String message) {
		return event("error", errorBody(type, message));
	}

	/**
	 * Return a server-sent event. OpenAI's events carry no name, so the name is left out
	 * there.
	 * @param name the event name
	 * @param data the data, on one line
	 * @return the event, with the blank line that ends it
	 */
	public String event(String name, String data) {
		return this.encoder.event(name, data);
	}

	/**
	 * Return the error type the provider sends with a status.
	 * @param status the HTTP status
	 * @return the type, such as {@code rate_limit_error}
	 */
	public String errorType(int status) {
		return this.encoder.errorType(status);
	}

	/**
	 * Return the name of the header that carries the provider's request id.
	 * @return the header name
	 */
	public String requestIdHeader() {
		return this.encoder.requestIdHeader();
	}

	/**
	 * Return the provider's rate-limit headers for one kind of budget.
	 * @param budget {@code requests} or {@code tokens}
	 * @param limit the budget's size
	 * @param remaining what is left of it
	 * @param reset the time until it is whole again
	 * @param now the time of the response
	 * @return the headers by name
	 */
	public Map<String, String> rateLimitHeaders(String budget, long limit, long remaining, Duration reset,
			Instant now) {
		return this.encoder.rateLimitHeaders(budget, limit, remaining, reset, now);
	}

}
