package dev.llmresilience.error;

import java.time.Duration;

import dev.llmresilience.RateLimitStatus;

/**
 * The provider answered with an error: an HTTP error status, a 200 whose body is an error
 * object, or an error event inside a stream. Subclasses name the documented kinds; an
 * error of no known kind is an instance of this class itself.
 * <p>
 * One kind can also be found on this side, before anything is sent: an
 * {@link LlmInvalidRequestException} for a request that cannot be written as JSON. Such
 * an exception has the status code 0 and nothing else from a provider.
 */
public class LlmApiException extends LlmException {

	private final Details details;

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param details what the provider said
	 */
	public LlmApiException(String provider, String model, Details details) {
		this(describe(provider, model, details), provider, model, details);
	}

	/**
	 * Create a new instance with a message of its own.
	 * @param message the detail message, without API keys or prompt text
	 * @param provider the provider id
	 * @param model the model id
	 * @param details what the provider said
	 */
	protected LlmApiException(String message, String provider, String model, Details details) {
		super(message, provider, model, null);
		this.details = details;
	}

	private static String describe(String provider, String model, Details details) {
		StringBuilder message = new StringBuilder();
		message.append("Provider '").append(provider).append("' failed for model '").append(model).append("': ");
		message.append((details.statusCode() > 0) ? "HTTP " + details.statusCode() : "error");
		if (details.type() != null) {
			message.append(' ').append(details.type());
		}
		if (details.message() != null) {
			message.append(": ").append(details.message());
		}
		if (details.requestId() != null) {
			message.append(" (request id ").append(details.requestId()).append(')');
		}
		return message.toString();
	}

	/**
	 * Return the HTTP status of the response, 200 for an error inside a successful
	 * response or a stream, 0 for a request that was never sent.
	 * @return the status code
	 */
	public int getStatusCode() {
		return this.details.statusCode();
	}

	/**
	 * Return the provider's error type, such as {@code overloaded_error} or
	 * {@code insufficient_quota}.
	 * @return the error type, or {@code null}
	 */
	public String getErrorType() {
		return this.details.type();
	}

	/**
	 * Return the provider's error code, where it sends one apart from the type (OpenAI's
	 * {@code code}).
	 * @return the error code, or {@code null}
	 */
	public String getErrorCode() {
		return this.details.code();
	}

	/**
	 * Return the message the provider sent, size-bounded and scrubbed of the API key.
	 * @return the provider's message, or {@code null}
	 */
	public String getProviderMessage() {
		return this.details.message();
	}

	/**
	 * Return the provider's request id.
	 * @return the request id, or {@code null}
	 */
	public String getRequestId() {
		return this.details.requestId();
	}

	/**
	 * Return how long the provider asked the caller to wait ({@code retry-after-ms} or
	 * {@code retry-after}).
	 * @return the wait, or {@code null} if none was given
	 */
	public Duration getRetryAfter() {
		return this.details.retryAfter();
	}

	/**
	 * Return the provider's {@code x-should-retry} verdict.
	 * @return {@code TRUE} or {@code FALSE}, or {@code null} if the header was absent
	 */
	public Boolean getShouldRetry() {
		return this.details.shouldRetry();
	}

	/**
	 * Return what the provider's rate-limit headers said.
	 * @return the rate-limit status, never {@code null}
	 */
	public RateLimitStatus getRateLimits() {
		return this.details.rateLimits();
	}

	/**
	 * What a provider said about an error.
	 *
	 * @param statusCode the HTTP status, 0 if the request was never sent
	 * @param type the provider's error type, or {@code null}
	 * @param code the provider's error code, or {@code null}
	 * @param message the provider's message, size-bounded and scrubbed of the API key, or
	 * {@code null}
	 * @param requestId the provider's request id, or {@code null}
	 * @param retryAfter the wait the provider asked for, or {@code null}
	 * @param shouldRetry the {@code x-should-retry} verdict, or {@code null}
	 * @param rateLimits the rate-limit headers
	 */
	public record Details(int statusCode, String type, String code, String message, String requestId,
			Duration retryAfter, Boolean shouldRetry, RateLimitStatus rateLimits) {

		public Details {
			rateLimits = (rateLimits != null) ? rateLimits : RateLimitStatus.NONE;
		}

	}

}
