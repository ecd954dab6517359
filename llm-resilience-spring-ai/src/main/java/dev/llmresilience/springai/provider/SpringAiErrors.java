package dev.llmresilience.springai.provider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmModel;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.error.LlmConnectionException;
import dev.llmresilience.error.LlmException;
import dev.llmresilience.error.LlmInvalidRequestException;
import dev.llmresilience.error.LlmTimeoutException;
import dev.llmresilience.provider.ProviderErrorMapper;
import dev.llmresilience.provider.ProviderJson;
import dev.llmresilience.provider.ProviderProtocol;
import dev.llmresilience.provider.ProviderSettings;
import dev.llmresilience.provider.ResponseMetadata;

import org.springframework.ai.retry.NonTransientAiException;
import org.springframework.ai.retry.TransientAiException;
import org.springframework.http.HttpHeaders;
import org.springframework.lang.Nullable;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Translates what a Spring AI chat model throws into the typed errors of llm-resilience,
 * as far as the exception tells: an HTTP status and body go through the same mapping as
 * the native providers' ({@link ProviderErrorMapper}), so a 429 is a rate limit, a 529 an
 * overload, a 401 an authentication failure. Spring AI's own error handler keeps the
 * status and body in its message ({@code HTTP 429 - {...}}) and drops the headers, so a
 * {@code retry-after} and the request id are only known when the model throws Spring's
 * own response exceptions, or a provider's SDK that reports them ({@link SdkFailures}).
 * An exception without a status is retried when Spring AI calls it transient, and not
 * when it calls it non-transient.
 */
final class SpringAiErrors {

	/** The message of Spring AI's error handlers: the status, then the body. */
	private static final Pattern STATUS_AND_BODY = Pattern.compile("^(?:HTTP )?(\\d{3}) - (.*)$", Pattern.DOTALL);

	private final String providerId;

	private final Duration firstByteTimeout;

	private final Duration streamIdleTimeout;

	private final ProviderErrorMapper mapper;

	private final ObjectMapper objectMapper;

	/**
	 * Create a new instance.
	 * @param providerId the provider's id
	 * @param chatModelName the name of the chat model bean, to tell where the provider
	 * connects
	 * @param firstByteTimeout the limit for the answer, or a stream's first response
	 * @param streamIdleTimeout the limit between two responses of a stream
	 * @param objectMapper reads error bodies
	 * @param clock the clock that a retry-after date is measured against
	 */
	SpringAiErrors(String providerId, String chatModelName, Duration firstByteTimeout, Duration streamIdleTimeout,
			ObjectMapper objectMapper, Clock clock) {
		this.providerId = providerId;
		this.firstByteTimeout = firstByteTimeout;
		this.streamIdleTimeout = streamIdleTimeout;
		this.objectMapper = objectMapper;
		// the bean connects by itself: no URL, key or headers of ours
		ProviderSettings settings = new ProviderSettings(providerId, URI.create("spring-ai:" + chatModelName), null,
				Map.of(), firstByteTimeout, firstByteTimeout, streamIdleTimeout);
		this.mapper = new ProviderErrorMapper(settings, new ErrorBodies(), new ProviderJson(settings, objectMapper),
				clock);
	}

	/**
	 * Return the error of a call that took longer than its limit.
	 * @param model the model the call was for
	 * @param started whether a stream's first response had come
	 * @return the error
	 */
	LlmTimeoutException timeout(LlmModel model, boolean started) {
		return started
				? new LlmTimeoutException(this.providerId, model.id(), LlmTimeoutException.Phase.STREAM_IDLE,
						this.streamIdleTimeout, null)
				: new LlmTimeoutException(this.providerId, model.id(), LlmTimeoutException.Phase.FIRST_BYTE,
						this.firstByteTimeout, null);
	}

	/**
	 * Return the error of a call that gave no answer, or a stream that ended without a
	 * finish reason, which is how Spring AI's models mark a whole answer.
	 * @param model the model the call was for
	 * @param problem what was missing
	 * @return the error
	 */
	LlmException incomplete(LlmModel model, String problem) {
		return this.mapper.invalidResponse(model, problem, null);
	}

