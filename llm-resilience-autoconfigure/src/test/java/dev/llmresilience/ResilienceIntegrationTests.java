package dev.llmresilience;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.error.LlmAllModelsFailedException;
import dev.llmresilience.error.LlmAuthenticationException;
import dev.llmresilience.error.LlmException;
import dev.llmresilience.error.LlmInvalidRequestException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmServerException;
import dev.llmresilience.error.LlmTimeoutException;
import dev.llmresilience.test.MutableClock;
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
import org.springframework.context.annotation.Bean;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.llmresilience.AnthropicStubs.MESSAGES;
import static dev.llmresilience.AnthropicStubs.error;
import static dev.llmresilience.AnthropicStubs.message;
import static dev.llmresilience.AnthropicStubs.overloaded;
import static dev.llmresilience.AnthropicStubs.respondInTurn;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.hamcrest.Matchers.containsInAnyOrder;

/**
 * End-to-end tests of retries, circuit breakers and fallback through the auto-configured
 * {@link LlmTemplate}, over real HTTP against WireMock servers: {@code primary} serves
 * the models {@code opus}, {@code single}, {@code fragile} and {@code brittle},
 * {@code secondary} serves {@code haiku}.
 */
@WithWebTestClient
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"llm.resilience.providers.primary.type=anthropic", "llm.resilience.providers.primary.api-key=primary-key",
		"llm.resilience.providers.secondary.type=anthropic", "llm.resilience.providers.secondary.api-key=secondary-key",
		"llm.resilience.models.opus.provider=primary", "llm.resilience.models.opus.name=claude-opus",
		"llm.resilience.models.haiku.provider=secondary", "llm.resilience.models.haiku.name=claude-haiku",
		"llm.resilience.models.single.provider=primary", "llm.resilience.models.single.name=claude-single",
		"llm.resilience.models.single.retry.max-attempts=1", "llm.resilience.models.fragile.provider=primary",
		"llm.resilience.models.fragile.name=claude-fragile", "llm.resilience.models.fragile.retry.max-attempts=1",
		"llm.resilience.models.fragile.circuit-breaker.sliding-window-type=count-based",
		"llm.resilience.models.fragile.circuit-breaker.sliding-window-size=4",
		"llm.resilience.models.fragile.circuit-breaker.minimum-number-of-calls=4",
		"llm.resilience.models.fragile.circuit-breaker.failure-rate-threshold=50",
		"llm.resilience.models.fragile.circuit-breaker.wait-in-open=30s",
		"llm.resilience.models.fragile.circuit-breaker.permitted-calls-in-half-open=1",
		"llm.resilience.models.fragile.circuit-breaker.automatic-transition-to-half-open=false",
		"llm.resilience.models.brittle.provider=primary", "llm.resilience.models.brittle.name=claude-brittle",
		"llm.resilience.models.brittle.retry.max-attempts=5",
		"llm.resilience.models.brittle.circuit-breaker.sliding-window-type=count-based",
		"llm.resilience.models.brittle.circuit-breaker.sliding-window-size=2",
		"llm.resilience.models.brittle.circuit-breaker.minimum-number-of-calls=2",
		"llm.resilience.chains.default[0]=opus", "llm.resilience.chains.default[1]=haiku",
		"llm.resilience.chains.guarded[0]=fragile", "llm.resilience.chains.guarded[1]=haiku",
		"llm.resilience.chains.brittle[0]=brittle", "llm.resilience.chains.brittle[1]=haiku",
		"llm.resilience.retry.max-attempts=3", "llm.resilience.retry.initial-backoff=10ms",
		"llm.resilience.retry.jitter=0", "llm.resilience.retry.max-server-wait=1s",
		"llm.resilience.circuit-breaker.minimum-number-of-calls=100",
		"management.endpoints.web.exposure.include=circuitbreakers,retries,health" })
@EnableWireMock({
		@ConfigureWireMock(name = "primary", baseUrlProperties = "llm.resilience.providers.primary.base-url",
				configurationCustomizers = QuietWireMock.class),
		@ConfigureWireMock(name = "secondary", baseUrlProperties = "llm.resilience.providers.secondary.base-url",
				configurationCustomizers = QuietWireMock.class) })
class ResilienceIntegrationTests {

	private static final LlmRequest GUARDED = LlmRequest.builder().chain("guarded").user("Hi").build();

	@Autowired
	private LlmTemplate template;

