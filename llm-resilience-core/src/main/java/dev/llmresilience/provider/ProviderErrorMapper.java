package dev.llmresilience.provider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmresilience.LlmModel;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmAuthenticationException;
import dev.llmresilience.error.LlmConflictException;
import dev.llmresilience.error.LlmConnectionException;
import dev.llmresilience.error.LlmConnectionPoolExhaustedException;
import dev.llmresilience.error.LlmException;
import dev.llmresilience.error.LlmInvalidRequestException;
import dev.llmresilience.error.LlmInvalidResponseException;
import dev.llmresilience.error.LlmModelNotFoundException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmPermissionException;
import dev.llmresilience.error.LlmQuotaExceededException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.error.LlmRequestTooLargeException;
import dev.llmresilience.error.LlmServerException;
import dev.llmresilience.error.LlmTimeoutException;
import io.netty.channel.ConnectTimeoutException;
import reactor.core.publisher.Mono;

import org.springframework.core.codec.CodecException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.lang.Nullable;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * The translation of every failure of one provider's calls (error statuses, error bodies,
 * error objects in successful bodies or streams, network errors, unreadable bodies) into
 * a typed {@link LlmException}, so that resilience decides on types, never on raw HTTP.
 * What is copied from the provider is cut short and has the API key taken out.
 */
public final class ProviderErrorMapper {

	/** Error messages copied from a provider are cut to this length. */
	static final int MAX_ERROR_MESSAGE_LENGTH = 500;

	/**
	 * Error types, codes and request ids copied from a provider are cut to this length.
	 */
	static final int MAX_ERROR_FIELD_LENGTH = 100;

	private final ProviderSettings settings;

	private final ProviderProtocol protocol;

	private final ProviderJson json;

	private final Clock clock;

	/**
	 * Create a new instance.
	 * @param settings the provider's settings
	 * @param protocol the provider's conventions
	 * @param json the reader of error bodies
	 * @param clock the clock that HTTP dates and reset times are measured against
	 */
	public ProviderErrorMapper(ProviderSettings settings, ProviderProtocol protocol, ProviderJson json, Clock clock) {
		this.settings = settings;
		this.protocol = protocol;
		this.json = json;
		this.clock = clock;
	}

	/**
	 * Create the exception for an error the provider reported.
	 * @param model the model the call was for
	 * @param metadata the response's metadata
	 * @param error the error object
	 * @return the exception, of the type the status and error type name
	 */
	public LlmApiException apiException(LlmModel model, ResponseMetadata metadata, ProviderProtocol.ApiError error) {
		HttpHeaders headers = metadata.headers();
		String shouldRetry = headers.getFirst("x-should-retry");
		String requestId = (metadata.requestId() != null) ? metadata.requestId() : error.requestId();
		LlmApiException.Details details = new LlmApiException.Details(metadata.statusCode(),
				scrub(error.type(), MAX_ERROR_FIELD_LENGTH), scrub(error.code(), MAX_ERROR_FIELD_LENGTH),
				scrub(error.message(), MAX_ERROR_MESSAGE_LENGTH), scrub(requestId, MAX_ERROR_FIELD_LENGTH),
				RetryAfter.from(headers, this.clock),
				(shouldRetry != null) ? Boolean.valueOf(shouldRetry.trim()) : null, metadata.rateLimits());
		return ApiExceptions.create(this.settings.id(), model.id(), details);
	}

	/**
	 * Create the exception for a response that cannot be read as an answer.
	 * @param model the model the call was for
	 * @param problem what is wrong, without response content
	 * @param cause the cause, or {@code null}
	 * @return the exception
	 */
	public LlmInvalidResponseException invalidResponse(LlmModel model, String problem, @Nullable Throwable cause) {
		return new LlmInvalidResponseException(this.settings.id(), model.id(), problem, cause);
	}

	/**
	 * Create the exception for the error object that a body holds in place of an answer.
	 * @param model the model the call was for
	 * @param metadata the response's metadata
	 * @param body the body
	 * @return the exception, or {@code null} if the body is not an error object
	 */
	@Nullable
	LlmApiException errorIn(LlmModel model, ResponseMetadata metadata, JsonNode body) {
		ProviderProtocol.ApiError error = this.protocol.readError(body);
		return (error != null) ? apiException(model, metadata, error) : null;
	}

