package dev.llmresilience;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmStreamInterruptedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wiremock.spring.ConfigureWireMock;
import org.wiremock.spring.EnableWireMock;
import org.wiremock.spring.InjectWireMock;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;

import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.llmresilience.AnthropicStubs.MESSAGES;
import static dev.llmresilience.AnthropicStubs.overloaded;
import static dev.llmresilience.AnthropicStubs.respondInTurn;
import static dev.llmresilience.AnthropicStubs.stream;
import static dev.llmresilience.AnthropicStubs.streamFailingAfter;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * End-to-end tests of retries and fallback of streamed answers through the
 * auto-configured {@link LlmTemplate}: invisible until the first text reaches the caller,
 * never after.
 */
@SpringBootTest(properties = { "llm.resilience.providers.primary.type=anthropic",
		"llm.resilience.providers.primary.api-key=primary-key", "llm.resilience.providers.secondary.type=anthropic",
		"llm.resilience.providers.secondary.api-key=secondary-key", "llm.resilience.models.opus.provider=primary",
		"llm.resilience.models.opus.name=claude-opus", "llm.resilience.models.haiku.provider=secondary",
		"llm.resilience.models.haiku.name=claude-haiku", "llm.resilience.chains.default[0]=opus",
		"llm.resilience.chains.default[1]=haiku", "llm.resilience.retry.max-attempts=3",
		"llm.resilience.retry.initial-backoff=10ms", "llm.resilience.retry.jitter=0",
		"llm.resilience.circuit-breaker.minimum-number-of-calls=100" })
@EnableWireMock({
		@ConfigureWireMock(name = "primary", baseUrlProperties = "llm.resilience.providers.primary.base-url",
				configurationCustomizers = QuietWireMock.class),
		@ConfigureWireMock(name = "secondary", baseUrlProperties = "llm.resilience.providers.secondary.base-url",
				configurationCustomizers = QuietWireMock.class) })
class StreamingResilienceIntegrationTests {

	@Autowired
	private LlmTemplate template;

	@Autowired
	private CircuitBreakerRegistry circuitBreakers;

	@InjectWireMock("primary")
	private WireMockServer primary;

	@InjectWireMock("secondary")
	private WireMockServer secondary;

	@BeforeEach
	void reset() {
		this.primary.resetAll();
		this.secondary.resetAll();
		this.circuitBreakers.getAllCircuitBreakers().forEach(CircuitBreaker::reset);
	}

	@Test
	void overloadedResponseBeforeTheStreamBeginsIsRetriedUnseen() {
		respondInTurn(this.primary, overloaded(), stream("Hel", "lo"));
		StepVerifier.create(this.template.stream("Hi"))
			.expectNext(new LlmStreamEvent.TextDelta("Hel"), new LlmStreamEvent.TextDelta("lo"))
			.assertNext((event) -> {
				LlmResponse response = ((LlmStreamEvent.Completion) event).response();
				assertThat(response.text()).isEqualTo("Hello");
				assertThat(response.model()).isEqualTo("opus");
				assertThat(response.fallback()).isFalse();
				assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome)
					.containsExactly(tuple("opus", Outcome.FAILURE), tuple("opus", Outcome.SUCCESS));
			})
			.expectComplete()
			.verify(TIMEOUT);
		this.primary.verify(exactly(2), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void errorEventBeforeTheFirstTextIsRetriedUnseen() {
		respondInTurn(this.primary, streamFailingAfter(), stream("Hello"));
		StepVerifier.create(this.template.stream("Hi"))
			.expectNext(new LlmStreamEvent.TextDelta("Hello"))
			.assertNext((event) -> assertThat(((LlmStreamEvent.Completion) event).response().attempts())
				.extracting(LlmAttempt::outcome)
				.containsExactly(Outcome.FAILURE, Outcome.SUCCESS))
			.expectComplete()
			.verify(TIMEOUT);
		this.primary.verify(exactly(2), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void streamFallsBackUnseenWhenTheFirstModelStaysOverloaded() {
		this.primary.stubFor(post(MESSAGES).willReturn(overloaded()));
		this.secondary.stubFor(post(MESSAGES).willReturn(stream("From ", "Haiku")));
		StepVerifier.create(this.template.stream("Hi"))
			.expectNext(new LlmStreamEvent.TextDelta("From "), new LlmStreamEvent.TextDelta("Haiku"))
			.assertNext((event) -> {
				LlmResponse response = ((LlmStreamEvent.Completion) event).response();
				assertThat(response.text()).isEqualTo("From Haiku");
				assertThat(response.model()).isEqualTo("haiku");
				assertThat(response.fallback()).isTrue();
				assertThat(response.attempts()).extracting(LlmAttempt::model)
					.containsExactly("opus", "opus", "opus", "haiku");
			})
			.expectComplete()
			.verify(TIMEOUT);
		this.primary.verify(exactly(3), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void errorAfterTextReachedTheCallerEndsTheStreamWithThePartialText() {
		this.primary.stubFor(post(MESSAGES).willReturn(streamFailingAfter("Hel", "lo, wor")));
		this.secondary.stubFor(post(MESSAGES).willReturn(stream("From Haiku")));
		StepVerifier.create(this.template.stream("Hi"))
			.expectNext(new LlmStreamEvent.TextDelta("Hel"), new LlmStreamEvent.TextDelta("lo, wor"))
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(LlmStreamInterruptedException.class);
				LlmStreamInterruptedException interrupted = (LlmStreamInterruptedException) error;
				assertThat(interrupted.getPartialText()).isEqualTo("Hello, wor");
				assertThat(interrupted.getModel()).isEqualTo("opus");
				assertThat(interrupted.getCause()).isInstanceOf(LlmOverloadedException.class);
			})
			.verify(TIMEOUT);
		this.primary.verify(exactly(1), postRequestedFor(urlEqualTo(MESSAGES)));
		this.secondary.verify(exactly(0), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
