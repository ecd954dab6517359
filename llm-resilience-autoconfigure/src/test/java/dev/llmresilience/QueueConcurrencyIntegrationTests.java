package dev.llmresilience;

import java.time.Duration;
import java.util.List;

import dev.llmresilience.autoconfigure.LlmResilienceAutoConfiguration;
import dev.llmresilience.queue.QueueSnapshot;
import dev.llmresilience.queue.RequestQueue;
import dev.llmresilience.test.FakeProviderServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the auto-configured {@link LlmTemplate} never has more requests in flight
 * than {@code llm.resilience.queue.max-concurrent}, counted by the server it calls over
 * real HTTP.
 */
class QueueConcurrencyIntegrationTests {

	private final FakeProviderServer server = FakeProviderServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(SpringBootTestSupport.webClient())
		.withConfiguration(AutoConfigurations.of(LlmResilienceAutoConfiguration.class))
		.withPropertyValues("llm.resilience.providers.local.type=anthropic",
				"llm.resilience.providers.local.base-url=" + this.server.baseUrl(),
				"llm.resilience.providers.local.api-key=test-key", "llm.resilience.models.haiku.provider=local",
				"llm.resilience.chains.default[0]=haiku", "llm.resilience.queue.max-concurrent=8",
				"llm.resilience.queue.capacity=500");

	@BeforeEach
	void answerAfterTwentyMilliseconds() {
		this.server.defaults().latency(Duration.ofMillis(20));
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void concurrencyLimitIsNeverExceededAndFullyUsedUnder200ConcurrentRequests() {
		this.contextRunner.run((context) -> {
			LlmTemplate template = context.getBean(LlmTemplate.class);
			List<LlmResponse> responses = Flux.range(0, 200)
				.flatMap((i) -> template.call(LlmRequest.ofPrompt("Request " + i)), 200)
				.collectList()
				.block(Duration.ofSeconds(30));
			assertThat(responses).hasSize(200).allSatisfy((response) -> assertThat(response.text()).isEqualTo("Hello"));
			assertThat(this.server.requests().count()).isEqualTo(200);
			assertThat(this.server.requests().maxInFlight()).isEqualTo(8);
			QueueSnapshot snapshot = context.getBean(RequestQueue.class).snapshot();
			assertThat(snapshot.admitted()).isEqualTo(200);
			assertThat(snapshot.inFlight()).isZero();
			assertThat(snapshot.waiting()).isZero();
			assertThat(snapshot.refused()).isZero();
			assertThat(snapshot.maxWait()).isPositive();
		});
	}

}
