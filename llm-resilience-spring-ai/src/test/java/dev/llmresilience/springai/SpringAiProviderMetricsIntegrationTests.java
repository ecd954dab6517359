package dev.llmresilience.springai;

import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.autoconfigure.LlmMetricsAutoConfiguration;
import dev.llmresilience.autoconfigure.LlmResilienceAutoConfiguration;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that a call through a {@code spring-ai} provider is measured once, by the
 * pipeline, although the Spring AI chat model observes itself, with a Prometheus registry
 * that refuses meters of one name with different types or tag keys.
 */
class SpringAiProviderMetricsIntegrationTests {

	private final FakeProviderServer server = FakeProviderServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(SpringAiTestSupport.springAiChatModel())
		.withConfiguration(SpringAiTestSupport.observedWithPrometheus())
		.withConfiguration(
				AutoConfigurations.of(LlmResilienceAutoConfiguration.class, LlmMetricsAutoConfiguration.class))
		.withConfiguration(SpringAiTestSupport.providers())
		.withPropertyValues(NativeThenSpringAiChain.properties(this.server.baseUrl()))
		.withPropertyValues("llm.resilience.retry.max-attempts=1");

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void callThroughTheSpringAiModelIsMeasuredOnceAsAnAttempt() {
		this.server.model("gpt-primary").reply(FakeReply.error(503));
		this.contextRunner.run((context) -> {
			LlmResponse response = context.getBean(LlmTemplate.class).call(LlmRequest.ofPrompt("Hi")).block(TIMEOUT);
			assertThat(response.model()).isEqualTo("backup");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(
					registry.get("gen_ai.client.operation.duration").tag("gen_ai.system", "spring-ai").timer().count())
				.isOne();
			assertThat(registry.get("llm.attempt").tag("llm.model", "backup").timer().count()).isOne();
			// Spring AI's own observation of the same HTTP call is off
			assertThat(registry.find("gen_ai.client.operation").timers()).isEmpty();
			assertThat(registry.find("gen_ai.client.token.usage").meters())
				.allSatisfy((meter) -> assertThat(meter).isInstanceOf(DistributionSummary.class));
			assertThat(registry.find("gen_ai.client.token.usage")
				.tag("gen_ai.system", "spring-ai")
				.tag("gen_ai.token.type", "input")
				.summary()
				.totalAmount()).isPositive();
			assertThat(context.getBean(PrometheusMeterRegistry.class).scrape())
				.contains("gen_ai_client_operation_duration_seconds_count{")
				.contains("gen_ai_system=\"spring-ai\"");
		});
	}

	@Test
	void callOfTheSameBeanOutsideTheChainIsStillObservedBySpringAiAndBothFamiliesScrape() {
		this.contextRunner.run((context) -> {
			context.getBean(SpringAiTestSupport.CHAT_MODEL_BEAN, ChatModel.class).call(new Prompt("Hi"));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("gen_ai.client.operation").timer().count()).isOne();
			assertThat(registry.find("gen_ai.client.token.usage").meters())
				.anySatisfy((meter) -> assertThat(meter).isInstanceOf(Counter.class));
			context.getBean(LlmTemplate.class).call(LlmRequest.ofPrompt("Hi")).block(TIMEOUT);
			// both families in one Prometheus registry: exported under names of their own
			assertThat(context.getBean(PrometheusMeterRegistry.class).scrape())
				.contains("gen_ai_client_token_usage_total{gen_ai_operation_name=\"chat\"")
				.contains("gen_ai_client_token_usage__token__count{error_type=\"none\"");
		});
	}

}
