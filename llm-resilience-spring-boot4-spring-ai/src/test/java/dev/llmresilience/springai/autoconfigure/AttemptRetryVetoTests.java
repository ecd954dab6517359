package dev.llmresilience.springai.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.autoconfigure.LlmResilienceAutoConfiguration;
import dev.llmresilience.error.LlmAllModelsFailedException;
import dev.llmresilience.springai.SpringAiTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.retry.TransientAiException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link AttemptRetryVeto} in Spring Boot 4's generation, where Spring AI's
 * models that retry do so with Spring Framework's {@link RetryTemplate}: a chat model
 * that retries with the application's template, as Spring AI's models built on Spring's
 * HTTP clients do, is called once for an attempt of the pipeline and retried when called
 * directly.
 */
class AttemptRetryVetoTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final RetryTemplate retryTemplate = new RetryTemplate(
			RetryPolicy.builder().maxRetries(2).delay(Duration.ofMillis(1)).build());

	private final AtomicInteger calls = new AtomicInteger();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(SpringAiTestSupport.webClient())
		.withConfiguration(AutoConfigurations.of(LlmResilienceAutoConfiguration.class))
		.withConfiguration(SpringAiTestSupport.providers())
		.withBean("retryTemplate", RetryTemplate.class, () -> this.retryTemplate)
		.withBean("retryingChatModel", ChatModel.class, () -> this::failThenAnswer)
		.withPropertyValues("llm.resilience.providers.springai.type=spring-ai",
				"llm.resilience.providers.springai.chat-model=retryingChatModel",
				"llm.resilience.models.backup.provider=springai", "llm.resilience.models.backup.name=any",
				"llm.resilience.chains.default[0]=backup", "llm.resilience.retry.max-attempts=1");

	private ChatResponse failThenAnswer(Prompt prompt) {
		return this.retryTemplate.invoke(() -> {
			if (this.calls.incrementAndGet() < 3) {
				throw new TransientAiException("HTTP 503 - {\"error\":{\"message\":\"busy\"}}");
			}
			return new ChatResponse(List.of(new Generation(new AssistantMessage("Hello"))));
		});
	}

	@Test
	void aCallForAnAttemptIsNotRetriedByTheTemplate() {
		this.contextRunner.run((context) -> {
			assertThat(context).getBean("llmSpringAiAttemptRetryVeto").isInstanceOf(AttemptRetryVeto.class);
			LlmTemplate template = context.getBean(LlmTemplate.class);
			assertThatExceptionOfType(LlmAllModelsFailedException.class)
				.isThrownBy(() -> template.call(LlmRequest.builder().user("Hi").build()).block(TIMEOUT));
			assertThat(this.calls).hasValue(1);
		});
	}

	@Test
	void theSameModelCalledDirectlyKeepsTheTemplatesRetry() {
		this.contextRunner.run((context) -> {
			ChatResponse response = context.getBean("retryingChatModel", ChatModel.class).call(new Prompt("Hi"));
			assertThat(response.getResult().getOutput().getText()).isEqualTo("Hello");
			assertThat(this.calls).hasValue(3);
		});
	}

	@Test
	void isAbsentWithoutSpringFrameworksRetryTemplate() {
		new ApplicationContextRunner().withConfiguration(SpringAiTestSupport.providers())
			.withClassLoader(new FilteredClassLoader(RetryTemplate.class))
			.run((context) -> assertThat(context).hasBean("llmSpringAiProviderFactory")
				.doesNotHaveBean("llmSpringAiAttemptRetryVeto"));
	}

}
