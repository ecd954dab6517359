package dev.llmresilience;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.llmresilience.error.LlmAllModelsFailedException;
import dev.llmresilience.error.LlmAuthenticationException;
import dev.llmresilience.test.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wiremock.spring.ConfigureWireMock;
import org.wiremock.spring.EnableWireMock;
import org.wiremock.spring.InjectWireMock;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static dev.llmresilience.AnthropicStubs.MESSAGES;
import static dev.llmresilience.AnthropicStubs.error;
import static dev.llmresilience.AnthropicStubs.message;
import static dev.llmresilience.AnthropicStubs.overloaded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * End-to-end tests of the {@code llm} health indicator and the read-only
 * {@code /actuator/llm} endpoint over HTTP, with breakers driven by calls through the
 * auto-configured {@link LlmTemplate} against WireMock servers: {@code primary} serves
 * {@code sonnet}, {@code secondary} serves {@code haiku}, and the default chain tries
 * them in that order. Each model is called once per request and its breaker opens after
 * two failed calls.
 */
@WithWebTestClient
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "llm.resilience.providers.primary.type=anthropic",
				"llm.resilience.providers.primary.api-key=" + ActuatorIntegrationTests.PRIMARY_KEY,
				"llm.resilience.providers.secondary.type=anthropic",
				"llm.resilience.providers.secondary.api-key=" + ActuatorIntegrationTests.SECONDARY_KEY,
				"llm.resilience.models.sonnet.provider=primary", "llm.resilience.models.sonnet.name=claude-sonnet-4-5",
				"llm.resilience.models.haiku.provider=secondary", "llm.resilience.models.haiku.name=claude-haiku-4-5",
				"llm.resilience.chains.default[0]=sonnet", "llm.resilience.chains.default[1]=haiku",
				"llm.resilience.retry.max-attempts=1", "llm.resilience.circuit-breaker.sliding-window-type=count-based",
				"llm.resilience.circuit-breaker.sliding-window-size=2",
				"llm.resilience.circuit-breaker.minimum-number-of-calls=2",
				"llm.resilience.circuit-breaker.failure-rate-threshold=50",
				"llm.resilience.circuit-breaker.wait-in-open=30s",
				"llm.resilience.circuit-breaker.permitted-calls-in-half-open=2",
				"llm.resilience.circuit-breaker.automatic-transition-to-half-open=false",
				"management.endpoints.web.exposure.include=health,llm,env,configprops",
				"management.endpoint.health.show-details=always", "management.endpoint.env.show-values=always",
				"management.endpoint.configprops.show-values=always" })
@EnableWireMock({
		@ConfigureWireMock(name = "primary", baseUrlProperties = "llm.resilience.providers.primary.base-url",
				configurationCustomizers = QuietWireMock.class),
		@ConfigureWireMock(name = "secondary", baseUrlProperties = "llm.resilience.providers.secondary.base-url",
				configurationCustomizers = QuietWireMock.class) })
class ActuatorIntegrationTests {

	static final String PRIMARY_KEY = "sk-ant-api03-"
			+ "Qm7Vx2Lp9Rt4Wz8Ky3Nb6Hc1Jd5Fg0Sa2Ue7Io4Pl9Mk3Nj8Bh5Gv1Cf6Xd0Zs2Aw7Eq4Ry9Tu3Ii8Oo5Pp1Ll6Kk0Jj";

	static final String SECONDARY_KEY = "sk-ant-api03-"
			+ "Ab3Cd8Ef1Gh6Ij4Kl9Mn2Op7Qr5St0Uv3Wx8Yz1Ab6Cd4Ef9Gh2Ij7Kl5Mn0Op3Qr8St1Uv6Wx4Yz9Ab2Cd7Ef5Gh0Ij";

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
	void upWhileEveryChainIsServedByItsFirstModel() {
		health(HttpStatus.OK).jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.details.chains.default.models")
			.isEqualTo(List.of("sonnet", "haiku"))
			.jsonPath("$.details.chains.default.serving")
			.isEqualTo("sonnet")
			.jsonPath("$.details.chains.default.fallback")
			.isEqualTo(false)
			.jsonPath("$.details.models.sonnet.provider")
			.isEqualTo("primary")
			.jsonPath("$.details.models.sonnet.name")
			.isEqualTo("claude-sonnet-4-5")
			.jsonPath("$.details.models.sonnet.state")
			.isEqualTo("CLOSED")
			.jsonPath("$.details.queue.capacity")
			.isNumber()
			.jsonPath("$.details.queue.maxConcurrent")
			.isNumber()
			.jsonPath("$.details.queue.inFlight")
			.isEqualTo(0)
			.jsonPath("$.details.queue.depth.NORMAL")
			.isEqualTo(0)
			.jsonPath("$.details.rateLimitHolds")
			.isMap();
	}

