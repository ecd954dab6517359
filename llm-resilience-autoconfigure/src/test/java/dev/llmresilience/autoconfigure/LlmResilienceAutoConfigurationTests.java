package dev.llmresilience.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.ModelCatalog;
import dev.llmresilience.provider.anthropic.AnthropicProvider;
import dev.llmresilience.resilience.FallbackChain;
import dev.llmresilience.resilience.LlmErrorClassifier;
import dev.llmresilience.provider.openai.OpenAiProvider;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.ClientHttpConnectorAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmResilienceAutoConfiguration}.
 */
class LlmResilienceAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
				ClientHttpConnectorAutoConfiguration.class, WebClientAutoConfiguration.class,
				LlmResilienceAutoConfiguration.class));

	private final String[] twoProviders = { "llm.resilience.providers.anthropic.type=anthropic",
			"llm.resilience.providers.anthropic.api-key=test-key",
			"llm.resilience.providers.local.type=openai",
			"llm.resilience.providers.local.base-url=http://localhost:11434/v1",
			"llm.resilience.models.haiku.provider=anthropic", "llm.resilience.models.haiku.name=claude-haiku-4-5",
			"llm.resilience.models.haiku.max-output-tokens=8192", "llm.resilience.models.llama.provider=local",
			"llm.resilience.chains.main[0]=haiku", "llm.resilience.chains.main[1]=llama" };

	@Test
	void createsTemplateAndCatalogWhenProvidersAreConfigured() {
		this.contextRunner.withPropertyValues(this.twoProviders).run((context) -> {
			assertThat(context).hasSingleBean(LlmTemplate.class).hasSingleBean(ModelCatalog.class);
			ModelCatalog catalog = context.getBean(ModelCatalog.class);
			assertThat(catalog.getModels()).containsKeys("haiku", "llama");
			assertThat(catalog.getChains().get("main")).extracting(LlmModel::id).containsExactly("haiku", "llama");
			assertThat(catalog.providerOf(catalog.getModels().get("haiku"))).isInstanceOf(AnthropicProvider.class);
			assertThat(catalog.providerOf(catalog.getModels().get("llama"))).isInstanceOf(OpenAiProvider.class);
		});
	}

	@Test
	void modelNameDefaultsToItsIdAndOutputLimitTo4096() {
		this.contextRunner.withPropertyValues(this.twoProviders).run((context) -> {
			LlmModel llama = context.getBean(ModelCatalog.class).getModels().get("llama");
			assertThat(llama.name()).isEqualTo("llama");
			assertThat(llama.maxOutputTokens()).isEqualTo(4096);
			assertThat(llama.contextWindow()).isNull();
		});
	}

	@Test
	void soleChainIsTheDefaultChain() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.run((context) -> assertThat(context.getBean(ModelCatalog.class).getDefaultChain()).isEqualTo("main"));
	}

	@Test
	void chainNamedDefaultIsTheDefaultChainAmongSeveral() {
		this.contextRunner
			.withPropertyValues(this.twoProviders)
			.withPropertyValues("llm.resilience.chains.default[0]=llama", "llm.resilience.chains.other[0]=haiku")
			.run((context) -> assertThat(context.getBean(ModelCatalog.class).getDefaultChain()).isEqualTo("default"));
	}

	@Test
	void explicitDefaultChainWins() {
		this.contextRunner
			.withPropertyValues(this.twoProviders)
			.withPropertyValues("llm.resilience.chains.default[0]=llama", "llm.resilience.default-chain=main")
			.run((context) -> {
				ModelCatalog catalog = context.getBean(ModelCatalog.class);
				assertThat(catalog.getDefaultChain()).isEqualTo("main");
				assertThat(catalog.modelsFor(LlmRequest.ofPrompt("hi"))).extracting(LlmModel::id)
					.containsExactly("haiku", "llama");
			});
	}

	@Test
	void noDefaultChainWhenSeveralChainsAndNoneIsNamedDefault() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withPropertyValues("llm.resilience.chains.other[0]=haiku")
			.run((context) -> assertThat(context.getBean(ModelCatalog.class).getDefaultChain()).isNull());
	}

	@Test
	void backsOffWithoutProviders() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(LlmTemplate.class)
			.doesNotHaveBean(ModelCatalog.class)
			.doesNotHaveBean(LlmResilienceProperties.class));
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withPropertyValues("llm.resilience.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LlmTemplate.class));
	}

	@Test
	void backsOffWithoutWebClient() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withClassLoader(new FilteredClassLoader(WebClient.class))
			.run((context) -> assertThat(context).doesNotHaveBean(LlmTemplate.class));
	}

	@Test
	void backsOffWithoutReactorNetty() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withClassLoader(new FilteredClassLoader(reactor.netty.http.client.HttpClient.class))
			.run((context) -> assertThat(context).doesNotHaveBean(LlmTemplate.class));
	}

	@Test
	void backsOffToUserTemplate() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withUserConfiguration(UserTemplateConfiguration.class)
			.run((context) -> assertThat(context).getBean(LlmTemplate.class)
				.isSameAs(context.getBean(UserTemplateConfiguration.class).template));
	}

	@Test
	void backsOffToUserCatalog() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withUserConfiguration(UserCatalogConfiguration.class)
			.run((context) -> {
				assertThat(context).getBean(ModelCatalog.class)
					.isSameAs(context.getBean(UserCatalogConfiguration.class).catalog);
				assertThat(context.getBean(LlmTemplate.class).getCatalog())
					.isSameAs(context.getBean(UserCatalogConfiguration.class).catalog);
			});
	}

	@Test
	void appliesWebClientCustomizersPerProviderInOrder() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withUserConfiguration(CustomizerConfiguration.class)
			.run((context) -> assertThat(context.getBean(CustomizerConfiguration.class).calls)
				.containsExactly("first:anthropic", "second:anthropic", "first:local", "second:local"));
	}

	@Test
	void masksApiKeysForActuatorEndpoints() {
		this.contextRunner.withPropertyValues(this.twoProviders).run((context) -> {
			SanitizingFunction function = context.getBean("llmApiKeySanitizingFunction", SanitizingFunction.class);
			assertThat(function.apply(new SanitizableData(null, "llm.resilience.providers.anthropic.api-key", "k"))
				.getValue()).isEqualTo(SanitizableData.SANITIZED_VALUE);
			assertThat(function.apply(new SanitizableData(null, "LLM_RESILIENCE_PROVIDERS_ANTHROPIC_APIKEY", "k"))
				.getValue()).isEqualTo(SanitizableData.SANITIZED_VALUE);
			assertThat(function.apply(new SanitizableData(null, "llm.resilience.providers.anthropic.base-url", "u"))
				.getValue()).isEqualTo("u");
		});
	}

	@Test
	void noSanitizingFunctionWithoutActuator() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withClassLoader(new FilteredClassLoader(SanitizingFunction.class))
			.run((context) -> assertThat(context).hasSingleBean(LlmTemplate.class)
				.doesNotHaveBean("llmApiKeySanitizingFunction"));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserTemplateConfiguration {

		final LlmTemplate template = new LlmTemplate(new FallbackChain(
				new ModelCatalog(Map.of(), Map.of(), Map.of(), null), Map.of(), new LlmErrorClassifier(true)), null);

		@Bean
		LlmTemplate userTemplate() {
			return this.template;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserCatalogConfiguration {

		final ModelCatalog catalog = new ModelCatalog(Map.of(), Map.of(), Map.of(),
				null);

		@Bean
		ModelCatalog userCatalog() {
			return this.catalog;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		final List<String> calls = new ArrayList<>();

		@Bean
		@Order(2)
		LlmWebClientCustomizer second() {
			return (id, builder) -> this.calls.add("second:" + id);
		}

		@Bean
		@Order(1)
		LlmWebClientCustomizer first() {
			return (id, builder) -> this.calls.add("first:" + id);
		}

	}

}
