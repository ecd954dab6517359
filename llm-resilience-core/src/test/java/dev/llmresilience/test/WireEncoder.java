package dev.llmresilience.test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The bodies and events of one {@link WireFormat}.
 */
interface WireEncoder {

	String message(String model, List<String> pieces, int inputTokens);

	List<String> streamStart(String model, int inputTokens);

	String streamDelta(String model, String text);

	List<String> streamEnd(String model, int inputTokens, int outputTokens);

	String errorBody(String type, String message);

	String event(String name, String data);

	String errorType(int status);

	String requestIdHeader();

	Map<String, String> rateLimitHeaders(String budget, long limit, long remaining, Duration reset, Instant now);

}
