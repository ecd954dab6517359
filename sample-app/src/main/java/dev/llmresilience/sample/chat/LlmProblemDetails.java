package dev.llmresilience.sample.chat;

import dev.llmresilience.error.LlmAllModelsFailedException;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmCircuitOpenException;
import dev.llmresilience.error.LlmConflictException;
import dev.llmresilience.error.LlmException;
import dev.llmresilience.error.LlmInvalidRequestException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmQuotaExceededException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.error.LlmRequestTooLargeException;
import dev.llmresilience.error.LlmStreamInterruptedException;
import dev.llmresilience.error.LlmTimeoutException;
import dev.llmresilience.error.LlmUnknownTargetException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * Describes an {@link LlmException} to this application's own clients as a problem
 * detail, the same for a failed call and for a stream that broke off.
 */
final class LlmProblemDetails {

	private LlmProblemDetails() {
	}

	/**
	 * Return the problem detail of an exception: its status, its message, and the
	 * exception and provider error type as the properties {@code exception} and
	 * {@code errorType}. For an exhausted chain or a broken stream, the status, error
	 * type, provider and model are those of the underlying error, whose type is the
	 * property {@code cause}.
	 * @param ex the exception
	 * @return the problem detail
	 */
	static ProblemDetail of(LlmException ex) {
		// An exhausted chain or a broken stream is described by the error underneath it.
		LlmException reason = (ex.getCause() instanceof LlmException cause
				&& (ex instanceof LlmAllModelsFailedException || ex instanceof LlmStreamInterruptedException)) ? cause
						: ex;
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(statusOf(reason), ex.getMessage());
		problem.setProperty("exception", ex.getClass().getSimpleName());
		if (reason != ex) {
			problem.setProperty("cause", reason.getClass().getSimpleName());
		}
		if (reason instanceof LlmApiException apiException && apiException.getErrorType() != null) {
			problem.setProperty("errorType", apiException.getErrorType());
		}
		if (reason.getProvider() != null) {
			problem.setProperty("provider", reason.getProvider());
		}
		if (reason.getModel() != null) {
			problem.setProperty("model", reason.getModel());
		}
		return problem;
	}

	/**
	 * Return the status that tells this application's clients what happened: their
	 * request was at fault (4xx), the models are busy and a retry later may work (503),
	 * the models took too long (504), or the provider failed in another way (502).
	 * @param ex the exception
	 * @return the status
	 */
	static HttpStatus statusOf(LlmException ex) {
		if (ex instanceof LlmUnknownTargetException) {
			return HttpStatus.BAD_REQUEST;
		}
		if (ex instanceof LlmRequestTooLargeException) {
			return HttpStatus.PAYLOAD_TOO_LARGE;
		}
		if (ex instanceof LlmInvalidRequestException) {
			return HttpStatus.UNPROCESSABLE_ENTITY;
		}
		if (ex instanceof LlmTimeoutException) {
			return HttpStatus.GATEWAY_TIMEOUT;
		}
		if (ex instanceof LlmRateLimitException || ex instanceof LlmOverloadedException
				|| ex instanceof LlmConflictException || ex instanceof LlmQuotaExceededException
				|| ex instanceof LlmCircuitOpenException || ex instanceof LlmAllModelsFailedException) {
			return HttpStatus.SERVICE_UNAVAILABLE;
		}
		// Server errors, broken connections, unreadable answers, and a rejected API key
		// or
		// unknown model name, which are this application's configuration, not its
		// client's fault.
		return HttpStatus.BAD_GATEWAY;
	}

}
