package dev.llmresilience.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.error.LlmException;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import dev.llmresilience.test.ReceivedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Response headers a provider (or a proxy in front of it) should never send, through the
 * auto-configured {@link LlmTemplate}: waits of centuries, dates at the end of time,
 * garbage. A request still ends in an answer or a typed {@link LlmException}, in time.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HostileHeadersIT {

	private static final AtomicReference<Map<String, String>> HEADERS = new AtomicReference<>(Map.of());

	private static final FakeProviderServer SERVER = FakeProviderServer.start();

	private static final List<String> CASES = List.of("x-status=429;retry-after=99999999999",
			"x-status=429;retry-after=1e300", "x-status=429;retry-after-ms=1e30",
			"x-status=429;retry-after=Fri, 31 Dec 9999 23:59:59 GMT", "x-status=429;retry-after=-5",
			"x-status=429;retry-after=soon", "x-status=429;x-should-retry=perhaps",
			"anthropic-ratelimit-requests-remaining=0;anthropic-ratelimit-requests-reset=9999-12-31T23:59:59Z",
			"anthropic-ratelimit-tokens-remaining=0;anthropic-ratelimit-tokens-reset=+999999999-12-31T23:59:59Z",
			"anthropic-ratelimit-requests-remaining=-1;anthropic-ratelimit-requests-reset=yesterday",
			"x-status=529;retry-after-ms=NaN", "x-status=500;request-id=" + "r".repeat(4000));

	private static ChaosApplication application;

	@BeforeAll
	static void startApplication() {
		FaultPlan.scriptAnswers(SERVER);
		SERVER.respondWith(HostileHeadersIT::reply);
		// a provider and model per case, since a provider's hold outlives the request
		List<String> properties = new ArrayList<>(
				List.of("llm.resilience.timeout=5s", "llm.resilience.retry.initial-backoff=5ms"));
		for (int i = 0; i < CASES.size(); i++) {
			properties.add("llm.resilience.providers.upstream" + i + ".type=anthropic");
			properties.add("llm.resilience.providers.upstream" + i + ".base-url=" + SERVER.baseUrl());
			properties.add("llm.resilience.providers.upstream" + i + ".api-key=hostile-key");
			properties.add("llm.resilience.models.model" + i + ".provider=upstream" + i);
			properties.add("llm.resilience.models.model" + i + ".name=chaos-" + i);
		}
		application = ChaosApplication.start(TestApplication.class, false, properties.toArray(String[]::new));
	}

	static Stream<Arguments> cases() {
		return IntStream.range(0, CASES.size()).mapToObj((i) -> Arguments.of(i, CASES.get(i)));
	}

	@AfterAll
	static void stop() {
		try {
			application.close();
		}
		finally {
			SERVER.close();
		}
	}

	private static FakeReply reply(ReceivedRequest request) {
		Map<String, String> headers = new LinkedHashMap<>(HEADERS.get());
		String statusHeader = headers.remove("x-status");
		int status = (statusHeader != null) ? Integer.parseInt(statusHeader) : 200;
		FakeReply reply = (status == 200) ? FakeReply.answer()
				: FakeReply.error(status, "rate_limit_error", "Slow down");
		return reply.headers(headers);
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("cases")
	void requestsEndInAnAnswerOrTypedErrorWhateverTheHeaders(int number, String headers) {
		HEADERS.set(parse(headers));
		LlmTemplate template = application.bean(LlmTemplate.class);
		// the second call meets whatever the first one left behind (a hold of the
		// provider)
		for (int i = 0; i < 2; i++) {
			String outcome = template.call(LlmRequest.builder().model("model" + number).user("Hello").build())
				.map((response) -> "answer")
				.timeout(Duration.ofSeconds(15), Mono.just("no end within 15s"))
				.onErrorResume((error) -> Mono
					.just((error instanceof LlmException) ? "typed" : "untyped " + StackTraces.of(error)))
				.block(Duration.ofSeconds(30));
			assertThat(outcome).as("call %s with %s", i, headers).isIn("answer", "typed");
		}
	}

	private static Map<String, String> parse(String headers) {
		Map<String, String> parsed = new LinkedHashMap<>();
		for (String header : headers.split(";")) {
			int equals = header.indexOf('=');
			parsed.put(header.substring(0, equals), header.substring(equals + 1));
		}
		return parsed;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