	/**
	 * Return the typed error for a failure of a call.
	 * @param model the model the call was for
	 * @param error the failure
	 * @return the typed error
	 */
	Throwable translate(LlmModel model, Throwable error) {
		if (error instanceof LlmException) {
			return error;
		}
		if (error instanceof CompletionException && error.getCause() != null) {
			// how a chat model that streams from a future reports the future's failure
			return translate(model, error.getCause());
		}
		if (error instanceof RestClientResponseException response) {
			HttpHeaders headers = (response.getResponseHeaders() != null) ? response.getResponseHeaders()
					: new HttpHeaders();
			return status(model, response.getStatusCode().value(), headers, response.getResponseBodyAsString());
		}
		if (error instanceof WebClientResponseException response && !response.getStatusCode().isError()) {
			// WebClient wraps a failure of reading a successful body, such as a
			// connection cut mid-stream, in a response exception of the success status
			return (response.getCause() != null) ? translate(model, response.getCause())
					: this.mapper.invalidResponse(model, "the body could not be read", null);
		}
		if (error instanceof WebClientResponseException response) {
			return status(model, response.getStatusCode().value(), response.getHeaders(),
					response.getResponseBodyAsString());
		}
		if (error instanceof TransientAiException || error instanceof NonTransientAiException) {
			return springAi(model, error);
		}
		HttpFailure sdkResponse = SdkFailures.response(error);
		if (sdkResponse != null) {
			return status(model, sdkResponse.status(), sdkResponse.headers(), sdkResponse.body());
		}
		if (error instanceof ResourceAccessException || error instanceof WebClientRequestException
				|| error instanceof IOException || error instanceof UncheckedIOException
				|| SdkFailures.isConnectionFailure(error)) {
			return new LlmConnectionException(this.providerId, model.id(), error);
		}
		if (error instanceof UnsupportedOperationException) {
			return this.mapper.invalidResponse(model, "the chat model does not stream", null);
		}
		return this.mapper.invalidResponse(model, "unexpected " + error.getClass().getSimpleName(), error);
	}

	private Throwable springAi(LlmModel model, Throwable error) {
		String message = (error.getMessage() != null) ? error.getMessage() : "";
		Matcher matcher = STATUS_AND_BODY.matcher(message);
		if (matcher.matches()) {
			return status(model, Integer.parseInt(matcher.group(1)), new HttpHeaders(), matcher.group(2));
		}
		if (error instanceof NonTransientAiException) {
			return new LlmInvalidRequestException(this.providerId, model.id(),
					"the chat model refused the request: " + cut(message));
		}
		// transient without a status: a server error, retried
		return this.mapper.apiException(model, new ResponseMetadata(0, new HttpHeaders(), null, RateLimitStatus.NONE),
				new ProviderProtocol.ApiError(null, null, message));
	}

	private Throwable status(LlmModel model, int status, HttpHeaders headers, @Nullable String body) {
		ErrorBodies bodies = new ErrorBodies();
		ResponseMetadata metadata = new ResponseMetadata(status, headers, bodies.requestId(headers),
				RateLimitStatus.NONE);
		return this.mapper.apiException(model, metadata, readError(bodies, body));
	}

	private ProviderProtocol.ApiError readError(ErrorBodies bodies, @Nullable String body) {
		if (body == null || body.isBlank()) {
			return new ProviderProtocol.ApiError(null, null, null);
		}
		try {
			JsonNode json = this.objectMapper.readTree(body);
			ProviderProtocol.ApiError error = (json != null) ? bodies.readError(json) : null;
			if (error != null) {
				return error;
			}
		}
		catch (JsonProcessingException ex) {
			// a body that is not JSON (a proxy's page, say) is kept as the message
		}
		return new ProviderProtocol.ApiError(null, null, body);
	}

	private static String cut(String message) {
		return (message.length() > 500) ? message.substring(0, 500) + "... (cut)" : message;
	}

	/**
	 * A response of an error status, as an exception reports it.
	 *
	 * @param status the HTTP status
	 * @param headers the response's headers
	 * @param body the response's body
	 */
	record HttpFailure(int status, HttpHeaders headers, @Nullable String body) {
	}

	/**
	 * Reads the error bodies of the APIs behind Spring AI's models, which put an error
	 * object under {@code error} (Anthropic, OpenAI and the servers compatible with it,
	 * Gemini), or give a plain message.
	 */
	private static final class ErrorBodies implements ProviderProtocol {

		@Override
		@Nullable
		public ApiError readError(JsonNode body) {
			JsonNode error = body.path("error");
			String requestId = text(body.path("request_id"));
			if (error.isObject()) {
				JsonNode code = error.path("code");
				return new ApiError(text(error.path("type")), code.isValueNode() ? code.asText() : null,
						text(error.path("message")), requestId);
			}
			if (error.isTextual()) {
				return new ApiError(null, null, error.asText(), requestId);
			}
			String message = text(body.path("message"));
			return (message != null) ? new ApiError(null, null, message, requestId) : null;
		}

		@Override
		@Nullable
		public String requestId(HttpHeaders headers) {
			String anthropic = headers.getFirst("request-id");
			return (anthropic != null) ? anthropic : headers.getFirst("x-request-id");
		}

		@Override
		public RateLimitStatus rateLimits(HttpHeaders headers, Clock clock) {
			return RateLimitStatus.NONE;
		}

		@Nullable
		private static String text(JsonNode node) {
			return (node.isValueNode() && !node.isNull()) ? node.asText() : null;
		}

	}

}
