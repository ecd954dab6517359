package dev.llmresilience.springai.provider;

import org.springframework.lang.Nullable;

/**
 * Reads the HTTP failures out of the exceptions of the providers' SDKs that a
 * generation's Spring AI models are built on. Spring AI 1.1's generation: its models call
 * the providers through Spring's HTTP clients, whose exceptions {@link SpringAiErrors}
 * reads itself, so there is none to read here.
 */
final class SdkFailures {

	private SdkFailures() {
	}

	/**
	 * Return the response that an SDK's exception reports.
	 * @param error the failure
	 * @return the response, or {@code null} when the failure is not an SDK's response
	 */
	@Nullable
	static SpringAiErrors.HttpFailure response(Throwable error) {
		return null;
	}

	/**
	 * Return whether an SDK's exception says that the provider could not be reached or
	 * the connection broke.
	 * @param error the failure
	 * @return whether it is a connection failure
	 */
	static boolean isConnectionFailure(Throwable error) {
		return false;
	}

}
