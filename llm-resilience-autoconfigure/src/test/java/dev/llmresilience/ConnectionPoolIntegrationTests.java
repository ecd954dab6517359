package dev.llmresilience;

import java.time.Duration;
import java.util.List;

import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.autoconfigure.LlmResilienceAutoConfiguration;
import dev.llmresilience.resilience.FallbackChain;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Tests of each provider's connection pool over real HTTP: {@code busy} allows two
 * connections, answers after 50 ms, and holds the requests that ask for it until
 * released; {@code spare} serves the fallback. A call that finds no free connection
 * within the connect timeout is not made: it is skipped, not counted against the breaker
 * of a provider that did nothing wrong, and the chain moves on.
 */
class ConnectionPoolIntegrationTests {

	private final FakeProviderServer busy = FakeProviderServer.start();

	private final FakeProviderServer spare = FakeProviderServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(SpringBootTestSupport.webClient())
		.withConfiguration(AutoConfigurations.of(LlmResilienceAutoConfiguration.class))
		.withPropertyValues("llm.resilience.providers.busy.type=anthropic",
				"llm.resilience.providers.busy.base-url=" + this.busy.baseUrl(),
				"llm.resilience.providers.busy.api-key=test-key", "llm.resilience.providers.busy.max-connections=2",
				"llm.resilience.providers.busy.connect-timeout=300ms", "llm.resilience.providers.spare.type=anthropic",
				"llm.resilience.providers.spare.base-url=" + this.spare.baseUrl(),
				"llm.resilience.providers.spare.api-key=test-key", "llm.resilience.models.sonnet.provider=busy",
				"llm.resilience.models.haiku.provider=spare", "llm.resilience.chains.default[0]=sonnet",
				"llm.resilience.chains.default[1]=haiku", "llm.resilience.queue.max-concurrent=8");

	@BeforeEach
	void answerAfterFiftyMillisecondsHoldingWhenAsked() {
		this.busy.defaults().latency(Duration.ofMillis(50));
		this.busy.respondWith((request) -> request.bodyText().contains("hold") ? FakeReply.answer().held() : null);
	}

	@AfterEach
	void stopServers() {
		this.busy.close();
		this.spare.close();
	}

	@Test
	void aCallFindingNoFreeConnectionIsSkippedWithoutCountingAgainstTheBreaker() {
		this.contextRunner.run((context) -> {
			LlmTemplate template = context.getBean(LlmTemplate.class);
			Flux<LlmResponse> held = Flux.range(0, 2)
				.flatMap((i) -> template.call(LlmRequest.ofPrompt("hold " + i)))
				.cache();
			held.subscribe();
			await().atMost(Duration.ofSeconds(5)).until(() -> this.busy.requests().inFlight() == 2);
			LlmResponse third = template.callBlocking(LlmRequest.ofPrompt("Hello"));
			assertThat(third.model()).isEqualTo("haiku");
			assertThat(third.attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
				.containsExactly(tuple("sonnet", Outcome.SKIPPED, "LlmConnectionPoolExhaustedException"),
						tuple("haiku", Outcome.SUCCESS, null));
			CircuitBreaker breaker = context.getBean(FallbackChain.class).getExecutor("sonnet").getCircuitBreaker();
			assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
			assertThat(this.busy.requests().count()).isEqualTo(2);
			this.busy.releaseHeld();
			List<LlmResponse> released = held.collectList().block(Duration.ofSeconds(5));
			assertThat(released).extracting(LlmResponse::model).containsOnly("sonnet");
			// the pool serves again once its connections are free
			assertThat(template.callBlocking(LlmRequest.ofPrompt("Hello")).model()).isEqualTo("sonnet");
		});
	}

	@Test
	void callsWaitForAFreeConnectionWithinTheConnectTimeout() {
		this.contextRunner.run((context) -> {
			LlmTemplate template = context.getBean(LlmTemplate.class);
			List<LlmResponse> answers = Flux.range(0, 6)
				.flatMap((i) -> template.call(LlmRequest.ofPrompt("Hello " + i)))
				.collectList()
				.block(Duration.ofSeconds(5));
			assertThat(answers).extracting(LlmResponse::model).containsOnly("sonnet").hasSize(6);
			// the queue lets eight through; the pool two at a time
			assertThat(this.busy.requests().maxInFlight()).isEqualTo(2);
		});
	}

}
