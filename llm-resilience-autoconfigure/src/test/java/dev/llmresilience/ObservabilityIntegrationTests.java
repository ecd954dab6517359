package dev.llmresilience;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.llmresilience.error.LlmInvalidRequestException;
import dev.llmresilience.observation.LlmAttemptContext;
import dev.llmresilience.observation.LlmRequestContext;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
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

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static dev.llmresilience.AnthropicStubs.MESSAGES;
import static dev.llmresilience.AnthropicStubs.error;
import static dev.llmresilience.AnthropicStubs.message;
import static dev.llmresilience.AnthropicStubs.overloaded;
import static dev.llmresilience.AnthropicStubs.respondInTurn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of the meters and observations of requests made through the
 * auto-configured {@link LlmTemplate} against WireMock servers, with Spring Boot's
 * metrics and observation auto-configuration and resilience4j's. Each test calls models
 * or chains of its own, so that the meters it reads are its alone.
 */
@SpringBootTest(properties = { "llm.resilience.providers.primary.type=anthropic",
		"llm.resilience.providers.primary.api-key=primary-key", "llm.resilience.providers.secondary.type=anthropic",
		"llm.resilience.providers.secondary.api-key=secondary-key", "llm.resilience.models.sonnet.provider=primary",
		"llm.resilience.models.sonnet.name=claude-sonnet-4-5", "llm.resilience.models.haiku.provider=secondary",
		"llm.resilience.models.haiku.name=claude-haiku-4-5", "llm.resilience.models.flaky.provider=primary",
		"llm.resilience.models.flaky.name=claude-flaky", "llm.resilience.models.flaky.retry.max-attempts=3",
		"llm.resilience.models.weak.provider=primary", "llm.resilience.models.weak.name=claude-weak",
		"llm.resilience.models.broken.provider=primary", "llm.resilience.models.broken.name=claude-broken",
		"llm.resilience.models.streamer.provider=primary", "llm.resilience.models.streamer.name=claude-streamer",
		"llm.resilience.models.probe.provider=primary", "llm.resilience.models.probe.name=claude-probe",
		"llm.resilience.models.probe.retry.max-attempts=3", "llm.resilience.models.echo.provider=primary",
		"llm.resilience.models.echo.name=claude-echo", "llm.resilience.models.whisper.provider=primary",
		"llm.resilience.models.whisper.name=claude-whisper", "llm.resilience.models.pathfinder.provider=secondary",
		"llm.resilience.models.pathfinder.name=claude-pathfinder", "llm.resilience.chains.default[0]=sonnet",
		"llm.resilience.chains.default[1]=haiku", "llm.resilience.chains.fallback[0]=weak",
		"llm.resilience.chains.fallback[1]=haiku", "llm.resilience.chains.strict[0]=broken",
		"llm.resilience.chains.strict[1]=haiku", "llm.resilience.retry.max-attempts=1",
		"llm.resilience.retry.initial-backoff=10ms", "llm.resilience.retry.jitter=0",
		"llm.resilience.circuit-breaker.minimum-number-of-calls=100" })
@EnableWireMock({
		@ConfigureWireMock(name = "primary", baseUrlProperties = "llm.resilience.providers.primary.base-url",
				configurationCustomizers = QuietWireMock.class),
		@ConfigureWireMock(name = "secondary", baseUrlProperties = "llm.resilience.providers.secondary.base-url",
				configurationCustomizers = QuietWireMock.class) })
class ObservabilityIntegrationTests {

	private static final String PROMPT = "Summarise the Ophelia dossier";

	private static final String SYSTEM = "You are Horatio";

	private static final String ANSWER = "The dossier says Elsinore";

	@Autowired
	private LlmTemplate template;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private RecordingObservationHandler observations;

	@InjectWireMock("primary")
	private WireMockServer primary;

	@InjectWireMock("secondary")
	private WireMockServer secondary;

	@BeforeEach
	void reset() {
		this.primary.resetAll();
		this.secondary.resetAll();
	}

