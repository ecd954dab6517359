package dev.llmresilience;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.llmresilience.error.LlmAuthenticationException;
import dev.llmresilience.error.LlmInvalidRequestException;
import dev.llmresilience.error.LlmUnknownTargetException;
import dev.llmresilience.resilience.ModelCatalog;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.wiremock.spring.ConfigureWireMock;
import org.wiremock.spring.EnableWireMock;
import org.wiremock.spring.InjectWireMock;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * End-to-end tests of the auto-configured {@link LlmTemplate} over real HTTP, against
 * WireMock servers that speak the Anthropic and OpenAI wire formats.
 */
@WithWebTestClient
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "llm.resilience.providers.anthropic.type=anthropic",
				"llm.resilience.providers.anthropic.api-key=" + LlmTemplateIntegrationTests.ANTHROPIC_KEY,
				"llm.resilience.providers.local.type=openai",
				"llm.resilience.providers.local.api-key=" + LlmTemplateIntegrationTests.OPENAI_KEY,
				"llm.resilience.models.sonnet.provider=anthropic",
				"llm.resilience.models.sonnet.name=claude-sonnet-4-5",
				"llm.resilience.models.sonnet.max-output-tokens=2000", "llm.resilience.models.llama.provider=local",
				"llm.resilience.models.llama.name=llama3.2", "llm.resilience.chains.default[0]=sonnet",
				"llm.resilience.chains.default[1]=llama", "llm.resilience.chains.local[0]=llama",
				"management.endpoints.web.exposure.include=health,env,configprops",
				"management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always",
				"logging.level.org.springframework.web=DEBUG", "logging.level.reactor.netty=DEBUG",
				"logging.level.dev.llmresilience=DEBUG" })
@EnableWireMock({
		@ConfigureWireMock(name = "anthropic", baseUrlProperties = "llm.resilience.providers.anthropic.base-url",
				configurationCustomizers = QuietWireMock.class),
		@ConfigureWireMock(name = "local", baseUrlProperties = "llm.resilience.providers.local.base-url",
				configurationCustomizers = QuietWireMock.class) })
@ExtendWith(OutputCaptureExtension.class)
class LlmTemplateIntegrationTests {

	static final String ANTHROPIC_KEY = "sk-ant-api03-Zx8Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz1Xc3Vb5Nm7Qa9Ws1Ed3Rf5Tg7Yh9Uj1Ik3Ol5P-7mQ2rTAA";

	static final String OPENAI_KEY = "sk-proj-Hq3Lm9Xv2Bn7Rt5Yw1Kp8Ds4Fg6Jz0Ca2Ve4Tb6Nu8Mi0Ok2Pl4Qs6Wd8Ef0";

	private static final String MESSAGE = """
			{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
			 "content":[{"type":"text","text":"Hello from Sonnet"}],"stop_reason":"end_turn",
			 "usage":{"input_tokens":12,"output_tokens":4}}""";

	private static final String COMPLETION = """
			{"id":"chatcmpl-1","object":"chat.completion","model":"llama3.2","choices":[{"index":0,
			 "message":{"role":"assistant","content":"Hello from Llama"},"finish_reason":"stop"}],
			 "usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}""";

	@Autowired
	private LlmTemplate template;

	@Autowired
	private ModelCatalog catalog;

	@Autowired
	private WebTestClient webTestClient;

	@Autowired
	private CircuitBreakerRegistry circuitBreakers;

	@InjectWireMock("anthropic")
	private WireMockServer anthropic;

	@InjectWireMock("local")
	private WireMockServer local;

