package dev.llmresilience;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.actuate.LlmEndpoint;
import dev.llmresilience.actuate.LlmHealthIndicator;
import dev.llmresilience.overview.LlmOverview;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wiremock.spring.ConfigureWireMock;
import org.wiremock.spring.EnableWireMock;
import org.wiremock.spring.InjectWireMock;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.llmresilience.AnthropicStubs.MESSAGES;
import static dev.llmresilience.AnthropicStubs.error;
import static dev.llmresilience.AnthropicStubs.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * End-to-end tests of models served by several deployments, configured through
 * {@code llm.resilience.models.<id>.deployments}, over real HTTP against WireMock
 * servers: {@code east} and {@code west} are two keys of one API, serving {@code sonnet}
 * (weights 3 and 1) and {@code opus} (weights 1 and 0, so that east is tried first);
 * {@code gateway} is an OpenAI-compatible server whose limits count all its models
 * together ({@code hold-scope: provider}); {@code secondary} serves the fallback
 * {@code haiku}; {@code fable} has two deployments on east and west as well. Holds
 * outlive a test, which therefore looks at its own models only.
 */
@SpringBootTest(properties = { "llm.resilience.providers.east.type=anthropic",
		"llm.resilience.providers.east.api-key=east-key", "llm.resilience.providers.west.type=anthropic",
		"llm.resilience.providers.west.api-key=west-key", "llm.resilience.providers.secondary.type=anthropic",
		"llm.resilience.providers.secondary.api-key=secondary-key", "llm.resilience.providers.gateway.type=openai",
		"llm.resilience.providers.gateway.hold-scope=provider", "llm.resilience.models.sonnet.name=claude-sonnet",
		"llm.resilience.models.sonnet.deployments.east.provider=east",
		"llm.resilience.models.sonnet.deployments.east.weight=3",
		"llm.resilience.models.sonnet.deployments.west.provider=west",
		"llm.resilience.models.opus.deployments.a.provider=east",
		"llm.resilience.models.opus.deployments.a.name=claude-opus",
		"llm.resilience.models.opus.deployments.b.provider=west",
		"llm.resilience.models.opus.deployments.b.name=claude-opus-eu",
		"llm.resilience.models.opus.deployments.b.weight=0", "llm.resilience.models.fable.name=claude-fable",
		"llm.resilience.models.fable.deployments.east.provider=east",
		"llm.resilience.models.fable.deployments.west.provider=west", "llm.resilience.chains.fable[0]=fable",
		"llm.resilience.chains.fable[1]=haiku", "llm.resilience.models.haiku.provider=secondary",
		"llm.resilience.models.haiku.name=claude-haiku", "llm.resilience.models.gpt-a.provider=gateway",
		"llm.resilience.models.gpt-b.provider=gateway", "llm.resilience.chains.default[0]=sonnet",
		"llm.resilience.chains.default[1]=haiku", "llm.resilience.chains.opus[0]=opus",
		"llm.resilience.chains.opus[1]=haiku", "llm.resilience.chains.gpt-a[0]=gpt-a",
		"llm.resilience.chains.gpt-a[1]=haiku", "llm.resilience.chains.gpt-b[0]=gpt-b",
		"llm.resilience.chains.gpt-b[1]=haiku", "llm.resilience.retry.max-attempts=2",
		"llm.resilience.retry.initial-backoff=10ms", "llm.resilience.retry.jitter=0",
		"llm.resilience.retry.max-server-wait=2s" })
@EnableWireMock({
		@ConfigureWireMock(name = "east", baseUrlProperties = "llm.resilience.providers.east.base-url",
				configurationCustomizers = QuietWireMock.class),
		@ConfigureWireMock(name = "west", baseUrlProperties = "llm.resilience.providers.west.base-url",
				configurationCustomizers = QuietWireMock.class),
		@ConfigureWireMock(name = "gateway", baseUrlProperties = "llm.resilience.providers.gateway.base-url",
				configurationCustomizers = QuietWireMock.class),
		@ConfigureWireMock(name = "secondary", baseUrlProperties = "llm.resilience.providers.secondary.base-url",
				configurationCustomizers = QuietWireMock.class) })
class DeploymentsIntegrationTests {

	private static final String CHAT_COMPLETIONS = "/chat/completions";

	@Autowired
	private LlmTemplate template;