	@Test
	void answeredCallsRecordGenAiOperationDurationAndTokenUsage() {
		answer(this.primary, "claude-sonnet-4-5",
				aResponse().withHeader("Content-Type", "application/json").withBody("""
						{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
						 "content":[{"type":"text","text":"Hello"}],"stop_reason":"end_turn",
						 "usage":{"input_tokens":12,"output_tokens":4}}"""));
		LlmRequest request = LlmRequest.builder().model("sonnet").user("Hi").build();
		this.template.callBlocking(request);
		this.template.callBlocking(request);
		String[] tags = { "gen_ai.operation.name", "chat", "gen_ai.system", "anthropic", "gen_ai.request.model",
				"claude-sonnet-4-5", "gen_ai.response.model", "claude-sonnet-4-5-20250929" };
		await().untilAsserted(() -> {
			assertThat(this.meters.get("gen_ai.client.operation.duration").tags(tags).timer().count()).isEqualTo(2);
			assertThat(this.meters.get("gen_ai.client.token.usage")
				.tags(tags)
				.tag("gen_ai.token.type", "input")
				.summary()
				.totalAmount()).isEqualTo(24);
			assertThat(this.meters.get("gen_ai.client.token.usage")
				.tags(tags)
				.tag("gen_ai.token.type", "output")
				.summary()
				.totalAmount()).isEqualTo(8);
		});
	}

