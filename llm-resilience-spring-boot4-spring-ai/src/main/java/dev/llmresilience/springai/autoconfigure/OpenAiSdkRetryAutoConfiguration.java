package dev.llmresilience.springai.autoconfigure;

import dev.llmresilience.autoconfigure.LlmProviderFactory;
import dev.llmresilience.springai.provider.OpenAiSdkAttemptRetryVeto;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.openai.http.okhttp.OpenAiHttpClientBuilderCustomizer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} that ends the OpenAI SDK's retry of the
 * calls that Spring AI's OpenAI models make for an attempt of the pipeline (Spring AI
 * 2.0, whose OpenAI model is built on the SDK).
 */
@AutoConfiguration
@ConditionalOnClass({ ChatModel.class, LlmProviderFactory.class, OpenAiHttpClientBuilderCustomizer.class })
@ConditionalOnBooleanProperty(name = "llm.resilience.enabled", matchIfMissing = true)
public class OpenAiSdkRetryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "llmSpringAiOpenAiSdkRetryVeto")
	OpenAiHttpClientBuilderCustomizer llmSpringAiOpenAiSdkRetryVeto() {
		return new OpenAiSdkAttemptRetryVeto();
	}

}