	@Test
	void degradedWithStatus200WhenTheFirstModelsBreakerOpensAndTheFallbackServes() {
		Instant before = Instant.now();
		openSonnet();
		this.template.callBlocking("Hi");
		health(HttpStatus.OK).jsonPath("$.status")
			.isEqualTo("DEGRADED")
			.jsonPath("$.details.chains.default.serving")
			.isEqualTo("haiku")
			.jsonPath("$.details.chains.default.fallback")
			.isEqualTo(true)
			.jsonPath("$.details.models.sonnet.state")
			.isEqualTo("OPEN")
			.jsonPath("$.details.models.sonnet.failureRate")
			.isEqualTo(100.0)
			.jsonPath("$.details.models.sonnet.bufferedCalls")
			.isEqualTo(2)
			.jsonPath("$.details.models.sonnet.failedCalls")
			.isEqualTo(2)
			.jsonPath("$.details.models.sonnet.notPermittedCalls")
			.isEqualTo(1)
			.jsonPath("$.details.models.sonnet.lastError.type")
			.isEqualTo("LlmOverloadedException")
			.jsonPath("$.details.models.sonnet.lastError.at")
			.value((String at) -> assertThat(Instant.parse(at)).isBetween(before, Instant.now()))
			.jsonPath("$.details.models.haiku.state")
			.isEqualTo("CLOSED");
	}

	@Test
	void downWithStatus503WhenEveryModelsBreakerIsOpen() {
		openSonnet();
		this.secondary.stubFor(post(MESSAGES).willReturn(error(503, "api_error")));
		for (int i = 0; i < 2; i++) {
			assertThatExceptionOfType(LlmAllModelsFailedException.class)
				.isThrownBy(() -> this.template.callBlocking("Hi"));
		}
		health(HttpStatus.SERVICE_UNAVAILABLE).jsonPath("$.status")
			.isEqualTo("DOWN")
			.jsonPath("$.details.chains.default.serving")
			.doesNotExist()
			.jsonPath("$.details.models.sonnet.state")
			.isEqualTo("OPEN")
			.jsonPath("$.details.models.haiku.state")
			.isEqualTo("OPEN")
			.jsonPath("$.details.models.haiku.lastError.type")
			.isEqualTo("LlmServerException");
	}

	@Test
	void halfOpenBreakerShowsAsSuchWhileItsProbesServeTheChain() {
		openSonnet();
		this.clock.advance(Duration.ofSeconds(31));
		this.primary.stubFor(post(MESSAGES).willReturn(message("Hello from Sonnet")));
		assertThat(this.template.callBlocking(LlmRequest.ofPrompt("Hi")).model()).isEqualTo("sonnet");
		health(HttpStatus.OK).jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.details.models.sonnet.state")
			.isEqualTo("HALF_OPEN")
			.jsonPath("$.details.chains.default.serving")
			.isEqualTo("sonnet");
		assertThat(this.template.callBlocking(LlmRequest.ofPrompt("Hi")).model()).isEqualTo("sonnet");
		health(HttpStatus.OK).jsonPath("$.details.models.sonnet.state").isEqualTo("CLOSED");
	}

