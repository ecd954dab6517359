package dev.llmresilience.springai.provider;

import java.io.IOException;
import java.io.UncheckedIOException;

import okhttp3.Interceptor;
import okhttp3.Response;

import org.springframework.ai.openai.http.okhttp.OpenAiHttpClientBuilderCustomizer;
import org.springframework.ai.openai.http.okhttp.SpringAiOpenAiHttpClient;

/**
 * Ends the OpenAI SDK's retry of a chat model call at its first failure when the call is
 * made for an attempt of the pipeline, so that only the pipeline retries and its circuit
 * breaker sees every failure; the same model's other calls keep the SDK's retry
 * ({@code spring.ai.openai.max-retries}).
 * <p>
 * Spring AI 2.0's OpenAI model is built on the OpenAI SDK, which retries a request by
 * itself: a response of a retryable status unless the response says
 * {@code X-Should-Retry: false}, and any I/O failure. As a customizer of the HTTP client
 * of an OpenAI model, this adds an interceptor to it. While a call
 * {@link SpringAiChatModelProvider#isCallingForAttempt() runs for an attempt}, the
 * interceptor marks each response that does not say itself whether to retry as not to be
 * retried (and marks the mark as its own, so that the error mapping does not take it for
 * the provider's word), and hands an I/O failure on as an {@link UncheckedIOException},
 * which the SDK does not retry. The mark of the attempt is on the calling thread, which
 * is where the SDK runs a blocking call's HTTP exchange; a stream's exchange runs on the
 * HTTP client's threads and keeps the SDK's retry of its opening request.
 */
public final class OpenAiSdkAttemptRetryVeto implements OpenAiHttpClientBuilderCustomizer, Interceptor {

	/** The header by which a response tells the SDK whether to retry. */
	static final String SHOULD_RETRY = "X-Should-Retry";

	/** The header that says the response's {@link #SHOULD_RETRY} is this veto's. */
	static final String VETOED = "X-Llm-Resilience-Retry-Vetoed";

	@Override
	public void customize(SpringAiOpenAiHttpClient.Builder builder) {
		builder.interceptor(this);
	}

	@Override
	public Response intercept(Chain chain) throws IOException {
		if (!SpringAiChatModelProvider.isCallingForAttempt()) {
			return chain.proceed(chain.request());
		}
		Response response;
		try {
			response = chain.proceed(chain.request());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		if (response.header(SHOULD_RETRY) != null) {
			return response;
		}
		return response.newBuilder().header(SHOULD_RETRY, "false").header(VETOED, "true").build();
	}

}
