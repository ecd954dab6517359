package dev.llmresilience.springai;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.autoconfigure.LlmHealthContributorAutoConfiguration;
import dev.llmresilience.springai.autoconfigure.SpringAiProviderAutoConfiguration;
import dev.llmresilience.springai.chat.LlmResilienceChatModel;
import dev.llmresilience.springai.chat.LlmResilienceChatOptions;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.chat.observation.autoconfigure.ChatObservationAutoConfiguration;
import org.springframework.ai.model.openai.autoconfigure.OpenAiChatAutoConfiguration;
import org.springframework.ai.model.tool.DefaultToolExecutionEligibilityPredicate;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.ai.retry.autoconfigure.SpringAiRetryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.ClientHttpConnectorAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration;
import org.springframework.retry.support.RetryTemplate;

/**
 * What the bridge's tests start and call that differs between the generations: Spring
 * Boot 3.5's auto-configurations, and Spring AI 1.1's OpenAI chat model as the Spring AI
 * model that speaks to the fake provider. The Spring Boot 4 module has its own copy of
 * this class; every other test source is shared.
 */
public final class SpringAiTestSupport {

	/** The name of the auto-configured Spring AI chat model bean the tests call. */
	public static final String CHAT_MODEL_BEAN = "openAiChatModel";

	private SpringAiTestSupport() {
	}

	/**
	 * Return Boot's auto-configurations of Jackson and the {@code WebClient}.
	 * @return the auto-configurations
	 */
	public static AutoConfigurations webClient() {
		return AutoConfigurations.of(JacksonAutoConfiguration.class, ClientHttpConnectorAutoConfiguration.class,
				WebClientAutoConfiguration.class);
	}

	/**
	 * Return the bridge's auto-configurations of Spring AI models in chains.
	 * @return the auto-configurations
	 */
	public static AutoConfigurations providers() {
		return AutoConfigurations.of(SpringAiProviderAutoConfiguration.class);
	}

	/**
	 * Return the auto-configurations of the Spring AI chat model the tests call, with the
	 * HTTP clients it needs, Spring AI's retry and tool calling.
	 * @return the auto-configurations
	 */
	public static AutoConfigurations springAiChatModel() {
		return AutoConfigurations.of(JacksonAutoConfiguration.class, ClientHttpConnectorAutoConfiguration.class,
				WebClientAutoConfiguration.class, RestClientAutoConfiguration.class,
				SpringAiRetryAutoConfiguration.class, ToolCallingAutoConfiguration.class,
				OpenAiChatAutoConfiguration.class);
	}

	/**
	 * Return Boot's observation and metrics auto-configurations with a Prometheus
	 * registry, and Spring AI's chat model observation.
	 * @return the auto-configurations
	 */
	public static AutoConfigurations observedWithPrometheus() {
		return AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, PrometheusMetricsExportAutoConfiguration.class,
				ChatObservationAutoConfiguration.class);
	}

	/**
	 * Return Boot's health auto-configuration and the library's health indicator.
	 * @return the auto-configurations
	 */
	public static AutoConfigurations health() {
		return AutoConfigurations.of(HealthContributorAutoConfiguration.class,
				LlmHealthContributorAutoConfiguration.class);
	}

	/**
	 * Return the properties that point the auto-configured chat model at a fake provider.
	 * @param baseUrl the fake provider's base URL
	 * @return the properties
	 */
	public static String[] chatModelProperties(String baseUrl) {
		return new String[] { "spring.ai.openai.base-url=" + baseUrl, "spring.ai.openai.api-key=test-key" };
	}

	/**
	 * Return the properties that give the auto-configured chat model a retry of its own:
	 * Spring AI's retry template, with short waits.
	 * @param maxAttempts the most calls of one request, the first included
	 * @return the properties
	 */
	public static String[] ownRetryProperties(int maxAttempts) {
		return new String[] { "spring.ai.retry.max-attempts=" + maxAttempts,
				"spring.ai.retry.backoff.initial-interval=1ms", "spring.ai.retry.backoff.max-interval=2ms" };
	}

	/**
	 * Return options that ask the chat model for a model by its name.
	 * @param model the model name
	 * @return the options
	 */
	public static ChatOptions chatModelOptions(String model) {
		return OpenAiChatOptions.builder().model(model).build();
	}

	/**
	 * Return a chat model built by hand and pointed at a fake provider, without a retry
	 * of its own, as a link of a chain should be.
	 * @param baseUrl the fake provider's base URL
	 * @return the chat model
	 */
	public static ChatModel chatModelWithoutRetry(String baseUrl) {
		OpenAiApi api = OpenAiApi.builder().baseUrl(baseUrl).apiKey("test-key").build();
		return OpenAiChatModel.builder()
			.openAiApi(api)
			.retryTemplate(RetryTemplate.builder().maxAttempts(1).build())
			.build();
	}

	/**
	 * Return a chat model served by the pipeline, built by hand with Spring AI's default
	 * tool calling.
	 * @param template serves the requests
	 * @param defaultOptions the model's default options
	 * @return the chat model
	 */
	public static LlmResilienceChatModel chatModel(LlmTemplate template, LlmResilienceChatOptions defaultOptions) {
		return new LlmResilienceChatModel(template, defaultOptions, ToolCallingManager.builder().build(),
				new DefaultToolExecutionEligibilityPredicate(), new ObjectMapper());
	}

	/**
	 * Return options in the form that {@code ChatClient}'s request takes them: the
	 * options themselves.
	 * @param options the options
	 * @return what the request's {@code options(...)} takes
	 */
	public static ChatOptions clientOptions(ChatOptions options) {
		return options;
	}

}
