package dev.llmresilience.springai.chat;

import dev.llmresilience.autoconfigure.LlmMetricsAutoConfiguration;
import dev.llmresilience.autoconfigure.LlmResilienceAutoConfiguration;
import dev.llmresilience.springai.SpringAiTestSupport;
import dev.llmresilience.springai.autoconfigure.LlmResilienceChatModelAutoConfiguration;
import dev.llmresilience.test.FakeProviderServer;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that a {@link ChatClient} call served by {@link LlmResilienceChatModel} is
 * counted once in the {@code gen_ai} metrics, by the pipeline, with Spring AI's
 * observation auto-configuration on and a Prometheus registry, which refuses meters of
 * one name with different types or tag keys.
 */
class LlmResilienceChatModelMetricsIntegrationTests {

	private final FakeProviderServer server = FakeProviderServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(SpringAiTestSupport.webClient())
		.withConfiguration(SpringAiTestSupport.observedWithPrometheus())
		.withConfiguration(
				AutoConfigurations.of(ToolCallingAutoConfiguration.class, LlmResilienceAutoConfiguration.class,
						LlmMetricsAutoConfiguration.class, LlmResilienceChatModelAutoConfiguration.class))
		.withPropertyValues("llm.resilience.providers.claude.type=anthropic",
				"llm.resilience.providers.claude.base-url=" + this.server.baseUrl(),
				"llm.resilience.providers.claude.api-key=test-key", "llm.resilience.models.primary.provider=claude",
				"llm.resilience.models.primary.name=claude-primary", "llm.resilience.chains.default[0]=primary");

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void aChatClientCallIsCountedOnceInTheGenAiMetrics() {
		this.contextRunner.run((context) -> {
			ChatClient client = ChatClient
				.builder(context.getBean(LlmResilienceChatModel.class), context.getBean(ObservationRegistry.class),
						null, null)
				.build();
			assertThat(client.prompt().user("Hi").call().content()).isEqualTo("Hello");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("gen_ai.client.operation.duration").timer().count()).isOne();
			assertThat(registry.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "input").summary().count())
				.isOne();
			// no chat model observation of Spring AI's for the same call
			assertThat(registry.find("gen_ai.client.operation").timers()).isEmpty();
			assertThat(registry.find("gen_ai.client.token.usage").meters())
				.allSatisfy((meter) -> assertThat(meter).isInstanceOf(DistributionSummary.class));
			// ChatClient's own observation is a family of its own
			assertThat(registry.get("spring.ai.chat.client").timer().count()).isOne();
			assertThat(context.getBean(PrometheusMeterRegistry.class).scrape())
				.contains("gen_ai_client_operation_duration_seconds_count{")
				.contains("spring_ai_chat_client_seconds_count{");
		});
	}

}
