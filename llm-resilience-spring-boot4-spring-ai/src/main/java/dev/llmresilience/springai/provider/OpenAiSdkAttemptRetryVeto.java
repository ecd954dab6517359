package dev.llmresilience.springai.provider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.openai.OpenAiChatOptions;
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
 * of an OpenAI model, this adds an interceptor to it. For a call made for an attempt, the
 * interceptor marks each response that does not say itself whether to retry as not to be
 * retried (and marks the mark as its own, so that the error mapping does not take it for
 * the provider's word), and hands an I/O failure on as an {@link UncheckedIOException},
 * which the SDK does not retry. A call is known to be an attempt's by a header that the
 * attempt's options add ({@link #markAttempt}) and the interceptor takes off before the
 * request is sent, which reaches the interceptor on whichever thread the SDK runs the
 * exchange (a stream's runs on the HTTP client's own), or by the
 * {@link SpringAiChatModelProvider#isCallingForAttempt() mark of the calling thread},
 * where the SDK runs a blocking call's exchange.
 */
public final class OpenAiSdkAttemptRetryVeto implements OpenAiHttpClientBuilderCustomizer, Interceptor {

	/** The header by which a response tells the SDK whether to retry. */
	static final String SHOULD_RETRY = "X-Should-Retry";

	/** The header that says the response's {@link #SHOULD_RETRY} is this veto's. */
	static final String VETOED = "X-Llm-Resilience-Retry-Vetoed";

	/** The header that marks a request as an attempt's; never sent. */
	static final String ATTEMPT = "X-Llm-Resilience-Attempt";

	@Override
	public void customize(SpringAiOpenAiHttpClient.Builder builder) {
		builder.interceptor(this);
	}

	/**
	 * Mark the options of an attempt's prompt, when they are the OpenAI model's, with a
	 * header that tells the interceptor the request is an attempt's.
	 * @param options the options being built, from the model's own
	 * @param modelOptions the model's own options
	 */
	static void markAttempt(ChatOptions.Builder<?> options, ChatOptions modelOptions) {
		if (options instanceof OpenAiChatOptions.Builder openAi && modelOptions instanceof OpenAiChatOptions own) {
			Map<String, String> headers = new LinkedHashMap<>();
			if (own.getCustomHeaders() != null) {
				headers.putAll(own.getCustomHeaders());
			}
			headers.put(ATTEMPT, "true");
			openAi.customHeaders(headers);
		}
	}

	@Override
	public Response intercept(Chain chain) throws IOException {
		Request request = chain.request();
		boolean attempt = request.header(ATTEMPT) != null;
		if (attempt) {
			request = request.newBuilder().removeHeader(ATTEMPT).build();
		}
		if (!attempt && !SpringAiChatModelProvider.isCallingForAttempt()) {
			return chain.proceed(request);
		}
		Response response;
		try {
			response = chain.proceed(request);
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
