package dev.llmresilience.error;

import java.time.Duration;

import org.springframework.lang.Nullable;

/**
 * A model was not called because a limit of this application would not allow it within
 * the time the request may still wait: its provider's rate budget (configured, or learnt
 * from the provider's rate-limit headers and 429s), or its connection pool. It does not
 * count against the model's circuit breaker, and the chain moves on to the next model.
 * <p>
 * When the provider itself imposed the wait, with a 429 or 529 and its
 * {@code retry-after} or the rate-limit headers of an error, that error
 * ({@link LlmRateLimitException}, {@link LlmOverloadedException}...) is the cause: the
 * provider's status, error type and code, message and request id stay reachable.
 */
public class LlmThrottledException extends LlmException {

	private final Duration wait;

	/**
	 * Create a new instance.
	 * @param provider the provider id
	 * @param model the model id
	 * @param wait how long the call would have had to wait
	 */
	public LlmThrottledException(String provider, String model, Duration wait) {
		this(provider, model, wait, null);
	}

	/**
	 * Create a new instance for a wait that the provider imposed.
	 * @param provider the provider id
	 * @param model the model id
	 * @param wait how long the call would have had to wait
	 * @param heldBy the provider's error that imposed the wait, or {@code null} if this
	 * application's own limit did
	 */
	public LlmThrottledException(String provider, String model, Duration wait, @Nullable LlmApiException heldBy) {
		this("Provider '" + provider + "' is rate limited for model '" + model + "' for another " + wait
				+ "; the model was not called" + ((heldBy != null) ? " (held after: " + heldBy.getMessage() + ")" : ""),
				provider, model, wait, heldBy);
	}

	/**
	 * Create a new instance with a message of its own.
	 * @param message the message
	 * @param provider the provider id
	 * @param model the model id
	 * @param wait how long the call waited, or would have had to wait
	 */
	protected LlmThrottledException(String message, String provider, String model, Duration wait) {
		this(message, provider, model, wait, null);
	}

	private LlmThrottledException(String message, String provider, String model, Duration wait,
			@Nullable Throwable cause) {
		super(message, provider, model, cause);
		this.wait = wait;
	}

	/**
	 * Return how long the call waited, or would have had to wait.
	 * @return the wait
	 */
	public Duration getWait() {
		return this.wait;
	}

}