	/**
	 * Read the status line and headers of a response.
	 * @param statusCode the HTTP status
	 * @param headers the headers
	 * @return the metadata
	 */
	ResponseMetadata metadata(int statusCode, HttpHeaders headers) {
		return new ResponseMetadata(statusCode, headers, this.protocol.requestId(headers),
				this.protocol.rateLimits(headers, this.clock));
	}

	/**
	 * Read the body of an error status into the matching exception.
	 * @param model the model the call was for
	 * @param response the response
	 * @return the exception
	 */
	Mono<? extends Throwable> errorStatus(LlmModel model, ClientResponse response) {
		ResponseMetadata metadata = metadata(response.statusCode().value(), response.headers().asHttpHeaders());
		return response.bodyToMono(byte[].class)
			.map((bytes) -> new String(bytes, StandardCharsets.UTF_8))
			// an error page over the buffer limit still has a status that tells what
			// happened
			.onErrorResume(DataBufferLimitException.class, (ex) -> Mono.just(""))
			.defaultIfEmpty("")
			.map((text) -> apiException(model, metadata, readErrorBody(text)));
	}

	/**
	 * Refuse a redirect, which is not followed so that the API key stays with the
	 * configured host.
	 * @param model the model the call was for
	 * @param response the response
	 * @return the exception, once the body is released
	 */
	Mono<? extends Throwable> redirect(LlmModel model, ClientResponse response) {
		return response.releaseBody()
			.then(Mono.just(invalidResponse(model,
					"the provider answered with a redirect (HTTP " + response.statusCode().value()
							+ "), which is not followed so that the API key stays with the"
							+ " configured host; check base-url",
					null)));
	}

	private ProviderProtocol.ApiError readErrorBody(String text) {
		if (!text.isBlank()) {
			// a body that is not JSON (a proxy's HTML page, say) is kept as the message
			JsonNode json = this.json.readJsonIfAny(text);
			ProviderProtocol.ApiError error = (json != null) ? this.protocol.readError(json) : null;
			if (error != null) {
				return error;
			}
		}
		return new ProviderProtocol.ApiError(null, null, text.isBlank() ? null : text);
	}

	private String scrub(String text, int maxLength) {
		if (text == null) {
			return null;
		}
		String scrubbed = this.settings.hasApiKey() ? text.replace(this.settings.apiKey(), "[redacted]") : text;
		return (scrubbed.length() > maxLength) ? scrubbed.substring(0, maxLength) + "... (cut)" : scrubbed;
	}

	/**
	 * Translate a failure of the exchange into the matching {@link LlmException}.
	 * @param model the model the call was for
	 * @param ex the failure
	 * @param timeoutPhase the phase a {@link TimeoutException} stands for
	 * @return the exception
	 */
	Throwable translate(LlmModel model, Throwable ex, LlmTimeoutException.Phase timeoutPhase) {
		if (ex instanceof LlmException) {
			return ex;
		}
		// WebClient wraps an error raised while a body is read (a connection cut
		// mid-body, or the typed error of a JSON body where events were expected) in a
		// WebClientResponseException.
		if (ex instanceof WebClientResponseException && ex.getCause() instanceof LlmException llmException) {
			return llmException;
		}
		String provider = this.settings.id();
		if (ex instanceof TimeoutException) {
			return new LlmTimeoutException(provider, model.id(), timeoutPhase,
					(timeoutPhase == LlmTimeoutException.Phase.FIRST_BYTE) ? this.settings.firstByteTimeout()
							: this.settings.streamIdleTimeout(),
					null);
		}
		Throwable cause = ((ex instanceof WebClientRequestException || ex instanceof WebClientResponseException)
				&& ex.getCause() != null) ? ex.getCause() : ex;
		if (isPoolExhausted(cause)) {
			return new LlmConnectionPoolExhaustedException(provider, model.id(), this.settings.connectTimeout());
		}
		if (cause instanceof ConnectTimeoutException) {
			return new LlmTimeoutException(provider, model.id(), LlmTimeoutException.Phase.CONNECT,
					this.settings.connectTimeout(), cause);
		}
		if (cause instanceof IOException || cause instanceof io.netty.channel.ChannelException
				|| ex instanceof WebClientRequestException) {
			return new LlmConnectionException(provider, model.id(), cause);
		}
		if (cause instanceof DataBufferLimitException) {
			return invalidResponse(model, "a part of the body is larger than the buffer limit"
					+ " (llm.resilience.providers." + provider + ".max-response-size)", null);
		}
		if (cause instanceof CodecException) {
			return invalidResponse(model, "the body could not be decoded", null);
		}
		return invalidResponse(model, "unexpected " + cause.getClass().getSimpleName(), cause);
	}

