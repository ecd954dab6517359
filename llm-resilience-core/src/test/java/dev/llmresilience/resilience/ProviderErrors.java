package dev.llmresilience.resilience;

import java.io.IOException;
import java.time.Duration;

import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmAuthenticationException;
import dev.llmresilience.error.LlmConflictException;
import dev.llmresilience.error.LlmConnectionException;
import dev.llmresilience.error.LlmInvalidRequestException;
import dev.llmresilience.error.LlmInvalidResponseException;
import dev.llmresilience.error.LlmModelNotFoundException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmPermissionException;
import dev.llmresilience.error.LlmQuotaExceededException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.error.LlmRequestTooLargeException;
import dev.llmresilience.error.LlmServerException;
import dev.llmresilience.error.LlmTimeoutException;

/**
 * The typed errors a provider raises, as its error mapping builds them, for scripting
 * failures.
 */
final class ProviderErrors {

	private static final String PROVIDER = "anthropic";

	private static final String MODEL = "primary";

	private ProviderErrors() {
	}

	static LlmApiException.Details details(int status, String type, String message) {
		return details(status, type, message, null, null);
	}

	static LlmApiException.Details details(int status, String type, String message, Duration retryAfter,
			Boolean shouldRetry) {
		return new LlmApiException.Details(status, type, null, message, "req_1", retryAfter, shouldRetry, null);
	}

	static LlmOverloadedException overloaded() {
		return overloaded(null);
	}

	static LlmOverloadedException overloaded(Duration retryAfter) {
		return new LlmOverloadedException(PROVIDER, MODEL,
				details(529, "overloaded_error", "Overloaded", retryAfter, null));
	}

	static LlmServerException server(int status) {
		return new LlmServerException(PROVIDER, MODEL, details(status, "api_error", "Internal server error"));
	}

	static LlmRateLimitException rateLimited(Duration retryAfter) {
		return new LlmRateLimitException(PROVIDER, MODEL,
				details(429, "rate_limit_error", "Number of requests has exceeded your rate limit", retryAfter, null));
	}

	static LlmRateLimitException spendLimit() {
		return new LlmRateLimitException(PROVIDER, MODEL,
				details(429, "rate_limit_error", "You have reached your monthly spend limit"));
	}

	static LlmQuotaExceededException quota() {
		return new LlmQuotaExceededException(PROVIDER, MODEL,
				details(429, "insufficient_quota", "You exceeded your current quota"));
	}

	static LlmInvalidRequestException invalidRequest() {
		return new LlmInvalidRequestException(PROVIDER, MODEL,
				details(400, "invalid_request_error", "messages: field required"));
	}

	static LlmAuthenticationException authentication() {
		return new LlmAuthenticationException(PROVIDER, MODEL,
				details(401, "authentication_error", "invalid x-api-key"));
	}

	static LlmPermissionException permission() {
		return new LlmPermissionException(PROVIDER, MODEL,
				details(403, "permission_error", "Your API key does not have permission"));
	}

	static LlmModelNotFoundException notFound() {
		return new LlmModelNotFoundException(PROVIDER, MODEL, details(404, "not_found_error", "model: primary"));
	}

	static LlmConflictException conflict() {
		return new LlmConflictException(PROVIDER, MODEL, details(409, "conflict", "Conflict"));
	}

	static LlmRequestTooLargeException tooLarge() {
		return new LlmRequestTooLargeException(PROVIDER, MODEL,
				details(413, "request_too_large", "Request exceeds the maximum size"));
	}

	static LlmTimeoutException timeout(LlmTimeoutException.Phase phase) {
		return (phase != LlmTimeoutException.Phase.DEADLINE)
				? new LlmTimeoutException(PROVIDER, MODEL, phase, Duration.ofSeconds(10), null)
				: LlmTimeoutException.deadline(Duration.ofSeconds(10));
	}

	static LlmConnectionException connection() {
		return new LlmConnectionException(PROVIDER, MODEL, new IOException("Connection reset by peer"));
	}

	static LlmInvalidResponseException invalidResponse() {
		return new LlmInvalidResponseException(PROVIDER, MODEL, "the stream ended without message_stop", null);
	}

}