	@Test
	void upAgainOnceTheBreakersCloseAfterAnOutage() {
		openSonnet();
		this.secondary.stubFor(post(MESSAGES).willReturn(error(503, "api_error")));
		for (int i = 0; i < 2; i++) {
			assertThatExceptionOfType(LlmAllModelsFailedException.class)
				.isThrownBy(() -> this.template.callBlocking("Hi"));
		}
		health(HttpStatus.SERVICE_UNAVAILABLE).jsonPath("$.status").isEqualTo("DOWN");
		this.clock.advance(Duration.ofSeconds(31));
		this.primary.stubFor(post(MESSAGES).willReturn(message("Hello from Sonnet")));
		this.secondary.stubFor(post(MESSAGES).willReturn(message("Hello from Haiku")));
		for (int i = 0; i < 2; i++) {
			assertThat(this.template.callBlocking(LlmRequest.ofPrompt("Hi")).model()).isEqualTo("sonnet");
			assertThat(this.template.callBlocking(LlmRequest.builder().model("haiku").user("Hi").build()).model())
				.isEqualTo("haiku");
		}
		health(HttpStatus.OK).jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.details.models.sonnet.state")
			.isEqualTo("CLOSED")
			.jsonPath("$.details.models.haiku.state")
			.isEqualTo("CLOSED");
	}

	@Test
	void llmEndpointListsChainsModelsQueueAndRateLimitHolds() {
		this.webTestClient.get()
			.uri("/actuator/llm")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.chains.default.models")
			.isEqualTo(List.of("sonnet", "haiku"))
			.jsonPath("$.chains.default.serving")
			.isEqualTo("sonnet")
			.jsonPath("$.models.sonnet.state")
			.isEqualTo("CLOSED")
			.jsonPath("$.models.haiku.name")
			.isEqualTo("claude-haiku-4-5")
			.jsonPath("$.queue.capacity")
			.isNumber()
			.jsonPath("$.queue.depth.HIGH")
			.isEqualTo(0)
			.jsonPath("$.rateLimitHolds")
			.isMap();
	}

	@Test
	void llmEndpointDescribesOneModel() {
		openSonnet();
		this.webTestClient.get()
			.uri("/actuator/llm/sonnet")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.state")
			.isEqualTo("OPEN")
			.jsonPath("$.failedCalls")
			.isEqualTo(2)
			.jsonPath("$.provider")
			.isEqualTo("primary");
	}

	@Test
	void llmEndpointAnswersNotFoundForAnUnknownModel() {
		this.webTestClient.get().uri("/actuator/llm/gpt-5").exchange().expectStatus().isNotFound();
	}

	@Test
	void breakerCannotBeForcedWithTheDefaultReadOnlyAccess() {
		this.webTestClient.post()
			.uri("/actuator/llm/sonnet")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"state\":\"open\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
		assertThat(this.circuitBreakers.circuitBreaker("sonnet").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void apiKeysNeverAppearInActuatorOutput() {
		this.primary.stubFor(post(MESSAGES).willReturn(error(401, "authentication_error").withBody(
				"{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key "
						+ PRIMARY_KEY + "\"}}")));
		assertThatExceptionOfType(LlmAuthenticationException.class).isThrownBy(() -> this.template.callBlocking("Hi"));
		for (String endpoint : List.of("/actuator/health", "/actuator/health/llm", "/actuator/configprops",
				"/actuator/env", "/actuator/llm", "/actuator/llm/sonnet")) {
			String body = this.webTestClient.get()
				.uri(endpoint)
				.exchange()
				.expectBody(String.class)
				.returnResult()
				.getResponseBody();
			assertThat(body).as(endpoint)
				.contains("sonnet")
				.doesNotContain(PRIMARY_KEY)
				.doesNotContain(SECONDARY_KEY)
				.doesNotContain(PRIMARY_KEY.substring(0, 30));
		}
	}

	private void openSonnet() {
		this.primary.stubFor(post(MESSAGES).willReturn(overloaded()));
		this.secondary.stubFor(post(MESSAGES).willReturn(message("Hello from Haiku")));
		for (int i = 0; i < 2; i++) {
			assertThat(this.template.callBlocking("Hi")).isEqualTo("Hello from Haiku");
		}
		assertThat(this.circuitBreakers.circuitBreaker("sonnet").getState()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	private WebTestClient.BodyContentSpec health(HttpStatus status) {
		return this.webTestClient.get()
			.uri("/actuator/health/llm")
			.exchange()
			.expectStatus()
			.isEqualTo(status)
			.expectBody();
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