	@Test
	void fallbackIsCountedFromTheChainsFirstModelToTheAnsweringOne() {
		answer(this.primary, "claude-weak", overloaded());
		answer(this.secondary, "claude-haiku-4-5", message("Hello from Haiku"));
		LlmResponse response = this.template.callBlocking(LlmRequest.builder().chain("fallback").user("Hi").build());
		assertThat(response.model()).isEqualTo("haiku");
		await().untilAsserted(() -> {
			assertThat(this.meters.get("llm.fallbacks").tags("llm.from", "weak", "llm.to", "haiku").counter().count())
				.isEqualTo(1);
			assertThat(this.meters.get("llm.request")
				.tags("llm.target", "fallback", "llm.outcome", "fallback", "llm.model", "haiku")
				.timer()
				.count()).isEqualTo(1);
			assertThat(this.meters.get("gen_ai.client.operation.duration")
				.tags("gen_ai.request.model", "claude-weak", "error.type", "LlmOverloadedException")
				.timer()
				.count()).isEqualTo(1);
			assertThat(this.meters.get("llm.attempt")
				.tags("llm.model", "weak", "llm.outcome", "failure", "error.type", "LlmOverloadedException")
				.timer()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void requestTimerTellsSuccessesFromErrors() {
		answer(this.primary, "claude-sonnet-4-5", message("Hello"));
		answer(this.primary, "claude-broken", error(400, "invalid_request_error"));
		this.template.callBlocking("Hi");
		assertThatExceptionOfType(LlmInvalidRequestException.class)
			.isThrownBy(() -> this.template.callBlocking(LlmRequest.builder().chain("strict").user("Hi").build()));
		await().untilAsserted(() -> {
			assertThat(this.meters.get("llm.request")
				.tags("llm.target", "default", "llm.outcome", "success", "llm.model", "sonnet", "llm.streaming",
						"false", "llm.priority", "normal", "error.type", "none")
				.timer()
				.count()).isEqualTo(1);
			assertThat(this.meters.get("llm.request")
				.tags("llm.target", "strict", "llm.outcome", "error", "error.type", "LlmInvalidRequestException")
				.timer()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void everyTryAfterTheFirstIsARetryWithAnAttemptOfItsOwn() {
		respondInTurn(this.primary, overloaded(), overloaded(), message("Hello from Flaky"));
		assertThat(this.template.callBlocking(LlmRequest.builder().model("flaky").user("Hi").build()).text())
			.isEqualTo("Hello from Flaky");
		await().untilAsserted(() -> {
			assertThat(this.meters.get("llm.retries").tag("llm.model", "flaky").counter().count()).isEqualTo(2);
			assertThat(this.meters.get("llm.attempt")
				.tags("llm.model", "flaky", "llm.outcome", "failure", "gen_ai.request.model", "claude-flaky")
				.timer()
				.count()).isEqualTo(2);
			assertThat(this.meters.get("llm.attempt")
				.tags("llm.model", "flaky", "llm.outcome", "success", "llm.provider", "primary")
				.timer()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void streamRecordsTimeToFirstTokenAndItsUsage() {
		answer(this.primary, "claude-streamer", AnthropicStubs.stream("Hel", "lo"));
		assertThat(this.template.streamBlocking(LlmRequest.builder().model("streamer").user("Hi").build())).hasSize(3);
		await().untilAsserted(() -> {
			assertThat(this.meters.get("llm.stream.time_to_first_token").tag("llm.model", "streamer").timer().count())
				.isEqualTo(1);
			assertThat(this.meters.get("llm.request")
				.tags("llm.target", "model:streamer", "llm.streaming", "true", "llm.outcome", "success")
				.timer()
				.count()).isEqualTo(1);
			assertThat(this.meters.get("gen_ai.client.token.usage")
				.tags("gen_ai.request.model", "claude-streamer", "gen_ai.token.type", "input")
				.summary()
				.totalAmount()).isEqualTo(5);
		});
	}

	@Test
	void queueAndProviderHoldMetersFollowTheQueue() {
		answer(this.primary, "claude-sonnet-4-5", message("Hello"));
		this.template.callBlocking(LlmRequest.builder().model("sonnet").user("Hi").build());
		assertThat(this.meters.get("llm.queue.depth").gauges()).hasSize(LlmPriority.values().length)
			.allSatisfy((gauge) -> assertThat(gauge.value()).isZero());
		assertThat(this.meters.get("llm.queue.wait").functionTimer().count()).isPositive();
		assertThat(this.meters.get("llm.queue.refused").functionCounter().count()).isZero();
		await().untilAsserted(() -> assertThat(this.meters.get("llm.queue.in_flight").gauge().value()).isZero());
		assertThat(this.meters.get("llm.provider.hold").gauges())
			.extracting((gauge) -> gauge.getId().getTag("llm.provider"))
			.containsExactlyInAnyOrder("primary", "secondary");
	}

	@Test
	void resilience4jMetersExistForEveryModel() {
		for (String model : List.of("sonnet", "haiku", "flaky", "weak", "broken", "streamer", "probe")) {
			assertThat(this.meters.get("resilience4j.circuitbreaker.state")
				.tags("name", model, "state", "closed")
				.gauge()
				.value()).as(model).isEqualTo(1);
			assertThat(Search.in(this.meters).name("resilience4j.circuitbreaker.calls").tag("name", model).meters())
				.as(model)
				.isNotEmpty();
			assertThat(Search.in(this.meters).name("resilience4j.retry.calls").tag("name", model).meters()).as(model)
				.isNotEmpty();
		}
	}

	@Test
	void eachRequestIsOneObservationWithAChildAttemptPerTry() {
		respondInTurn(this.primary, overloaded(), overloaded(), message(ANSWER));
		this.template.callBlocking(LlmRequest.builder().model("probe").system(SYSTEM).user(PROMPT).build());
		await().untilAsserted(() -> assertThat(stoppedAttemptsOf("probe")).hasSize(3));
		List<LlmRequestContext> requests = this.observations.stopped()
			.filter(LlmRequestContext.class::isInstance)
			.map(LlmRequestContext.class::cast)
			.filter((context) -> context.getTarget().equals("model:probe"))
			.toList();
		assertThat(requests).hasSize(1);
		LlmRequestContext request = requests.get(0);
		assertThat(request.getName()).isEqualTo("llm.request");
		assertThat(request.getContextualName()).isEqualTo("llm model:probe");
		List<LlmAttemptContext> attempts = stoppedAttemptsOf("probe");
		assertThat(attempts).extracting(LlmAttemptContext::getAttempt).containsExactlyInAnyOrder(1, 2, 3);
		assertThat(attempts).allSatisfy((attempt) -> {
			assertThat(attempt.getName()).isEqualTo("llm.attempt");
			assertThat(attempt.getContextualName()).isEqualTo("chat claude-probe");
			assertThat(attempt.getParentObservation().getContextView()).isSameAs(request);
		});
		List<Observation.Context> httpCalls = this.observations.stopped()
			.filter((context) -> "http.client.requests".equals(context.getName()))
			.filter((context) -> context.getParentObservation() != null
					&& attempts.contains(context.getParentObservation().getContextView()))
			.toList();
		assertThat(httpCalls).as("one HTTP call under each attempt").hasSize(3);
	}

	@Test
	void attemptsEndBeforeTheirRequest() {
		answer(this.primary, "claude-echo", message(ANSWER));
		this.template.callBlocking(LlmRequest.builder().model("echo").user(PROMPT).build());
		await().untilAsserted(() -> assertThat(stoppedAttemptsOf("echo")).hasSize(1));
		LlmAttemptContext attempt = stoppedAttemptsOf("echo").get(0);
		Observation.Context request = (Observation.Context) attempt.getParentObservation().getContextView();
		await().untilAsserted(() -> assertThat(this.observations.stopped()).contains(request));
		List<Observation.Context> stopped = this.observations.stopped().toList();
		assertThat(stopped.indexOf(attempt)).as("a child observation stops before its parent")
			.isLessThan(stopped.indexOf(request));
	}

	@Test
	void httpCallsAreObservedWithThePathAsTheirUriTemplate() {
		answer(this.secondary, "claude-pathfinder", message(ANSWER));
		this.template.callBlocking(LlmRequest.builder().model("pathfinder").user(PROMPT).build());
		answer(this.secondary, "claude-pathfinder", AnthropicStubs.stream("The dossier ", "says Elsinore"));
		this.template.streamBlocking(LlmRequest.builder().model("pathfinder").user(PROMPT).build()).toList();
		await().untilAsserted(() -> assertThat(stoppedAttemptsOf("pathfinder")).hasSize(2));
		List<LlmAttemptContext> attempts = stoppedAttemptsOf("pathfinder");
		List<Observation.Context> httpCalls = this.observations.stopped()
			.filter((context) -> "http.client.requests".equals(context.getName()))
			.filter((context) -> context.getParentObservation() != null
					&& attempts.contains(context.getParentObservation().getContextView()))
			.toList();
		assertThat(httpCalls).hasSize(2).allSatisfy((context) -> {
			assertThat(context.getLowCardinalityKeyValue("uri").getValue()).isEqualTo(MESSAGES);
			assertThat(context.getHighCardinalityKeyValue("http.url").getValue())
				.isEqualTo(this.secondary.baseUrl() + MESSAGES);
		});
		assertThat(this.meters.get("http.client.requests").tag("uri", MESSAGES).timers()).isNotEmpty();
		assertThat(Search.in(this.meters).name("http.client.requests").tag("uri", "none").meters()).isEmpty();
	}

	@Test
	void noPromptOrAnswerTextBecomesAnObservationKeyValue() {
		answer(this.primary, "claude-sonnet-4-5", message(ANSWER));
		answer(this.primary, "claude-whisper", AnthropicStubs.stream("The dossier ", "says Elsinore"));
		this.template.callBlocking(LlmRequest.builder().model("sonnet").system(SYSTEM).user(PROMPT).build());
		this.template.streamBlocking(LlmRequest.builder().model("whisper").system(SYSTEM).user(PROMPT).build())
			.toList();
		await().untilAsserted(() -> assertThat(stoppedAttemptsOf("whisper")).isNotEmpty());
		List<String> texts = this.observations.stopped()
			.flatMap((context) -> Stream.concat(Stream.of(context.getName(), context.getContextualName()),
					Stream
						.concat(context.getLowCardinalityKeyValues().stream(),
								context.getHighCardinalityKeyValues().stream())
						.map(KeyValue::getValue)))
			.filter((text) -> text != null)
			.toList();
		assertThat(texts).isNotEmpty()
			.noneMatch((text) -> text.contains("Ophelia") || text.contains("Horatio") || text.contains("Elsinore"));
	}

	private List<LlmAttemptContext> stoppedAttemptsOf(String model) {
		return this.observations.stopped()
			.filter(LlmAttemptContext.class::isInstance)
			.map(LlmAttemptContext.class::cast)
			.filter((context) -> context.getModel().id().equals(model))
			.toList();
	}

	private static void answer(WireMockServer server, String modelName, ResponseDefinitionBuilder response) {
		server.stubFor(
				post(MESSAGES).withRequestBody(matchingJsonPath("$.model", equalTo(modelName))).willReturn(response));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		RecordingObservationHandler recordingObservationHandler() {
			return new RecordingObservationHandler();
		}

	}

	/**
	 * Records every observation as it stops, in order.
	 */
	static final class RecordingObservationHandler implements ObservationHandler<Observation.Context> {

		private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

		@Override
		public void onStop(Observation.Context context) {
			this.stopped.add(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

		Stream<Observation.Context> stopped() {
			return this.stopped.stream();
		}

	}

}
