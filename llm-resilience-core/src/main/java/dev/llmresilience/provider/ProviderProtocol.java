package dev.llmresilience.provider;

import java.time.Clock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmresilience.RateLimitStatus;

import org.springframework.http.HttpHeaders;

/**
 * The conventions of one provider's wire format that {@link ProviderErrorMapper} needs to
 * read any of its responses: where the error object sits, which header carries the
 * request id, and how the rate-limit headers are spelled.
 */
public interface ProviderProtocol {

	/**
	 * Read the error object of a JSON body.
	 * @param body a response body or stream event
	 * @return the error, or {@code null} if the body is not an error object
	 */
	ApiError readError(JsonNode body);

	/**
	 * Return the provider's request id.
	 * @param headers the response headers
	 * @return the request id, or {@code null}
	 */
	String requestId(HttpHeaders headers);

	/**
	 * Read the rate-limit headers.
	 * @param headers the response headers
	 * @param clock the clock that relative reset times are measured against
	 * @return the status, {@link RateLimitStatus#NONE} if there are none
	 */
	RateLimitStatus rateLimits(HttpHeaders headers, Clock clock);

	/**
	 * An error object as a provider sent it.
	 *
	 * @param type the error type, or {@code null}
	 * @param code the error code, or {@code null}
	 * @param message the message, or {@code null}
	 * @param requestId the request id the body carries, or {@code null}
	 */
	record ApiError(String type, String code, String message, String requestId) {

		/**
		 * Create an error whose body carries no request id.
		 * @param type the error type, or {@code null}
		 * @param code the error code, or {@code null}
		 * @param message the message, or {@code null}
		 */
		public ApiError(String type, String code, String message) {
			this(type, code, message, null);
		}

	}

}