	@Autowired
	private CircuitBreakerRegistry circuitBreakers;

	@Autowired
	private MutableClock clock;

	@Autowired
	private WebTestClient webTestClient;

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
	void retriesOverloadedModelUntilItAnswers() {
		respondInTurn(this.primary, overloaded(), overloaded(), message("Hello from Opus"));
		StepVerifier.create(this.template.call("Hi")).assertNext((response) -> {
			assertThat(response.text()).isEqualTo("Hello from Opus");
			assertThat(response.model()).isEqualTo("opus");
			assertThat(response.fallback()).isFalse();
			assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
				.containsExactly(tuple("opus", Outcome.FAILURE, "LlmOverloadedException"),
						tuple("opus", Outcome.FAILURE, "LlmOverloadedException"), tuple("opus", Outcome.SUCCESS, null));
		}).expectComplete().verify(TIMEOUT);
		this.primary.verify(exactly(3), postRequestedFor(urlEqualTo(MESSAGES)));
		this.secondary.verify(exactly(0), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void waitsAsLongAsRetryAfterMsAsksRatherThanTheBackoffFormula() {
		// a 503, not a 529: a 529's retry-after would also hold the provider beyond this
		// test
		respondInTurn(this.primary, error(503, "api_error").withHeader("retry-after-ms", "300"), message("Hello"));
		assertThat(this.template.callBlocking("Hi")).isEqualTo("Hello");
		List<Instant> received = this.primary.getAllServeEvents()
			.stream()
			.map(ServeEvent::getRequest)
			.map((request) -> request.getLoggedDate().toInstant())
			.sorted(Comparator.naturalOrder())
			.toList();
		assertThat(received).hasSize(2);
		assertThat(Duration.between(received.get(0), received.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void doesNotRetryWhenTheServerSaysShouldRetryFalse() {
		this.primary.stubFor(post(MESSAGES).willReturn(error(503, "api_error").withHeader("x-should-retry", "false")));
		this.secondary.stubFor(post(MESSAGES).willReturn(message("Hello from Haiku")));
		LlmResponse response = this.template.callBlocking(LlmRequest.ofPrompt("Hi"));
		assertThat(response.model()).isEqualTo("haiku");
		assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("opus", Outcome.FAILURE, "LlmServerException"),
					tuple("haiku", Outcome.SUCCESS, null));
		this.primary.verify(exactly(1), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void retriesClientErrorWhenTheServerSaysShouldRetryTrue() {
		respondInTurn(this.primary, error(400, "invalid_request_error").withHeader("x-should-retry", "true"),
				message("Hello from Opus"));
		LlmResponse response = this.template.callBlocking(LlmRequest.ofPrompt("Hi"));
		assertThat(response.model()).isEqualTo("opus");
		assertThat(response.attempts()).extracting(LlmAttempt::outcome)
			.containsExactly(Outcome.FAILURE, Outcome.SUCCESS);
		this.primary.verify(exactly(2), postRequestedFor(urlEqualTo(MESSAGES)));
		this.secondary.verify(exactly(0), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void fallsBackAtOnceWhenRetryAfterExceedsTheLongestServerWait() {
		this.primary.stubFor(post(MESSAGES).willReturn(error(503, "api_error").withHeader("retry-after", "30")));
		this.secondary.stubFor(post(MESSAGES).willReturn(message("Hello from Haiku")));
		long start = System.nanoTime();
		LlmResponse response = this.template.callBlocking(LlmRequest.ofPrompt("Hi"));
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		assertThat(response.model()).isEqualTo("haiku");
		assertThat(response.fallback()).isTrue();
		assertThat(elapsed).isLessThan(Duration.ofSeconds(5));
		this.primary.verify(exactly(1), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void fallsBackToTheNextModelWhenTheFirstStaysOverloaded() {
		this.primary.stubFor(post(MESSAGES).willReturn(overloaded()));
		this.secondary.stubFor(post(MESSAGES).willReturn(message("Hello from Haiku")));
		StepVerifier.create(this.template.call("Hi")).assertNext((response) -> {
			assertThat(response.text()).isEqualTo("Hello from Haiku");
			assertThat(response.model()).isEqualTo("haiku");
			assertThat(response.provider()).isEqualTo("secondary");
			assertThat(response.fallback()).isTrue();
			assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome)
				.containsExactly(tuple("opus", Outcome.FAILURE), tuple("opus", Outcome.FAILURE),
						tuple("opus", Outcome.FAILURE), tuple("haiku", Outcome.SUCCESS));
		}).expectComplete().verify(TIMEOUT);
		this.primary.verify(exactly(3), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void badRequestIsNeitherRetriedNorFallenBackFrom() {
		this.primary.stubFor(post(MESSAGES).willReturn(error(400, "invalid_request_error")));
		this.secondary.stubFor(post(MESSAGES).willReturn(message("Hello from Haiku")));
		StepVerifier.create(this.template.call("Hi")).expectError(LlmInvalidRequestException.class).verify(TIMEOUT);
		this.primary.verify(exactly(1), postRequestedFor(urlEqualTo(MESSAGES)));
		this.secondary.verify(exactly(0), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void rejectedKeyIsNeitherRetriedNorFallenBackFrom() {
		this.primary.stubFor(post(MESSAGES).willReturn(error(401, "authentication_error")));
		this.secondary.stubFor(post(MESSAGES).willReturn(message("Hello from Haiku")));
		StepVerifier.create(this.template.call("Hi")).expectError(LlmAuthenticationException.class).verify(TIMEOUT);
		this.primary.verify(exactly(1), postRequestedFor(urlEqualTo(MESSAGES)));
		this.secondary.verify(exactly(0), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void unknownModelFallsBackWithoutRetrying() {
		this.primary.stubFor(post(MESSAGES).willReturn(error(404, "not_found_error")));
		this.secondary.stubFor(post(MESSAGES).willReturn(message("Hello from Haiku")));
		LlmResponse response = this.template.callBlocking(LlmRequest.ofPrompt("Hi"));
		assertThat(response.model()).isEqualTo("haiku");
		assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("opus", Outcome.FAILURE, "LlmModelNotFoundException"),
					tuple("haiku", Outcome.SUCCESS, null));
		this.primary.verify(exactly(1), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void openBreakerKeepsEveryCallAwayFromItsModelWhileTheFallbackServes() {
		openFragileBreaker();
		for (int i = 0; i < 3; i++) {
			LlmResponse response = this.template.callBlocking(GUARDED);
			assertThat(response.model()).isEqualTo("haiku");
			assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
				.containsExactly(tuple("fragile", Outcome.SKIPPED, "LlmCircuitOpenException"),
						tuple("haiku", Outcome.SUCCESS, null));
		}
		this.primary.verify(exactly(4), postRequestedFor(urlEqualTo(MESSAGES)));
		this.secondary.verify(exactly(7), postRequestedFor(urlEqualTo(MESSAGES)));
		assertThat(breaker("fragile").getState()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	@Test
	void successfulProbeAfterTheWaitInOpenClosesTheBreaker() {
		openFragileBreaker();
		this.primary.resetAll();
		this.primary.stubFor(post(MESSAGES).willReturn(message("Hello from Fragile")));
		assertThat(this.template.callBlocking(GUARDED).model()).as("served while open").isEqualTo("haiku");
		this.primary.verify(exactly(0), postRequestedFor(urlEqualTo(MESSAGES)));
		this.clock.advance(Duration.ofSeconds(31));
		LlmResponse probe = this.template.callBlocking(GUARDED);
		assertThat(probe.model()).isEqualTo("fragile");
		assertThat(probe.fallback()).isFalse();
		assertThat(breaker("fragile").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		this.primary.verify(exactly(1), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void failedProbeOpensTheBreakerAgain() {
		openFragileBreaker();
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(this.template.callBlocking(GUARDED).model()).isEqualTo("haiku");
		assertThat(breaker("fragile").getState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(this.template.callBlocking(GUARDED).attempts()).extracting(LlmAttempt::outcome)
			.containsExactly(Outcome.SKIPPED, Outcome.SUCCESS);
		this.primary.verify(exactly(5), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void openingBreakerEndsTheRetriesOfItsModelAtOnce() {
		this.primary.stubFor(post(MESSAGES).willReturn(overloaded()));
		this.secondary.stubFor(post(MESSAGES).willReturn(message("Hello from Haiku")));
		LlmResponse response = this.template.callBlocking(LlmRequest.builder().chain("brittle").user("Hi").build());
		assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome)
			.containsExactly(tuple("brittle", Outcome.FAILURE), tuple("brittle", Outcome.FAILURE),
					tuple("haiku", Outcome.SUCCESS));
		assertThat(breaker("brittle").getState()).isEqualTo(CircuitBreaker.State.OPEN);
		this.primary.verify(exactly(2), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void passedDeadlineEndsTheRequestWithoutFallingBack() {
		this.primary.stubFor(post(MESSAGES).willReturn(message("Too late").withFixedDelay(2000)));
		this.secondary.stubFor(post(MESSAGES).willReturn(message("Hello from Haiku")));
		long start = System.nanoTime();
		StepVerifier.create(this.template.call(LlmRequest.builder().user("Hi").timeout(Duration.ofMillis(300)).build()))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOfSatisfying(LlmTimeoutException.class,
					(timeout) -> assertThat(timeout.getPhase()).isEqualTo(LlmTimeoutException.Phase.DEADLINE)))
			.verify(TIMEOUT);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
		this.secondary.verify(exactly(0), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	private void openFragileBreaker() {
		this.primary.stubFor(post(MESSAGES).willReturn(overloaded()));
		this.secondary.stubFor(post(MESSAGES).willReturn(message("Hello from Haiku")));
		for (int i = 0; i < 4; i++) {
			assertThat(breaker("fragile").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
			assertThat(this.template.callBlocking(GUARDED).model()).isEqualTo("haiku");
		}
		assertThat(breaker("fragile").getState()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	@Test
	void everyModelDownFailsOnceListingEveryAttemptWithThePrimarysError() {
		this.primary.stubFor(post(MESSAGES).willReturn(overloaded()));
		this.secondary.stubFor(post(MESSAGES).willReturn(error(503, "api_error")));
		StepVerifier.create(this.template.call("Hi")).expectErrorSatisfies((error) -> {
			assertThat(error).isInstanceOf(LlmAllModelsFailedException.class);
			assertThat(((LlmAllModelsFailedException) error).getAttempts())
				.extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
				.containsExactly(tuple("opus", Outcome.FAILURE, "LlmOverloadedException"),
						tuple("opus", Outcome.FAILURE, "LlmOverloadedException"),
						tuple("opus", Outcome.FAILURE, "LlmOverloadedException"),
						tuple("haiku", Outcome.FAILURE, "LlmServerException"),
						tuple("haiku", Outcome.FAILURE, "LlmServerException"),
						tuple("haiku", Outcome.FAILURE, "LlmServerException"));
			assertThat(error.getCause()).isInstanceOf(LlmOverloadedException.class);
			assertThat(((LlmException) error.getCause()).getModel()).isEqualTo("opus");
		}).verify(TIMEOUT);
		this.primary.verify(exactly(3), postRequestedFor(urlEqualTo(MESSAGES)));
		this.secondary.verify(exactly(3), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void persistentServerErrorCallsTheModelMaxAttemptsTimes() {
		this.primary.stubFor(post(MESSAGES).willReturn(error(503, "api_error")));
		StepVerifier.create(this.template.call(LlmRequest.builder().model("opus").user("Hi").build()))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(LlmAllModelsFailedException.class)
				.cause()
				.isInstanceOf(LlmServerException.class))
			.verify(TIMEOUT);
		this.primary.verify(exactly(3), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void modelOverrideOfMaxAttemptsCallsThatModelOnce() {
		this.primary.stubFor(post(MESSAGES).willReturn(error(503, "api_error")));
		StepVerifier.create(this.template.call(LlmRequest.builder().model("single").user("Hi").build()))
			.expectError(LlmAllModelsFailedException.class)
			.verify(TIMEOUT);
		this.primary.verify(exactly(1), postRequestedFor(urlEqualTo(MESSAGES)));
	}

	@Test
	void actuatorListsABreakerAndARetryPerModel() {
		this.webTestClient.get()
			.uri("/actuator/circuitbreakers")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.circuitBreakers.opus.state")
			.isEqualTo("CLOSED")
			.jsonPath("$.circuitBreakers.haiku.state")
			.isEqualTo("CLOSED")
			.jsonPath("$.circuitBreakers.single")
			.exists()
			.jsonPath("$.circuitBreakers.fragile.failureRateThreshold")
			.isEqualTo("50.0%");
		this.webTestClient.get()
			.uri("/actuator/retries")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.retries")
			.value(containsInAnyOrder("opus", "haiku", "single", "fragile", "brittle"));
	}

	private CircuitBreaker breaker(String model) {
		return this.circuitBreakers.circuitBreaker(model);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		MutableClock clock() {
			return new MutableClock(Instant.parse("2025-06-01T12:00:00Z"));
		}

	}

}
