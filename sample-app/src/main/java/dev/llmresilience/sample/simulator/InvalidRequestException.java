package dev.llmresilience.sample.simulator;

import org.springframework.lang.Nullable;

/**
 * A request body that the real API would reject with {@code invalid_request_error}.
 */
class InvalidRequestException extends RuntimeException {

	@Nullable
	private final String param;

	InvalidRequestException(String message) {
		this(message, null);
	}

	/**
	 * Create a new instance.
	 * @param message the message, in the API's own style
	 * @param param the request field at fault, which Chat Completions names in its
	 * errors, or {@code null}
	 */
	InvalidRequestException(String message, @Nullable String param) {
		super(message);
		this.param = param;
	}

	@Nullable
	String param() {
		return this.param;
	}

}