	@Autowired
	private LlmOverview overview;

	@Autowired
	private LlmHealthIndicator health;

	@InjectWireMock("east")
	private WireMockServer east;

	@InjectWireMock("west")
	private WireMockServer west;

	@InjectWireMock("gateway")
	private WireMockServer gateway;

	@InjectWireMock("secondary")
	private WireMockServer secondary;

	@BeforeEach
	void reset() {
		this.east.resetAll();
		this.west.resetAll();
		this.gateway.resetAll();
		this.secondary.resetAll();
		this.east.stubFor(messages("claude-sonnet").willReturn(message("from east")));
		this.west.stubFor(messages("claude-sonnet").willReturn(message("from west")));
		this.secondary.stubFor(post(MESSAGES).willReturn(message("from haiku")));
	}

	@Test
	void weightsShareTheCallsOfAModelBetweenItsDeploymentsEachWithItsOwnKey() {
		int fromEast = 0;
		for (int i = 0; i < 60; i++) {
			LlmResponse response = this.template.callBlocking(LlmRequest.ofPrompt("Hi"));
			assertThat(response.model()).isEqualTo("sonnet");
			assertThat(response.attempts()).singleElement()
				.satisfies((attempt) -> assertThat(attempt.deployment()).isIn("east", "west"));
			fromEast += "east".equals(response.attempts().get(0).deployment()) ? 1 : 0;
			assertThat(response.text()).isEqualTo("from " + response.attempts().get(0).deployment());
		}
		// three to one: 45 of 60 expected, fewer than 31 has a chance below one in 10^5
		assertThat(fromEast).isGreaterThan(30).isLessThan(60);
		this.east.verify(exactly(fromEast),
				postRequestedFor(urlEqualTo(MESSAGES)).withHeader("x-api-key", equalTo("east-key")));
		this.west.verify(exactly(60 - fromEast),
				postRequestedFor(urlEqualTo(MESSAGES)).withHeader("x-api-key", equalTo("west-key")));
	}

	@Test
	void rateLimitedDeploymentIsRetriedOnTheOtherAndHeldAloneWhileTheOtherModelsOfItsProviderGoOn() {
		this.east.stubFor(
				messages("claude-opus").willReturn(error(429, "rate_limit_error").withHeader("retry-after", "30")));
		this.west.stubFor(messages("claude-opus-eu").willReturn(message("from opus in the EU")));
		LlmRequest request = LlmRequest.builder().chain("opus").user("Hi").build();
		LlmResponse first = this.template.callBlocking(request);
		assertThat(first.text()).isEqualTo("from opus in the EU");
		assertThat(first.attempts())
			.extracting(LlmAttempt::model, LlmAttempt::deployment, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("opus", "a", Outcome.FAILURE, "LlmRateLimitException"),
					tuple("opus", "b", Outcome.SUCCESS, null));
		LlmResponse second = this.template.callBlocking(request);
		assertThat(second.attempts()).extracting(LlmAttempt::deployment, LlmAttempt::outcome)
			.containsExactly(tuple("b", Outcome.SUCCESS));
		this.east.verify(exactly(1), postRequestedFor(urlEqualTo(MESSAGES)));
		LlmOverview.ModelState opus = this.overview.model("opus");
		assertThat(opus.deployments().get("a").hold()).isPositive();
		assertThat(opus.deployments().get("b").hold()).isZero();
		// the hold is claude-opus's on east: sonnet's deployment there is not held
		assertThat(this.overview.model("sonnet").deployments().get("east").hold()).isZero();
		assertThat(this.overview.rateLimitHolds()).containsKey("east/claude-opus")
			.doesNotContainKeys("east", "east/claude-sonnet", "west/claude-opus-eu");
	}