	/**
	 * Return whether no pooled connection was free in time: Reactor Netty's pool errors,
	 * told by name since their package is internal to Reactor Netty (shaded Reactor
	 * Pool).
	 */
	private static boolean isPoolExhausted(Throwable error) {
		String name = error.getClass().getName();
		return name.endsWith(".pool.PoolAcquireTimeoutException")
				|| name.endsWith(".pool.PoolAcquirePendingLimitException");
	}

	/**
	 * Chooses the exception type for an error from its status and the provider's error
	 * type.
	 */
	static final class ApiExceptions {

		private ApiExceptions() {
		}

		static LlmApiException create(String provider, String model, LlmApiException.Details details) {
			String kind = (details.code() != null) ? details.code() : "";
			String type = (details.type() != null) ? details.type() : "";
			if (isQuota(type) || isQuota(kind)) {
				return new LlmQuotaExceededException(provider, model, details);
			}
			if (isContextLimit(details.statusCode(), type, kind, details.message())) {
				return new LlmRequestTooLargeException(provider, model, details);
			}
			return switch (details.statusCode()) {
				case 400, 422 -> new LlmInvalidRequestException(provider, model, details);
				case 401 -> new LlmAuthenticationException(provider, model, details);
				case 402 -> new LlmQuotaExceededException(provider, model, details);
				case 403 -> new LlmPermissionException(provider, model, details);
				case 404 -> new LlmModelNotFoundException(provider, model, details);
				case 409 -> new LlmConflictException(provider, model, details);
				case 413 -> new LlmRequestTooLargeException(provider, model, details);
				case 429 -> new LlmRateLimitException(provider, model, details);
				case 529 -> new LlmOverloadedException(provider, model, details);
				default -> byStatusClassOrType(provider, model, details, type);
			};
		}

		private static LlmApiException byStatusClassOrType(String provider, String model,
				LlmApiException.Details details, String type) {
			if (type.equals("overloaded_error")) {
				return new LlmOverloadedException(provider, model, details);
			}
			if (details.statusCode() >= 500) {
				return new LlmServerException(provider, model, details);
			}
			if (details.statusCode() >= 400) {
				return new LlmApiException(provider, model, details);
			}
			// An error inside a successful response or a stream: only the type tells what
			// it is.
			return switch (type) {
				case "invalid_request_error" -> new LlmInvalidRequestException(provider, model, details);
				case "authentication_error" -> new LlmAuthenticationException(provider, model, details);
				case "permission_error" -> new LlmPermissionException(provider, model, details);
				case "not_found_error" -> new LlmModelNotFoundException(provider, model, details);
				case "rate_limit_error", "rate_limit_exceeded" -> new LlmRateLimitException(provider, model, details);
				default ->
					"rate_limit_exceeded".equals(details.code()) ? new LlmRateLimitException(provider, model, details)
							: new LlmServerException(provider, model, details);
			};
		}

		private static boolean isQuota(String value) {
			return value.equals("insufficient_quota") || value.equals("billing_error");
		}

		private static boolean isContextLimit(int status, String type, String code, String message) {
			// llama.cpp's type comes with status 400, with 500 from older builds, and
			// inside streams
			if (type.equals("request_too_large") || type.equals("exceed_context_size_error")
					|| code.equals("context_length_exceeded")) {
				return true;
			}
			// Compatible servers (vLLM, llama.cpp, LM Studio, gateways) name the type as
			// they please; the message tells.
			String text = (message != null) ? message.toLowerCase(Locale.ROOT) : "";
			boolean clientError = status == 400 || type.equals("invalid_request_error");
			return clientError && (text.contains("prompt is too long") || text.contains("maximum context length")
					|| text.contains("context length") || text.contains("context window")
					|| text.contains("context size"));
		}

	}

}
