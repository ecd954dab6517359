package dev.llmresilience.provider.anthropic;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.provider.ProviderProtocol;

import org.springframework.http.HttpHeaders;

/**
 * The conventions of the Anthropic Messages API: the error envelope
 * {@code {"type":"error","error":{"type":...,"message":...}}}, the {@code request-id}
 * header and the {@code anthropic-ratelimit-*} headers, whose resets are RFC 3339
 * timestamps.
 */
final class AnthropicProtocol implements ProviderProtocol {

	// whole names, not joined on every answer
	private static final String REQUESTS_LIMIT = "anthropic-ratelimit-requests-limit";

	private static final String REQUESTS_REMAINING = "anthropic-ratelimit-requests-remaining";

	private static final String REQUESTS_RESET = "anthropic-ratelimit-requests-reset";

	private static final String TOKENS_LIMIT = "anthropic-ratelimit-tokens-limit";

	private static final String TOKENS_REMAINING = "anthropic-ratelimit-tokens-remaining";

	private static final String TOKENS_RESET = "anthropic-ratelimit-tokens-reset";

	@Override
	public ApiError readError(JsonNode body) {
		JsonNode error = body.path("error");
		if (!"error".equals(body.path("type").asText()) && !error.isObject()) {
			return null;
		}
		return new ApiError(textOrNull(error.path("type")), null, textOrNull(error.path("message")),
				textOrNull(body.path("request_id")));
	}

	private static String textOrNull(JsonNode node) {
		return node.isValueNode() ? node.asText() : null;
	}

	@Override
	public String requestId(HttpHeaders headers) {
		return headers.getFirst("request-id");
	}

	@Override
	public RateLimitStatus rateLimits(HttpHeaders headers, Clock clock) {
		return new RateLimitStatus(number(headers, REQUESTS_LIMIT), number(headers, REQUESTS_REMAINING),
				instant(headers, REQUESTS_RESET), number(headers, TOKENS_LIMIT), number(headers, TOKENS_REMAINING),
				instant(headers, TOKENS_RESET));
	}

	private static Long number(HttpHeaders headers, String name) {
		String value = headers.getFirst(name);
		if (value == null) {
			return null;
		}
		try {
			long number = Long.parseLong(value.trim());
			return (number >= 0) ? number : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static Instant instant(HttpHeaders headers, String name) {
		String value = headers.getFirst(name);
		if (value == null) {
			return null;
		}
		try {
			return OffsetDateTime.parse(value.trim()).toInstant();
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}
