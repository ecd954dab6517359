package dev.llmresilience.springai.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.retry.support.RetryTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the registration of {@link AttemptRetryVeto} by
 * {@link SpringAiProviderAutoConfiguration}; what it does to a chain's calls is tested
 * over real HTTP in {@code SpringAiChainIntegrationTests}.
 */
class AttemptRetryVetoTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SpringAiProviderAutoConfiguration.class));

	@Test
	void isRegisteredWithTheRetryTemplatesOfTheApplication() {
		RetryTemplate retryTemplate = RetryTemplate.builder().maxAttempts(3).fixedBackoff(1).build();
		this.contextRunner.withBean("retryTemplate", RetryTemplate.class, () -> retryTemplate).run((context) -> {
			assertThat(context).getBean("llmSpringAiAttemptRetryVeto").isInstanceOf(AttemptRetryVeto.class);
			assertThat(retryTemplate.hasListeners()).isTrue();
		});
	}

	@Test
	void isAbsentWithoutSpringRetryOnTheClassPath() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RetryTemplate.class))
			.run((context) -> assertThat(context).hasBean("llmSpringAiProviderFactory")
				.doesNotHaveBean("llmSpringAiAttemptRetryVeto"));
	}

}
