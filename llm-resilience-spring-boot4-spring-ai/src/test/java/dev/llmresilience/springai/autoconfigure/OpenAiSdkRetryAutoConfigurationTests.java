package dev.llmresilience.springai.autoconfigure;

import dev.llmresilience.springai.provider.OpenAiSdkAttemptRetryVeto;
import org.junit.jupiter.api.Test;

import org.springframework.ai.openai.http.okhttp.OpenAiHttpClientBuilderCustomizer;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OpenAiSdkRetryAutoConfiguration}; what its veto does to a chain's
 * calls is tested over real HTTP in {@code SpringAiChainIntegrationTests}.
 */
class OpenAiSdkRetryAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OpenAiSdkRetryAutoConfiguration.class));

	@Test
	void customizesTheHttpClientsOfSpringAisOpenAiModels() {
		this.contextRunner.run((context) -> assertThat(context).getBean(OpenAiHttpClientBuilderCustomizer.class)
			.isInstanceOf(OpenAiSdkAttemptRetryVeto.class));
	}

	@Test
	void backsOffWithoutSpringAisOpenAiModule() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(OpenAiHttpClientBuilderCustomizer.class))
			.run((context) -> assertThat(context).doesNotHaveBean("llmSpringAiOpenAiSdkRetryVeto"));
	}

	@Test
	void backsOffWhenTheLibraryIsDisabled() {
		this.contextRunner.withPropertyValues("llm.resilience.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("llmSpringAiOpenAiSdkRetryVeto"));
	}

	@Test
	void backsOffForABeanOfTheSameName() {
		OpenAiHttpClientBuilderCustomizer own = (builder) -> {
		};
		this.contextRunner.withBean("llmSpringAiOpenAiSdkRetryVeto", OpenAiHttpClientBuilderCustomizer.class, () -> own)
			.run((context) -> assertThat(context).getBean("llmSpringAiOpenAiSdkRetryVeto").isSameAs(own));
	}

}
