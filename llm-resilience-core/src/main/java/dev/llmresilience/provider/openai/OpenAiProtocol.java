package dev.llmresilience.provider.openai;

import java.time.Clock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.provider.ProviderProtocol;

import org.springframework.http.HttpHeaders;

/**
 * The conventions of OpenAI-compatible Chat Completions APIs: the error envelope
 * {@code {"error":{"message":...,"type":...,"param":...,"code":...}}}, the
 * {@code x-request-id} header and the {@code x-ratelimit-*} headers.
 * <p>
 * Compatible servers vary the envelope, so two other shapes are read as errors as well:
 * an {@code error} that is a plain string, and a top-level object marked
 * {@code "object":"error"}.
 */
final class OpenAiProtocol implements ProviderProtocol {

	@Override
	public ApiError readError(JsonNode body) {
		JsonNode error = body.path("error");
		if (error.isObject()) {
			return fields(error);
		}
		if (error.isTextual()) {
			return new ApiError(null, null, error.textValue());
		}
		if ("error".equals(body.path("object").textValue())) {
			return fields(body);
		}
		return null;
	}

	private static ApiError fields(JsonNode error) {
		// code is a string at OpenAI, a number at some compatible servers, often null
		return new ApiError(textOrNull(error.path("type")), textOrNull(error.path("code")),
				textOrNull(error.path("message")));
	}

	private static String textOrNull(JsonNode node) {
		return (node.isValueNode() && !node.isNull()) ? node.asText() : null;
	}

	@Override
	public String requestId(HttpHeaders headers) {
		return headers.getFirst("x-request-id");
	}

	@Override
	public RateLimitStatus rateLimits(HttpHeaders headers, Clock clock) {
		return OpenAiRateLimits.from(headers, clock);
	}

}
