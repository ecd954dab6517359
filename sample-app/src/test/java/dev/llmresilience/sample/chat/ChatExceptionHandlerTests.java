package dev.llmresilience.sample.chat;

import java.time.Duration;

import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmRateLimitException;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChatExceptionHandler}.
 */
class ChatExceptionHandlerTests {

	private final ChatExceptionHandler handler = new ChatExceptionHandler();

	@Test
	void passesTheProvidersRetryAfterOnInWholeSeconds() {
		LlmRateLimitException ex = new LlmRateLimitException("p", "m", new LlmApiException.Details(429,
				"rate_limit_error", null, "slow down", "req_1", Duration.ofMillis(1500), null, null));
		StepVerifier.create(this.handler.handleLlmException(ex, exchange())).assertNext((response) -> {
			assertThat(response.getStatusCode().value()).isEqualTo(503);
			assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
			assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		}).expectComplete().verify(TIMEOUT);
	}

	private static MockServerWebExchange exchange() {
		return MockServerWebExchange
			.from(MockServerHttpRequest.get("/api/chat/stream").accept(MediaType.TEXT_EVENT_STREAM));
	}

}