	@Test
	void chainIsDegradedWhileEveryDeploymentOfItsFirstModelIsHeld() {
		assertThat(this.overview.chains().get("fable").serving()).isEqualTo("fable");
		this.east.stubFor(
				messages("claude-fable").willReturn(error(429, "rate_limit_error").withHeader("retry-after", "30")));
		this.west.stubFor(
				messages("claude-fable").willReturn(error(429, "rate_limit_error").withHeader("retry-after", "20")));
		LlmResponse response = this.template.callBlocking(LlmRequest.builder().chain("fable").user("Hi").build());
		assertThat(response.model()).isEqualTo("haiku");
		assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome)
			.containsExactly(tuple("fable", Outcome.FAILURE), tuple("fable", Outcome.FAILURE),
					tuple("haiku", Outcome.SUCCESS));
		assertThat(response.attempts()).extracting(LlmAttempt::deployment)
			.containsExactlyInAnyOrder("east", "west", null);
		assertThat(healthStatus()).isEqualTo("DEGRADED");
		assertThat(this.overview.chains().get("fable").serving()).isEqualTo("haiku");
		assertThat(this.overview.chains().get("fable").fallback()).isTrue();
		LlmOverview.ModelState fable = this.overview.model("fable");
		assertThat(fable.available()).isFalse();
		assertThat(fable.deployments().values()).allSatisfy((deployment) -> {
			assertThat(deployment.available()).isFalse();
			assertThat(deployment.hold()).isGreaterThan(Duration.ofSeconds(15));
		});
	}

	@Test
	void providerWhoseLimitsCountAllItsModelsHoldsThemAllAfterOneRateLimit() {
		this.gateway.stubFor(post(CHAT_COMPLETIONS).withRequestBody(matchingJsonPath("$.model", equalTo("gpt-a")))
			.willReturn(aResponse().withStatus(429)
				.withHeader("Content-Type", "application/json")
				.withHeader("retry-after", "30")
				.withBody("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
						+ "\"param\":null,\"code\":\"rate_limit_exceeded\"}}")));
		this.gateway.stubFor(post(CHAT_COMPLETIONS).withRequestBody(matchingJsonPath("$.model", equalTo("gpt-b")))
			.willReturn(chatCompletion("from gpt-b")));
		LlmResponse first = this.template.callBlocking(LlmRequest.builder().chain("gpt-a").user("Hi").build());
		assertThat(first.model()).isEqualTo("haiku");
		LlmResponse other = this.template.callBlocking(LlmRequest.builder().chain("gpt-b").user("Hi").build());
		assertThat(other.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("gpt-b", Outcome.SKIPPED, "LlmThrottledException"),
					tuple("haiku", Outcome.SUCCESS, null));
		this.gateway.verify(exactly(0), postRequestedFor(urlEqualTo(CHAT_COMPLETIONS))
			.withRequestBody(matchingJsonPath("$.model", equalTo("gpt-b"))));
		assertThat(this.overview.rateLimitHolds()).containsKey("gateway");
	}

	@Test
	void operatorForcesTheBreakerOfOneDeploymentOrOfAll() {
		LlmEndpoint endpoint = new LlmEndpoint(this.overview);
		try {
			LlmOverview.ModelState sonnet = endpoint.breaker("sonnet", "open", "west");
			assertThat(sonnet.deployments().get("west").state()).isEqualTo("FORCED_OPEN");
			assertThat(sonnet.deployments().get("east").state()).isEqualTo("CLOSED");
			assertThat(sonnet.state()).isEqualTo("CLOSED");
			for (int i = 0; i < 10; i++) {
				assertThat(this.template.callBlocking("Hi")).isEqualTo("from east");
			}
			this.west.verify(exactly(0), postRequestedFor(urlEqualTo(MESSAGES)));
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.breaker("sonnet", "open", "north"))
				.withMessageContaining("No deployment 'north' of model 'sonnet'")
				.withMessageContaining("[east, west]");
			assertThat(endpoint.breaker("sonnet", "open", null).deployments().values())
				.extracting(LlmOverview.DeploymentState::state)
				.containsOnly("FORCED_OPEN");
		}
		finally {
			endpoint.breaker("sonnet", "reset", null);
		}
		assertThat(this.overview.model("sonnet").deployments().values()).extracting(LlmOverview.DeploymentState::state)
			.containsOnly("CLOSED");
	}

	private String healthStatus() {
		return this.health.health().block(Duration.ofSeconds(5)).getStatus().getCode();
	}

	private static MappingBuilder messages(String model) {
		return post(MESSAGES).withRequestBody(matchingJsonPath("$.model", equalTo(model)));
	}

	private static ResponseDefinitionBuilder chatCompletion(String text) {
		return aResponse().withHeader("Content-Type", "application/json").withBody("""
				{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-b",
				 "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],
				 "usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}""".formatted(text));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
