package dev.llmresilience.springai.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.http.Headers;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.util.ClassUtils;

/**
 * Reads the HTTP failures out of the exceptions of the providers' SDKs that a
 * generation's Spring AI models are built on. Spring AI 2.0's generation: its OpenAI
 * model calls the provider through the OpenAI SDK, whose exceptions keep the response's
 * status, headers and body, so a {@code retry-after} and the request id survive; the SDK
 * is read only when it is on the class path.
 */
final class SdkFailures {

	private static final boolean OPENAI_SDK_PRESENT = ClassUtils.isPresent("com.openai.errors.OpenAIServiceException",
			SdkFailures.class.getClassLoader());

	private SdkFailures() {
	}

	/**
	 * Return the response that an SDK's exception reports.
	 * @param error the failure
	 * @return the response, or {@code null} when the failure is not an SDK's response
	 */
	static SpringAiErrors.@Nullable HttpFailure response(Throwable error) {
		return OPENAI_SDK_PRESENT ? OpenAiSdk.response(error) : null;
	}

	/**
	 * Return whether an SDK's exception says that the provider could not be reached or
	 * the connection broke.
	 * @param error the failure
	 * @return whether it is a connection failure
	 */
	static boolean isConnectionFailure(Throwable error) {
		return OPENAI_SDK_PRESENT && OpenAiSdk.isConnectionFailure(error);
	}

	/**
	 * The OpenAI SDK's exceptions, in a class of their own that is loaded only when the
	 * SDK is there.
	 */
	private static final class OpenAiSdk {

		static SpringAiErrors.@Nullable HttpFailure response(Throwable error) {
			if (!(error instanceof OpenAIServiceException response)) {
				return null;
			}
			HttpHeaders headers = new HttpHeaders();
			Headers sdkHeaders = response.headers();
			for (String name : sdkHeaders.names()) {
				headers.addAll(name, sdkHeaders.values(name));
			}
			if (headers.containsHeader(OpenAiSdkAttemptRetryVeto.VETOED)) {
				// the veto's word, not the provider's
				headers.remove(OpenAiSdkAttemptRetryVeto.VETOED);
				headers.remove(OpenAiSdkAttemptRetryVeto.SHOULD_RETRY);
			}
			return new SpringAiErrors.HttpFailure(response.statusCode(), headers, body(response));
		}

		static boolean isConnectionFailure(Throwable error) {
			return error instanceof OpenAIIoException;
		}

		private static @Nullable String body(OpenAIServiceException response) {
			JsonNode body = response.body().convert(JsonNode.class);
			if (body == null || body.isMissingNode() || body.isNull()) {
				return null;
			}
			return body.toString();
		}

	}

}
