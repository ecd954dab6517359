package dev.llmresilience.test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The bodies and events of one {@link WireFormat}.
 */
interface WireEncoder {

	String message(String model, AnswerContent answer, int inputTokens);

	/**
	 * Return the events before the first delta.
	 */
	List<String> streamStart(String model, AnswerContent answer, int inputTokens);

	/**
	 * Return one element per delta of the answer (a piece of reasoning, text or tool
	 * input), with the events that open its block in front of the first one.
	 */
	List<String> streamDeltas(String model, AnswerContent answer);

	/**
	 * Return the events after the last delta, the terminal event last.
	 */
	List<String> streamEnd(String model, AnswerContent answer, int inputTokens, int outputTokens);

	String errorBody(String type, String message);

	String event(String name, String data);

	String errorType(int status);

	String requestIdHeader();

	Map<String, String> rateLimitHeaders(String budget, long limit, long remaining, Duration reset, Instant now);

}
