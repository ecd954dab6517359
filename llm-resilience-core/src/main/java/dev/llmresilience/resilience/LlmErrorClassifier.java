package dev.llmresilience.resilience;

import java.util.Locale;

import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmAuthenticationException;
import dev.llmresilience.error.LlmBudgetExceededException;
import dev.llmresilience.error.LlmConflictException;
import dev.llmresilience.error.LlmConnectionException;
import dev.llmresilience.error.LlmException;
import dev.llmresilience.error.LlmInvalidRequestException;
import dev.llmresilience.error.LlmInvalidResponseException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmPermissionException;
import dev.llmresilience.error.LlmQuotaExceededException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.error.LlmRequestTooLargeException;
import dev.llmresilience.error.LlmServerException;
import dev.llmresilience.error.LlmStreamInterruptedException;
import dev.llmresilience.error.LlmTimeoutException;
import dev.llmresilience.error.LlmUnknownTargetException;

/**
 * Decides, for an error of one model call, whether to try that model again, whether
 * another model of the chain may help, and whether the model's circuit breaker counts it
 * as a failure.
 */
public class LlmErrorClassifier {

	private final boolean rateLimitsAreFailures;

	/**
	 * Create a new instance.
	 * @param rateLimitsAreFailures whether a 429 counts as a failure of the model in its
	 * circuit breaker
	 */
	public LlmErrorClassifier(boolean rateLimitsAreFailures) {
		this.rateLimitsAreFailures = rateLimitsAreFailures;
	}

	/**
	 * Return whether the same model may be called again: connection errors, timeouts,
	 * unreadable or cut-off responses, 408, 409, 429, 500, 502, 503, 504 and 529, unless
	 * the server's {@code x-should-retry} says otherwise. Never a quota or spend limit,
	 * nor any other 4xx.
	 * @param error the error of one call
	 * @return {@code true} to retry
	 */
	public boolean isRetryable(Throwable error) {
		if (error instanceof LlmApiException api) {
			if (api.getShouldRetry() != null) {
				return api.getShouldRetry();
			}
			if (isSpendLimit(api)) {
				return false;
			}
			return switch (api.getStatusCode()) {
				case 408, 409, 429, 500, 502, 503, 504, 529 -> true;
				default -> api instanceof LlmServerException || api instanceof LlmOverloadedException
						|| api instanceof LlmRateLimitException || api instanceof LlmConflictException;
			};
		}
		if (error instanceof LlmTimeoutException timeout) {
			return timeout.getPhase() != LlmTimeoutException.Phase.DEADLINE;
		}
		return error instanceof LlmConnectionException || error instanceof LlmInvalidResponseException;
	}

	/**
	 * Return whether the next model of a chain may be tried after this error. No model
	 * can fix a malformed request (other than one too large for a small context window),
	 * a rejected key or a forbidden resource, nor give back time once the deadline has
	 * passed; and a spend budget that refuses a request ends it.
	 * @param error the error that ended a model's attempts
	 * @return {@code true} to move on to the next model
	 */
	public boolean isFallbackAllowed(Throwable error) {
		if (error instanceof LlmRequestTooLargeException) {
			return true;
		}
		if (error instanceof LlmBudgetExceededException budget) {
			// a budget that skips leaves the request to a cheaper model; one that
			// refuses ends it
			return !budget.isRequestRefused();
		}
		if (error instanceof LlmInvalidRequestException || error instanceof LlmAuthenticationException
				|| error instanceof LlmPermissionException) {
			return false;
		}
		if (error instanceof LlmTimeoutException timeout) {
			return timeout.getPhase() != LlmTimeoutException.Phase.DEADLINE;
		}
		return error instanceof LlmException && !(error instanceof LlmStreamInterruptedException)
				&& !(error instanceof LlmUnknownTargetException);
	}

	/**
	 * Return whether a model's circuit breaker counts this error as a failure of the
	 * model: 5xx, 529, 408, timeouts, connection errors and unreadable responses, and 429
	 * if so configured. Other errors (client errors, quota and spend limits, the caller's
	 * deadline) are ignored by the breaker.
	 * @param error the error of one call
	 * @return {@code true} to record a failure
	 */
	public boolean isBreakerFailure(Throwable error) {
		if (error instanceof LlmApiException api && isSpendLimit(api)) {
			return false;
		}
		if (error instanceof LlmRateLimitException) {
			return this.rateLimitsAreFailures;
		}
		if (error instanceof LlmApiException api) {
			return api instanceof LlmServerException || api instanceof LlmOverloadedException
					|| api.getStatusCode() >= 500 || api.getStatusCode() == 408;
		}
		if (error instanceof LlmTimeoutException timeout) {
			return timeout.getPhase() != LlmTimeoutException.Phase.DEADLINE;
		}
		return error instanceof LlmConnectionException || error instanceof LlmInvalidResponseException;
	}

	/**
	 * A 429 that no wait will cure: an account's spend limit, told apart from a rate
	 * limit by the absence of a retry-after and a message about spending or credit.
	 */
	private static boolean isSpendLimit(LlmApiException error) {
		if (error instanceof LlmQuotaExceededException) {
			return true;
		}
		if (error.getStatusCode() != 429 || error.getRetryAfter() != null || error.getProviderMessage() == null) {
			return false;
		}
		String message = error.getProviderMessage().toLowerCase(Locale.ROOT);
		return message.contains("spend") || message.contains("credit") || message.contains("quota")
				|| message.contains("billing");
	}

}
