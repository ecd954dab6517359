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

	private static final String RATE_LIMIT_PREFIX = "anthropic-ratelimit-";

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
		return new RateLimitStatus(number(headers, "requests-limit"), number(headers, "requests-remaining"),
				instant(headers, "requests-reset"), number(headers, "tokens-limit"),
				number(headers, "tokens-remaining"), instant(headers, "tokens-reset"));
	}

	private static Long number(HttpHeaders headers, String name) {
		String value = headers.getFirst(RATE_LIMIT_PREFIX + name);
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
		String value = headers.getFirst(RATE_LIMIT_PREFIX + name);
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