	@Test
	void callsTheFirstModelOfTheDefaultChain() {
		this.anthropic
			.stubFor(post("/v1/messages").willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withHeader("request-id", "req_1")
				.withBody(MESSAGE)));
		StepVerifier.create(this.template.call("Hi")).assertNext((response) -> {
			assertThat(response.text()).isEqualTo("Hello from Sonnet");
			assertThat(response.model()).isEqualTo("sonnet");
			assertThat(response.modelName()).isEqualTo("claude-sonnet-4-5-20250929");
			assertThat(response.provider()).isEqualTo("anthropic");
			assertThat(response.usage()).isEqualTo(new LlmUsage(12, 4));
			assertThat(response.requestId()).isEqualTo("req_1");
			assertThat(response.fallback()).isFalse();
			assertThat(response.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("sonnet", LlmAttempt.Outcome.SUCCESS));
		}).expectComplete().verify(TIMEOUT);
		this.anthropic
			.verify(postRequestedFor(urlEqualTo("/v1/messages")).withHeader("x-api-key", equalTo(ANTHROPIC_KEY))
				.withRequestBody(matchingJsonPath("$.model", equalTo("claude-sonnet-4-5")))
				.withRequestBody(matchingJsonPath("$.max_tokens", equalTo("2000"))));
	}

	@Test
	void requestNamingAModelIsServedByThatModelsProvider() {
		this.local.stubFor(post("/chat/completions")
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(COMPLETION)));
		LlmResponse response = this.template.callBlocking(LlmRequest.builder().model("llama").user("Hi").build());
		assertThat(response.text()).isEqualTo("Hello from Llama");
		assertThat(response.provider()).isEqualTo("local");
		this.local.verify(postRequestedFor(urlEqualTo("/chat/completions")).withHeader("Authorization",
				equalTo("Bearer " + OPENAI_KEY)));
	}

	@Test
	void requestNamingAChainIsServedByThatChain() {
		this.local.stubFor(post("/chat/completions")
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(COMPLETION)));
		assertThat(this.template.callBlocking(LlmRequest.builder().chain("local").user("Hi").build()).model())
			.isEqualTo("llama");
	}

	@Test
	void streamsTextDeltasThenOneCompletion() {
		String events = """
				event: message_start
				data: {"type":"message_start","message":{"id":"msg_2","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"usage":{"input_tokens":7,"output_tokens":1}}}

				event: content_block_start
				data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

				event: content_block_delta
				data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}

				event: content_block_delta
				data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}}

				event: message_delta
				data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}

				event: message_stop
				data: {"type":"message_stop"}

				""";
		this.anthropic.stubFor(post("/v1/messages")
			.willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(events)));
		List<LlmStreamEvent> received = this.template.streamBlocking(LlmRequest.ofPrompt("Hi")).toList();
		assertThat(received).hasSize(3);
		assertThat(received.subList(0, 2)).containsExactly(new LlmStreamEvent.TextDelta("Hel"),
				new LlmStreamEvent.TextDelta("lo"));
		LlmResponse response = ((LlmStreamEvent.Completion) received.get(2)).response();
		assertThat(response.text()).isEqualTo("Hello");
		assertThat(response.usage()).isEqualTo(new LlmUsage(7, 2));
		assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
		assertThat(response.attempts()).hasSize(1);
	}

	@Test
	void unknownChainFailsWithTypedError() {
		assertThatExceptionOfType(LlmUnknownTargetException.class)
			.isThrownBy(() -> this.template.callBlocking(LlmRequest.builder().chain("nope").user("Hi").build()))
			.withMessageContaining("No chain 'nope'")
			.withMessageContaining("[default, local]");
	}

	@Test
	void apiKeysNeverReachLogsOrErrors(CapturedOutput output) {
		this.anthropic.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withBody(
					"{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key "
							+ ANTHROPIC_KEY + "\"}}")));
		this.local.stubFor(post("/chat/completions").willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":{\"message\":\"Incorrect API key provided: " + OPENAI_KEY
					+ "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}")));
		assertThatExceptionOfType(LlmAuthenticationException.class).isThrownBy(() -> this.template.callBlocking("Hi"))
			.satisfies(
					(ex) -> assertThat(ex).hasMessageContaining("[redacted]").hasMessageNotContaining(ANTHROPIC_KEY));
		assertThatExceptionOfType(LlmAuthenticationException.class)
			.isThrownBy(() -> this.template.callBlocking(LlmRequest.builder().model("llama").user("Hi").build()))
			.satisfies((ex) -> assertThat(ex.toString()).doesNotContain(OPENAI_KEY));
		assertThat(this.catalog.providerOf(this.catalog.getModels().get("sonnet"))).asString()
			.doesNotContain(ANTHROPIC_KEY);
		assertThat(output).contains("POST").doesNotContain(ANTHROPIC_KEY).doesNotContain(OPENAI_KEY);
	}

	@Test
	void extraBodyValueThatCannotBeWrittenAsJsonFailsTheCallBeforeAnythingIsSent(CapturedOutput output) {
		this.anthropic.resetRequests();
		this.local.resetRequests();
		List<CircuitBreakerEvent.Type> breakerEvents = new CopyOnWriteArrayList<>();
		this.circuitBreakers.circuitBreaker("sonnet")
			.getEventPublisher()
			.onEvent((event) -> breakerEvents.add(event.getEventType()));
		LlmRequest request = LlmRequest.builder().user("Hi").extraBody("metadata", new ExpiredToken()).build();
		assertThatExceptionOfType(LlmInvalidRequestException.class)
			.isThrownBy(() -> this.template.callBlocking(request))
			.satisfies((ex) -> assertRefusedBeforeSending(ex, output));
		// neither retried nor passed on to llama, which would have got the request
		// without its extraBody
		this.anthropic.verify(0, anyRequestedFor(anyUrl()));
		this.local.verify(0, anyRequestedFor(anyUrl()));
		// nor counted by the breaker: it says nothing of the model's health
		assertThat(breakerEvents).containsExactly(CircuitBreakerEvent.Type.IGNORED_ERROR);
	}

	@Test
	void extraBodyValueThatCannotBeWrittenAsJsonFailsTheStreamBeforeAnythingIsSent(CapturedOutput output) {
		this.anthropic.resetRequests();
		this.local.resetRequests();
		LlmRequest request = LlmRequest.builder().user("Hi").extraBody("metadata", new ExpiredToken()).build();
		StepVerifier.create(this.template.stream(request))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(LlmInvalidRequestException.class,
					(invalid) -> assertRefusedBeforeSending(invalid, output)))
			.verify(Duration.ofSeconds(10));
		this.anthropic.verify(0, anyRequestedFor(anyUrl()));
		this.local.verify(0, anyRequestedFor(anyUrl()));
	}

	private static void assertRefusedBeforeSending(LlmInvalidRequestException ex, CapturedOutput output) {
		assertThat(ex.getProvider()).isEqualTo("anthropic");
		assertThat(ex.getModel()).isEqualTo("sonnet");
		assertThat(ex.getStatusCode()).isZero();
		assertThat(ex.getMessage()).contains("extraBody field 'metadata'")
			.contains(ExpiredToken.class.getName())
			.doesNotContain(ExpiredToken.SECRET);
		StringWriter trace = new StringWriter();
		ex.printStackTrace(new PrintWriter(trace));
		assertThat(trace.toString()).doesNotContain(ExpiredToken.SECRET);
		assertThat(output).doesNotContain(ExpiredToken.SECRET);
	}

	@Test
	void actuatorEndpointsMaskApiKeys() {
		for (String endpoint : List.of("/actuator/env", "/actuator/configprops")) {
			String body = this.webTestClient.get()
				.uri(endpoint)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(String.class)
				.returnResult()
				.getResponseBody();
			assertThat(body).as(endpoint)
				.contains("claude-sonnet-4-5")
				.contains("******")
				.doesNotContain(ANTHROPIC_KEY)
				.doesNotContain(OPENAI_KEY);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

	/**
	 * An {@code extraBody} value that Jackson cannot write, whose error would quote the
	 * secret it holds.
	 */
	public static final class ExpiredToken {

		static final String SECRET = "tok-live-Qm7Rz2Lw9Xp4Vt6Ks8Jd3Hf5";

		public String getToken() {
			throw new IllegalStateException("token " + SECRET + " has expired");
		}

	}

}
