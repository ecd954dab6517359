package dev.llmresilience.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.error.LlmAllModelsFailedException;
import dev.llmresilience.error.LlmException;
import dev.llmresilience.error.LlmInvalidResponseException;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import dev.llmresilience.test.ReceivedRequest;
import dev.llmresilience.test.WireFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Secrets and trust boundaries, through an auto-configured web application over real HTTP
 * with every actuator endpoint exposed and all logging at DEBUG: real-looking API keys
 * never appear in the logs, in exceptions (their whole stack traces) or in any actuator
 * endpoint, not even when a provider echoes them back; error bodies copied into
 * exceptions are size-bounded; redirects are not followed; a request's provider-specific
 * fields cannot change where it goes or its headers.
 */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SecretsAndBoundariesIT {

	private static final String ANTHROPIC_KEY = "sk-ant-api03-" + secret(80, 1);

	private static final String OPENAI_KEY = "sk-proj-" + secret(64, 2);

	private static final FakeProviderServer ELSEWHERE = FakeProviderServer.start();

	private static final FakeProviderServer UPSTREAM = FakeProviderServer.start();

	private static ChaosApplication application;

	private static WebClient actuator;

	@BeforeAll
	static void startApplication() {
		ELSEWHERE.respondWith((request) -> FakeReply.json(200, "{}"));
		FaultPlan.scriptAnswers(UPSTREAM);
		UPSTREAM.respondWith(SecretsAndBoundariesIT::reply);
		application = ChaosApplication.start(TestApplication.class, true,
				"llm.resilience.providers.anthropic.type=anthropic",
				"llm.resilience.providers.anthropic.base-url=" + UPSTREAM.baseUrl(),
				// as the README suggests: the key comes from the environment
				"llm.resilience.providers.anthropic.api-key=${ANTHROPIC_API_KEY}", "ANTHROPIC_API_KEY=" + ANTHROPIC_KEY,
				"llm.resilience.providers.anthropic.max-response-size=2MB",
				"llm.resilience.providers.openai.type=openai",
				"llm.resilience.providers.openai.base-url=" + UPSTREAM.baseUrl(),
				"llm.resilience.providers.openai.api-key=" + OPENAI_KEY,
				"llm.resilience.providers.openai.max-response-size=2MB",
				"llm.resilience.models.claude.provider=anthropic", "llm.resilience.models.claude.name=claude-secret",
				"llm.resilience.models.gpt.provider=openai", "llm.resilience.models.gpt.name=gpt-secret",
				"llm.resilience.chains.default=claude", "llm.resilience.retry.max-attempts=1",
				"llm.resilience.circuit-breaker.minimum-number-of-calls=1000", "llm.resilience.timeout=10s",
				"management.endpoints.web.exposure.include=*",
				"management.endpoints.web.exposure.exclude=heapdump,shutdown",
				"management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always",
				"management.endpoint.health.show-details=always", "logging.level.root=DEBUG",
				// the test's own HTTP servers see the keys by design; the logs under test
				// are the client's
				"logging.level.reactor.netty.http.server=INFO");
		actuator = WebClient.builder()
			.baseUrl("http://127.0.0.1:" + application.port())
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
			.build();
	}

	@AfterAll
	static void stop() {
		try {
			application.close();
		}
		finally {
			UPSTREAM.close();
			ELSEWHERE.close();
		}
	}

	/**
	 * Answers by the tag each request carries: an error that echoes the key, a huge
	 * error, a reset, or a redirect elsewhere; otherwise, the script's proper answer.
	 */
	private static FakeReply reply(ReceivedRequest request) {
		WireFormat wire = request.wireFormat();
		String key = (wire == WireFormat.OPENAI) ? OPENAI_KEY : ANTHROPIC_KEY;
		String tag = String.valueOf(request.tag());
		String mega = "m".repeat(1024 * 1024);
		if (tag.startsWith("redirect-")) {
			int status = Integer.parseInt(tag.substring("redirect-".length()));
			return FakeReply.json(status, "{}").header("location", ELSEWHERE.baseUrl() + request.uri());
		}
		return switch (tag) {
			case "echo-401" -> FakeReply.error(401, "authentication_error", key + " is not valid");
			case "echo-500" -> FakeReply.error(500, "api_error", key + " broke the server");
			case "echo-200" -> FakeReply.okWithErrorBody("api_error", key + " in a 200");
			case "echo-event" -> FakeReply.raw(200, "text/event-stream",
					bytes(wire.errorEvent((wire == WireFormat.OPENAI) ? "server_error" : "api_error", key)));
			case "huge-message" -> FakeReply.error(500, "api_error", key + mega + key);
			case "huge-type" -> FakeReply.error(500, mega, "Huge type");
			case "huge-request-id" -> FakeReply.json(500,
					"{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"x\"},\"request_id\":\"" + mega
							+ "\"}");
			case "long-request-id-header" ->
				FakeReply.error(500, "api_error", "x").header("request-id", "r".repeat(6000));
			case "huge-code" -> FakeReply.json(500,
					"{\"error\":{\"message\":\"x\",\"type\":\"server_error\",\"code\":\"" + mega + "\"}}");
			case "huge-html" -> FakeReply.raw(502, "text/html", bytes("<html>" + key + mega + "</html>"));
			case "reset" -> FakeReply.reset();
			default -> null;
		};
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void apiKeysNeverReachAnswersOrExceptions() {
		List<String> outcomes = makeEveryKindOfRequest();
		outcomes.add(outcome("claude", "echo-event", true));
		outcomes.add(outcome("gpt", "echo-event", true));
		outcomes.forEach((outcome) -> assertNoSecret("an answer or an exception's stack trace", outcome));
		assertThat(String.join("\n", outcomes)).contains("LlmAuthenticationException", "[redacted]");
	}

	@Test
	void apiKeysNeverReachTheLogs(CapturedOutput output) {
		makeEveryKindOfRequest();
		assertThat(output.getAll()).as("DEBUG logs of the client").contains("HTTP POST", "Response 401");
		assertNoSecret("the logs", output.getAll());
	}

	@Test
	void apiKeysEchoedInStreamEventsNeverReachTheLogs(CapturedOutput output) {
		for (String model : List.of("claude", "gpt")) {
			assertThat(outcome(model, "echo-event", true)).contains("LlmServerException");
		}
		assertNoSecret("the logs", output.getAll());
	}

	@Test
	void apiKeysNeverReachActuatorEndpoints() {
		makeEveryKindOfRequest();
		for (String endpoint : actuatorEndpoints()) {
			assertNoSecret(endpoint, get(endpoint));
		}
	}

	/**
	 * Make requests of both providers that end every way: answers, errors that echo the
	 * key (statuses, error bodies in a 200), huge errors, resets.
	 * @return each request's answer as a string, or its error's whole stack trace
	 */
	private static List<String> makeEveryKindOfRequest() {
		List<String> outcomes = new ArrayList<>();
		for (String model : List.of("claude", "gpt")) {
			for (String tag : List.of("ok", "echo-401", "echo-500", "echo-200", "huge-message", "huge-html", "reset")) {
				outcomes.add(outcome(model, tag, false));
			}
			for (String tag : List.of("ok", "echo-500", "reset")) {
				outcomes.add(outcome(model, tag, true));
			}
		}
		return outcomes;
	}

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource({ "claude, huge-message", "claude, huge-type", "claude, huge-request-id", "claude, huge-html",
			"claude, long-request-id-header", "gpt, huge-message", "gpt, huge-type", "gpt, huge-code",
			"gpt, huge-html" })
	void errorBodiesCopiedIntoExceptionsAreSizeBounded(String model, String tag) {
		Throwable error = error(model, tag, false);
		assertThat(error).isInstanceOf(LlmAllModelsFailedException.class).hasCauseInstanceOf(LlmException.class);
		for (Throwable each = error; each != null; each = each.getCause()) {
			assertThat(each.getMessage()).as("message of %s", each.getClass().getSimpleName()).hasSizeLessThan(1024);
		}
	}

	@ParameterizedTest(name = "{0} {1} {2}")
	@CsvSource({ "claude, 301, call", "claude, 302, call", "claude, 303, stream", "claude, 307, call",
			"claude, 307, stream", "claude, 308, call", "gpt, 302, call", "gpt, 307, call", "gpt, 307, stream",
			"gpt, 308, stream" })
	void redirectsAreNotFollowed(String model, int status, String mode) {
		int elsewhere = ELSEWHERE.requests().count();
		Throwable error = error(model, "redirect-" + status, mode.equals("stream"));
		// the chain has a single model, whose error the request's error wraps
		assertThat(error).isInstanceOf(LlmAllModelsFailedException.class)
			.cause()
			.isInstanceOf(LlmInvalidResponseException.class)
			.hasMessageContaining("redirect");
		assertThat(ELSEWHERE.requests().count()).as("requests the redirect's target received").isEqualTo(elsewhere);
	}

	@ParameterizedTest
	@CsvSource({ "claude, x-api-key", "gpt, authorization" })
	void extraBodyCannotChangeTheUrlOrTheHeaders(String model, String keyHeader) {
		String key = model.equals("claude") ? ANTHROPIC_KEY : OPENAI_KEY;
		String tag = "extra-" + model;
		LlmRequest request = LlmRequest.builder()
			.model(model)
			.user("Hello")
			.extraBody("metadata", Map.of("user_id", tag))
			.extraBody("base_url", ELSEWHERE.baseUrl())
			.extraBody("baseUrl", ELSEWHERE.baseUrl())
			.extraBody("url", ELSEWHERE.baseUrl() + "/v1/messages")
			.extraBody("headers",
					Map.of("x-api-key", "stolen", "Authorization", "Bearer stolen", "Host", "evil.example"))
			.extraBody("x-api-key", "stolen")
			.build();
		int elsewhere = ELSEWHERE.requests().count();
		LlmResponse response = application.bean(LlmTemplate.class).call(request).block(Duration.ofSeconds(10));
		assertThat(response.model()).isEqualTo(model);
		assertThat(ELSEWHERE.requests().count()).isEqualTo(elsewhere);
		ReceivedRequest received = UPSTREAM.requests()
			.all()
			.stream()
			.filter((wire) -> tag.equals(wire.tag()))
			.reduce((first, second) -> second)
			.orElseThrow();
		assertThat(received.uri()).isEqualTo(model.equals("claude") ? "/v1/messages" : "/chat/completions");
		// the fake's log redacts keys; a digest tells which key each credential header
		// carried
		assertThat(received.headers().getAll(keyHeader)).singleElement().isEqualTo(ReceivedRequest.REDACTED);
		assertThat(received.sentApiKey(key)).as("the configured key").isTrue();
		assertThat(received.sentApiKey("stolen")).as("a key from the request's extra body").isFalse();
		assertThat(received.headers().get("host")).startsWith("127.0.0.1:");
		assertThat(received.headers().toString()).doesNotContain("stolen", "evil.example");
		JsonNode body = received.body();
		assertThat(body.path("base_url").asText()).isEqualTo(ELSEWHERE.baseUrl());
		assertThat(body.path("url").asText()).isEqualTo(ELSEWHERE.baseUrl() + "/v1/messages");
		assertThat(body.path("headers").path("x-api-key").asText()).isEqualTo("stolen");
		assertThat(body.path("x-api-key").asText()).isEqualTo("stolen");
	}

	/**
	 * Make a request and describe how it ended: the answer's {@code toString()}, or the
	 * error's whole stack trace.
	 */
	private static String outcome(String model, String tag, boolean stream) {
		LlmRequest request = request(model, tag);
		LlmTemplate template = application.bean(LlmTemplate.class);
		Mono<String> outcome = stream ? template.stream(request).collectList().map(List::toString)
				: template.call(request).map(LlmResponse::toString);
		return outcome.onErrorResume((error) -> Mono.just(StackTraces.of(error))).block(Duration.ofSeconds(20));
	}

	private static Throwable error(String model, String tag, boolean stream) {
		LlmRequest request = request(model, tag);
		LlmTemplate template = application.bean(LlmTemplate.class);
		Mono<?> call = stream ? template.stream(request).ofType(LlmStreamEvent.Completion.class).last()
				: template.call(request);
		try {
			call.block(Duration.ofSeconds(20));
		}
		catch (RuntimeException ex) {
			return ex;
		}
		return fail("Request %s to %s did not fail", tag, model);
	}

	/**
	 * Every endpoint the actuator lists, with its path variables filled in with values
	 * that would show a key if any endpoint had one to show.
	 */
	private static List<String> actuatorEndpoints() {
		// read as text: on Spring Boot 4 the client's JSON codec is Jackson 3's
		String index = actuator.get()
			.uri("/actuator")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
		JsonNode links = readTree(index).path("_links");
		Map<String, List<String>> values = Map.of("model", List.of("claude", "gpt"), "toMatch",
				List.of("ANTHROPIC_API_KEY", "llm.resilience.providers.anthropic.api-key",
						"llm.resilience.providers.openai.api-key"),
				"prefix", List.of("llm.resilience"), "requiredMetricName", List.of("llm.request", "llm.attempt"),
				"eventType", List.of("ERROR"));
		List<String> endpoints = new ArrayList<>();
		links.fields().forEachRemaining((link) -> {
			List<String> paths = List.of(link.getValue().path("href").asText().replaceFirst("^https?://[^/]+", ""));
			Matcher variable = Pattern.compile("\\{([^}]+)}").matcher(paths.get(0));
			while (variable.find()) {
				String placeholder = variable.group();
				List<String> candidates = values.getOrDefault(variable.group(1), List.of("claude", "gpt"));
				paths = paths.stream()
					.flatMap((path) -> candidates.stream().map((candidate) -> path.replace(placeholder, candidate)))
					.toList();
			}
			endpoints.addAll(paths);
		});
		assertThat(endpoints).contains("/actuator/health", "/actuator/env", "/actuator/configprops", "/actuator/llm");
		return endpoints;
	}

	private static String get(String path) {
		return actuator.get()
			.uri(path)
			.exchangeToMono((response) -> response.bodyToMono(String.class).defaultIfEmpty(""))
			.block(Duration.ofSeconds(10));
	}

	/**
	 * Check that no part of a key, sixteen characters or longer, is in the text: a key
	 * cut short (a log line that shows the first hundred characters of a body, say) is
	 * still a leak.
	 */
	private static void assertNoSecret(String where, String text) {
		for (String key : List.of(ANTHROPIC_KEY, OPENAI_KEY)) {
			for (int start = 0; start + 16 <= key.length(); start++) {
				String part = key.substring(start, start + 16);
				if (text.contains(part)) {
					int at = text.indexOf(part);
					fail("A key is in %s: ...%s...", where,
							text.substring(Math.max(0, at - 200), Math.min(text.length(), at + 100)));
				}
			}
		}
	}

	private static LlmRequest request(String model, String tag) {
		return LlmRequest.builder().model(model).user("Hello").extraBody("metadata", Map.of("user_id", tag)).build();
	}

	private static String secret(int length, long seed) {
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		Random random = new Random(seed);
		StringBuilder secret = new StringBuilder();
		for (int i = 0; i < length; i++) {
			secret.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return secret.toString();
	}

	private static JsonNode readTree(String json) {
		try {
			return new ObjectMapper().readTree(json);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
