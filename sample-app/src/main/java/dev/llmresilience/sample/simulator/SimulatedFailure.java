package dev.llmresilience.sample.simulator;

import com.fasterxml.jackson.annotation.JsonValue;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/**
 * The ways in which the simulator can fail a request, each as the real API would. The
 * statuses and error types here are those of the Messages API; Chat Completions fails
 * with its own (see each constant).
 */
public enum SimulatedFailure {

	/**
	 * HTTP 429 {@code rate_limit_error} with a {@code retry-after} header; on Chat
	 * Completions, code {@code rate_limit_exceeded}.
	 */
	RATE_LIMIT(HttpStatus.TOO_MANY_REQUESTS.value(), "rate_limit_error",
			"Number of requests has exceeded your rate limit (simulated)."),

	/**
	 * HTTP 529 {@code overloaded_error}; on Chat Completions, which has no 529, HTTP 503
	 * {@code server_error}.
	 */
	OVERLOADED(529, "overloaded_error", "Overloaded"),

	/** HTTP 500 {@code api_error}; on Chat Completions, {@code server_error}. */
	SERVER_ERROR(HttpStatus.INTERNAL_SERVER_ERROR.value(), "api_error", "Internal server error"),

	/** The TCP connection is reset without any response. */
	CONNECTION_RESET(0, null, null),

	/**
	 * A stream sends part of its text, then an {@code overloaded_error} event (on Chat
	 * Completions, a {@code server_error} chunk and no {@code [DONE]}); a request that is
	 * not streamed gets an HTTP 500 {@code api_error} ({@code server_error}).
	 */
	MID_STREAM_ERROR(HttpStatus.INTERNAL_SERVER_ERROR.value(), "api_error", "Internal server error");

	private final int status;

	private final String errorType;

	private final String message;

	SimulatedFailure(int status, String errorType, String message) {
		this.status = status;
		this.errorType = errorType;
		this.message = message;
	}

	HttpStatusCode status() {
		return HttpStatusCode.valueOf(this.status);
	}

	String errorType() {
		return this.errorType;
	}

	String message() {
		return this.message;
	}

	/**
	 * Return the name used in properties and in the fault endpoints, such as
	 * {@code rate-limit}.
	 * @return the kebab-case name
	 */
	@JsonValue
	public String toValue() {
		return name().toLowerCase().replace('_', '-');
	}

}
