package dev.llmresilience;

import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.StatusAssertions;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end tests of forcing breakers through {@code POST /actuator/llm/{model}},
 * allowed by {@code management.endpoint.llm.access=unrestricted}. No model is called.
 */
@WithWebTestClient
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "llm.resilience.providers.anthropic.type=anthropic",
				"llm.resilience.providers.anthropic.api-key=test-key",
				"llm.resilience.providers.anthropic.base-url=http://localhost:1",
				"llm.resilience.models.sonnet.provider=anthropic", "llm.resilience.models.haiku.provider=anthropic",
				"llm.resilience.chains.default[0]=sonnet", "llm.resilience.chains.default[1]=haiku",
				"management.endpoints.web.exposure.include=health,llm", "management.endpoint.llm.access=unrestricted",
				"management.endpoint.health.show-details=always" })
class ActuatorWriteIntegrationTests {

	@Autowired
	private CircuitBreakerRegistry circuitBreakers;

	@Autowired
	private WebTestClient webTestClient;

	@BeforeEach
	void reset() {
		this.circuitBreakers.getAllCircuitBreakers().forEach(CircuitBreaker::reset);
	}

	@Test
	void openForcesTheBreakerOpenAndTheChainOntoItsFallback() {
		force("sonnet", "open").isOk().expectBody().jsonPath("$.state").isEqualTo("FORCED_OPEN");
		assertThat(breaker("sonnet").getState()).isEqualTo(CircuitBreaker.State.FORCED_OPEN);
		this.webTestClient.get()
			.uri("/actuator/health/llm")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("DEGRADED")
			.jsonPath("$.details.chains.default.serving")
			.isEqualTo("haiku")
			.jsonPath("$.details.models.sonnet.state")
			.isEqualTo("FORCED_OPEN");
	}

	@Test
	void closedClosesAForcedOpenBreaker() {
		breaker("sonnet").transitionToForcedOpenState();
		force("sonnet", "closed").isOk().expectBody().jsonPath("$.state").isEqualTo("CLOSED");
		assertThat(breaker("sonnet").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void resetClosesTheBreakerAndClearsItsWindow() {
		breaker("haiku").onError(1, TimeUnit.MILLISECONDS, new IllegalStateException("test"));
		breaker("haiku").transitionToForcedOpenState();
		force("haiku", "reset").isOk()
			.expectBody()
			.jsonPath("$.state")
			.isEqualTo("CLOSED")
			.jsonPath("$.bufferedCalls")
			.isEqualTo(0);
	}

	@Test
	void unknownStateIsABadRequest() {
		force("sonnet", "sideways").isBadRequest();
		assertThat(breaker("sonnet").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void missingStateIsABadRequest() {
		this.webTestClient.post()
			.uri("/actuator/llm/sonnet")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isBadRequest();
	}

	@Test
	void unknownModelIsAClientError() {
		force("gpt-5", "open").is4xxClientError();
	}

	private StatusAssertions force(String model, String state) {
		return this.webTestClient.post()
			.uri("/actuator/llm/{model}", model)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"state\":\"" + state + "\"}")
			.exchange()
			.expectStatus();
	}

	private CircuitBreaker breaker(String model) {
		return this.circuitBreakers.circuitBreaker(model);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
