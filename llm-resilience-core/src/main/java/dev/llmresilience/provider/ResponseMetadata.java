package dev.llmresilience.provider;

import dev.llmresilience.RateLimitStatus;

import org.springframework.http.HttpHeaders;

/**
 * What the status line and headers of a response said.
 *
 * @param statusCode the HTTP status
 * @param headers the headers
 * @param requestId the provider's request id, or {@code null}
 * @param rateLimits the rate-limit headers
 */
public record ResponseMetadata(int statusCode, HttpHeaders headers, String requestId, RateLimitStatus rateLimits) {

}
