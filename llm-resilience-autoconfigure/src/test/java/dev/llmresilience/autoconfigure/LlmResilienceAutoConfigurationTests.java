package dev.llmresilience.autoconfigure;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmCapability;
import dev.llmresilience.LlmCost;
import dev.llmresilience.LlmDeployment;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmPipeline;
import dev.llmresilience.LlmPrices;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.SpringBootTestSupport;
import dev.llmresilience.budget.CostAccounting;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.budget.SpendBudget;
import dev.llmresilience.budget.SpendListener;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.error.LlmAllModelsFailedException;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmInvalidRequestException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.error.LlmShutdownException;
import dev.llmresilience.pipeline.ResilientPipeline;
import dev.llmresilience.provider.LlmProvider;
import dev.llmresilience.provider.anthropic.AnthropicProvider;
import dev.llmresilience.provider.openai.OpenAiProvider;
import dev.llmresilience.queue.QueueSnapshot;
import dev.llmresilience.queue.RequestQueue;
import dev.llmresilience.resilience.FallbackChain;
import dev.llmresilience.resilience.LlmErrorClassifier;
import dev.llmresilience.resilience.ModelCatalog;
import dev.llmresilience.resilience.ModelExecutor;
import dev.llmresilience.routing.Deployment;
import dev.llmresilience.routing.HedgingSettings;
import dev.llmresilience.routing.RoutingStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link LlmResilienceAutoConfiguration}.
 */
class LlmResilienceAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(SpringBootTestSupport.webClient())
		.withConfiguration(AutoConfigurations.of(LlmResilienceAutoConfiguration.class));

	private final String[] twoProviders = { "llm.resilience.providers.anthropic.type=anthropic",
			"llm.resilience.providers.anthropic.api-key=test-key", "llm.resilience.providers.local.type=openai",
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
			assertThat(llama.capabilities()).isNull();
		});
	}

	@Test
	void capabilitiesBindInTheirKebabCaseNames() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withPropertyValues("llm.resilience.models.haiku.capabilities=tools, vision, structured-output",
					"llm.resilience.models.llama.capabilities=")
			.run((context) -> {
				Map<String, LlmModel> models = context.getBean(ModelCatalog.class).getModels();
				assertThat(models.get("haiku").capabilities()).containsExactlyInAnyOrder(LlmCapability.TOOLS,
						LlmCapability.VISION, LlmCapability.STRUCTURED_OUTPUT);
				assertThat(models.get("llama").capabilities()).isEmpty();
				assertThat(models.get("llama").supports(LlmCapability.TOOLS)).isFalse();
			});
	}

	@Test
	void deploymentsServeTheModelEachWithItsProviderNameWeightAndBreaker() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withPropertyValues("llm.resilience.providers.anthropic-eu.type=anthropic",
					"llm.resilience.providers.anthropic-eu.api-key=eu-key",
					"llm.resilience.models.sonnet.name=claude-sonnet",
					"llm.resilience.models.sonnet.deployments.us.provider=anthropic",
					"llm.resilience.models.sonnet.deployments.us.weight=3",
					"llm.resilience.models.sonnet.deployments.eu.provider=anthropic-eu",
					"llm.resilience.models.sonnet.deployments.eu.name=claude-sonnet-eu",
					"llm.resilience.models.sonnet.routing=least-in-flight",
					"llm.resilience.models.sonnet.hedging.enabled=true",
					"llm.resilience.models.sonnet.hedging.delay=1s",
					"llm.resilience.models.sonnet.hedging.percentile=95",
					"llm.resilience.models.sonnet.hedging.max-hedges=2",
					"llm.resilience.models.sonnet.hedging.max-share=0.2")
			.run((context) -> {
				ModelCatalog catalog = context.getBean(ModelCatalog.class);
				LlmModel sonnet = catalog.getModels().get("sonnet");
				assertThat(sonnet.provider()).isEqualTo("anthropic");
				assertThat(catalog.deploymentsOf(sonnet)).containsExactly(
						new LlmDeployment("us", "anthropic", "claude-sonnet", 3),
						new LlmDeployment("eu", "anthropic-eu", "claude-sonnet-eu", 1));
				ModelExecutor executor = context.getBean(FallbackChain.class).getExecutor("sonnet");
				assertThat(executor.getDeployments()).extracting(Deployment::key, Deployment::weight)
					.containsExactly(tuple("sonnet/us", 3), tuple("sonnet/eu", 1));
				assertThat(executor.getDeployments().get(1).provider()).isSameAs(catalog.provider("anthropic-eu"));
				assertThat(executor.getRouter().strategy()).isEqualTo(RoutingStrategy.LEAST_IN_FLIGHT);
				assertThat(executor.getHedging()).isEqualTo(new HedgingSettings(Duration.ofSeconds(1), 95, 2, 0.2));
				assertThat(executor.getDeployments().get(0).circuitBreaker().getName()).isEqualTo("sonnet/us");
				// a model without deployments keeps its one breaker, named after it
				ModelExecutor haiku = context.getBean(FallbackChain.class).getExecutor("haiku");
				assertThat(haiku.getDeployments()).singleElement().satisfies((deployment) -> {
					assertThat(deployment.key()).isEqualTo("haiku");
					assertThat(deployment.isImplicit()).isTrue();
				});
				assertThat(haiku.getRouter().strategy()).isEqualTo(RoutingStrategy.WEIGHTED_RANDOM);
				assertThat(haiku.getHedging()).isNull();
			});
	}

	@Test
	void pricesBindInTheCurrencyOfTheCostAndDeploymentsTakeTheModelsUnsetKeys() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withPropertyValues("llm.resilience.cost.currency=EUR", "llm.resilience.models.haiku.prices.input=1",
					"llm.resilience.models.haiku.prices.output=5", "llm.resilience.models.haiku.prices.cache-read=0.10",
					"llm.resilience.models.haiku.prices.long-context.above-input-tokens=200000",
					"llm.resilience.models.haiku.prices.long-context.input=2",
					"llm.resilience.models.haiku.prices.long-context.output=10",
					"llm.resilience.models.haiku.deployments.a.provider=anthropic",
					"llm.resilience.models.haiku.deployments.b.provider=anthropic",
					"llm.resilience.models.haiku.deployments.b.prices.output=4")
			.run((context) -> {
				ModelCatalog catalog = context.getBean(ModelCatalog.class);
				LlmModel haiku = catalog.getModels().get("haiku");
				LlmPrices.Rates rates = new LlmPrices.Rates(new BigDecimal("1"), new BigDecimal("5"), null,
						new BigDecimal("0.10"));
				LlmPrices.Rates longContext = new LlmPrices.Rates(new BigDecimal("2"), new BigDecimal("10"));
				assertThat(haiku.prices()).isEqualTo(new LlmPrices("EUR", rates, 200_000, longContext));
				assertThat(catalog.deploymentsOf(haiku)).extracting(LlmDeployment::prices)
					.containsExactly(haiku.prices(), new LlmPrices("EUR",
							new LlmPrices.Rates(new BigDecimal("1"), new BigDecimal("4"), null, new BigDecimal("0.10")),
							200_000, longContext));
				// a model without prices costs an unknown amount
				assertThat(catalog.getModels().get("llama").prices()).isNull();
			});
	}

	@Test
	void deploymentBudgetsPaceTheirDeploymentAlone() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withPropertyValues("llm.resilience.models.haiku.deployments.a.provider=anthropic",
					"llm.resilience.models.haiku.deployments.a.requests-per-minute=1",
					"llm.resilience.models.haiku.deployments.b.provider=anthropic",
					"llm.resilience.models.haiku.deployments.b.name=claude-haiku-b")
			.run((context) -> {
				ProviderPacer pacer = context.getBean(ProviderPacer.class);
				LlmModel haiku = context.getBean(ModelCatalog.class).getModels().get("haiku");
				ProviderPacer.Reservation reservation = pacer
					.admit(haiku, "haiku/a", LlmRequest.ofPrompt("Hi"), Deadline.none())
					.block(Duration.ofSeconds(1));
				pacer.answered(reservation, 10, RateLimitStatus.NONE);
				assertThat(pacer.currentWait(haiku, "haiku/a")).isGreaterThan(Duration.ofSeconds(30));
				assertThat(pacer.currentWait(haiku, "haiku/b")).isZero();
			});
	}

	@Test
	void holdsOfAProviderWithProviderScopeHoldAllItsModels() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withPropertyValues("llm.resilience.providers.local.hold-scope=provider",
					"llm.resilience.models.mistral.provider=local", "llm.resilience.models.sonnet.provider=anthropic")
			.run((context) -> {
				ProviderPacer pacer = context.getBean(ProviderPacer.class);
				Map<String, LlmModel> models = context.getBean(ModelCatalog.class).getModels();
				pacer.failed(admitted(pacer, models.get("llama")), rateLimited());
				pacer.failed(admitted(pacer, models.get("haiku")), rateLimited());
				assertThat(pacer.holdRemaining(models.get("mistral"))).isPositive();
				assertThat(pacer.holdRemaining(models.get("sonnet"))).isZero();
				assertThat(pacer.holds()).containsOnlyKeys("local", "anthropic/claude-haiku-4-5");
			});
	}

	private static ProviderPacer.Reservation admitted(ProviderPacer pacer, LlmModel model) {
		return pacer.admit(model, LlmRequest.ofPrompt("Hi"), Deadline.none()).block(Duration.ofSeconds(1));
	}

	private static LlmRateLimitException rateLimited() {
		return new LlmRateLimitException("local", "llama", new LlmApiException.Details(429, "rate_limit_error", null,
				"Rate limited", null, Duration.ofSeconds(30), null, null));
	}

	@Test
	void soleChainIsTheDefaultChain() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.run((context) -> assertThat(context.getBean(ModelCatalog.class).getDefaultChain()).isEqualTo("main"));
	}

	@Test
	void chainNamedDefaultIsTheDefaultChainAmongSeveral() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withPropertyValues("llm.resilience.chains.default[0]=llama", "llm.resilience.chains.other[0]=haiku")
			.run((context) -> assertThat(context.getBean(ModelCatalog.class).getDefaultChain()).isEqualTo("default"));
	}

	@Test
	void explicitDefaultChainWins() {
		this.contextRunner.withPropertyValues(this.twoProviders)
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
				assertThat(context.getBean(ResilientPipeline.class).getCatalog())
					.isSameAs(context.getBean(UserCatalogConfiguration.class).catalog);
			});
	}

	@Test
	void costAccountingTellsTheApplicationsSpendListeners() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withUserConfiguration(SpendListenerConfiguration.class)
			.run((context) -> {
				LlmModel haiku = context.getBean(ModelCatalog.class).getModels().get("haiku");
				LlmCost cost = LlmCost.of(new BigDecimal("0.01"), "USD");
				context.getBean(CostAccounting.class)
					.forRequest("main", LlmRequest.ofPrompt("Hi"))
					.billed(haiku, "anthropic", null, null, cost);
				assertThat(context.getBean(SpendListenerConfiguration.class).spent)
					.extracting(SpendListener.Spend::cost)
					.containsExactly(cost);
			});
	}

	@Test
	void budgetsBindIntoTheCostAccountingWithTheirScopePeriodTimeZoneAndAction() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withPropertyValues("llm.resilience.cost.currency=EUR", "llm.resilience.models.haiku.prices.input=1",
					"llm.resilience.models.haiku.prices.output=5", "llm.resilience.models.llama.prices.input=0",
					"llm.resilience.models.llama.prices.output=0", "llm.resilience.cost.tags.tenant=acme",
					"llm.resilience.cost.budgets.acme.limit=200", "llm.resilience.cost.budgets.acme.tags.tenant=acme",
					"llm.resilience.cost.budgets.batch.limit=50", "llm.resilience.cost.budgets.batch.chain=main",
					"llm.resilience.cost.budgets.batch.model=haiku", "llm.resilience.cost.budgets.batch.period=day",
					"llm.resilience.cost.budgets.batch.time-zone=Europe/Paris",
					"llm.resilience.cost.budgets.batch.action=skip")
			.run((context) -> {
				Map<String, SpendBudget.Status> budgets = context.getBean(CostAccounting.class).budgetStatus();
				assertThat(budgets).containsOnlyKeys("acme", "batch");
				SpendBudget.Status acme = budgets.get("acme");
				assertThat(acme.limit()).isEqualByComparingTo("200");
				assertThat(acme.currency()).isEqualTo("EUR");
				assertThat(acme.period()).isEqualTo(SpendBudget.Period.MONTH);
				assertThat(acme.zone()).isEqualTo(ZoneOffset.UTC);
				assertThat(acme.action()).isEqualTo(SpendBudget.Action.REFUSE);
				assertThat(acme.scope()).isEqualTo(new SpendBudget.Scope(null, null, Map.of("tenant", "acme")));
				SpendBudget.Status batch = budgets.get("batch");
				assertThat(batch.period()).isEqualTo(SpendBudget.Period.DAY);
				assertThat(batch.zone()).isEqualTo(ZoneId.of("Europe/Paris"));
				assertThat(batch.action()).isEqualTo(SpendBudget.Action.SKIP);
				assertThat(batch.scope()).isEqualTo(new SpendBudget.Scope("main", "haiku", Map.of()));
				assertThat(context.getBean(FallbackChain.class).getAccounting())
					.isSameAs(context.getBean(CostAccounting.class));
			});
	}

	@Test
	void backsOffToUserCostAccounting() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withBean("customCostAccounting", CostAccounting.class, () -> CostAccounting.NONE)
			.run((context) -> assertThat(context).getBean(CostAccounting.class).isSameAs(CostAccounting.NONE));
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

	@Test
	void modelOverridesMergeOverTheGlobalRetryAndBreakerSettings() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withPropertyValues("llm.resilience.retry.max-attempts=3", "llm.resilience.retry.max-server-wait=20s",
					"llm.resilience.circuit-breaker.failure-rate-threshold=30",
					"llm.resilience.circuit-breaker.wait-in-open=10s",
					"llm.resilience.models.haiku.retry.max-attempts=1",
					"llm.resilience.models.haiku.circuit-breaker.failure-rate-threshold=80")
			.run((context) -> {
				FallbackChain chain = context.getBean(FallbackChain.class);
				assertThat(retryConfig(chain, "haiku").getMaxAttempts()).isEqualTo(1);
				assertThat(retryConfig(chain, "llama").getMaxAttempts()).isEqualTo(3);
				assertThat(breakerConfig(chain, "haiku").getFailureRateThreshold()).isEqualTo(80);
				assertThat(breakerConfig(chain, "llama").getFailureRateThreshold()).isEqualTo(30);
				assertThat(breakerConfig(chain, "haiku").getWaitIntervalFunctionInOpenState().apply(1))
					.as("global value of a key the model does not set")
					.isEqualTo(10_000L);
			});
	}

	@Test
	void modelSettingsShowTheValuesInEffectInTheBoundProperties() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withPropertyValues("llm.resilience.retry.initial-backoff=2s",
					"llm.resilience.circuit-breaker.wait-in-open=10s",
					"llm.resilience.models.haiku.retry.max-attempts=5",
					"llm.resilience.models.haiku.circuit-breaker.record-rate-limits=false")
			.run((context) -> {
				LlmResilienceProperties.Model haiku = context.getBean(LlmResilienceProperties.class)
					.getModels()
					.get("haiku");
				assertThat(haiku.getRetry().getMaxAttempts()).as("set for the model").isEqualTo(5);
				assertThat(haiku.getRetry().getInitialBackoff()).as("global").isEqualTo(Duration.ofSeconds(2));
				assertThat(haiku.getRetry().getJitter()).as("global default").isEqualTo(0.5);
				assertThat(haiku.getCircuitBreaker().getRecordRateLimits()).as("set for the model").isFalse();
				assertThat(haiku.getCircuitBreaker().getWaitInOpen()).as("global").isEqualTo(Duration.ofSeconds(10));
			});
	}

	@Test
	void configurationPropertiesEndpointShowsTheModelSettingsInEffect() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
					ConfigurationPropertiesReportEndpointAutoConfiguration.class))
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=configprops",
					"management.endpoint.configprops.show-values=always", "llm.resilience.retry.initial-backoff=2s",
					"llm.resilience.models.haiku.retry.max-attempts=5")
			.run((context) -> {
				Map<String, Object> properties = context.getBean(ConfigurationPropertiesReportEndpoint.class)
					.configurationProperties()
					.getContexts()
					.values()
					.iterator()
					.next()
					.getBeans()
					.get("llm.resilience-" + LlmResilienceProperties.class.getName())
					.getProperties();
				assertThat(properties).extractingByKey("models")
					.extracting("haiku")
					.extracting("retry")
					.asInstanceOf(InstanceOfAssertFactories.MAP)
					.containsEntry("maxAttempts", 5)
					.containsEntry("initialBackoff", "PT2S");
			});
	}

	@Test
	void backsOffToUserPipeline() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withUserConfiguration(UserPipelineConfiguration.class)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ResilientPipeline.class);
				assertThat(context.getBean(LlmTemplate.class).getPipeline())
					.isSameAs(context.getBean(UserPipelineConfiguration.class).pipeline);
			});
	}

	@Test
	void templateServesThroughTheResilientPipeline() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.run((context) -> assertThat(context.getBean(LlmTemplate.class).getPipeline())
				.isSameAs(context.getBean(ResilientPipeline.class)));
	}

	@Test
	void modelOverridesApplyToModelIdsWithDashesAndDots() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withPropertyValues("llm.resilience.models.gpt-4o.provider=local",
					"llm.resilience.models.gpt-4o.retry.max-attempts=1",
					"llm.resilience.models.gpt-4o.circuit-breaker.minimum-number-of-calls=4",
					"llm.resilience.models[gpt-4.1].provider=local",
					"llm.resilience.models[gpt-4.1].retry.max-attempts=2")
			.run((context) -> {
				FallbackChain chain = context.getBean(FallbackChain.class);
				assertThat(retryConfig(chain, "gpt-4o").getMaxAttempts()).isEqualTo(1);
				assertThat(breakerConfig(chain, "gpt-4o").getMinimumNumberOfCalls()).isEqualTo(4);
				assertThat(retryConfig(chain, "gpt-4.1").getMaxAttempts()).isEqualTo(2);
			});
	}

	@Test
	void modelsShareTheRegistriesOfResilience4jSpringBoot() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withConfiguration(SpringBootTestSupport.resilience4j())
			.run((context) -> {
				FallbackChain chain = context.getBean(FallbackChain.class);
				assertThat(context.getBean(CircuitBreakerRegistry.class).circuitBreaker("haiku"))
					.isSameAs(chain.getExecutor("haiku").getCircuitBreaker());
				assertThat(context.getBean(RetryRegistry.class).retry("llama"))
					.isSameAs(chain.getExecutor("llama").getRetry());
			});
	}

	@Test
	void resilience4jInstanceSettingsWinForNumbersButKeepTheLlmClassification() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withConfiguration(SpringBootTestSupport.resilience4j())
			.withPropertyValues("llm.resilience.circuit-breaker.failure-rate-threshold=40",
					"resilience4j.circuitbreaker.instances.haiku.failure-rate-threshold=10",
					"resilience4j.retry.instances.haiku.max-attempts=5")
			.run((context) -> {
				FallbackChain chain = context.getBean(FallbackChain.class);
				CircuitBreakerConfig haikuBreaker = breakerConfig(chain, "haiku");
				assertThat(haikuBreaker.getFailureRateThreshold()).isEqualTo(10);
				assertThat(haikuBreaker.getRecordExceptionPredicate().test(overloaded())).isTrue();
				assertThat(haikuBreaker.getRecordExceptionPredicate().test(invalidRequest())).isFalse();
				assertThat(haikuBreaker.getIgnoreExceptionPredicate().test(invalidRequest())).isTrue();
				RetryConfig haikuRetry = retryConfig(chain, "haiku");
				assertThat(haikuRetry.getMaxAttempts()).isEqualTo(5);
				assertThat(haikuRetry.getExceptionPredicate().test(overloaded())).isTrue();
				assertThat(haikuRetry.getExceptionPredicate().test(invalidRequest())).isFalse();
				assertThat(breakerConfig(chain, "llama").getFailureRateThreshold()).isEqualTo(40);
				assertThat(context.getBean(CircuitBreakerRegistry.class).circuitBreaker("haiku"))
					.isSameAs(chain.getExecutor("haiku").getCircuitBreaker());
			});
	}

	@Test
	void callsModelsWithPrivateRegistriesWithoutResilience4jSpringBoot() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withPropertyValues("llm.resilience.providers.local.base-url=http://localhost:" + closedPort + "/v1",
					"llm.resilience.retry.max-attempts=2", "llm.resilience.retry.initial-backoff=10ms")
			.withClassLoader(new FilteredClassLoader(SpringBootTestSupport.RESILIENCE4J_SPRING_BOOT_PACKAGE))
			.run((context) -> {
				assertThat(context).hasSingleBean(LlmTemplate.class)
					.doesNotHaveBean(CircuitBreakerRegistry.class)
					.doesNotHaveBean(RetryRegistry.class);
				StepVerifier
					.create(context.getBean(LlmTemplate.class)
						.call(LlmRequest.builder().model("llama").user("Hi").build()))
					.expectErrorSatisfies((error) -> {
						assertThat(error).isInstanceOf(LlmAllModelsFailedException.class);
						assertThat(((LlmAllModelsFailedException) error).getAttempts()).extracting(LlmAttempt::outcome)
							.containsExactly(LlmAttempt.Outcome.FAILURE, LlmAttempt.Outcome.FAILURE);
					})
					.verify(Duration.ofSeconds(10));
				ModelExecutor llama = context.getBean(FallbackChain.class).getExecutor("llama");
				assertThat(llama.getCircuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
				assertThat(llama.getRetry().getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isEqualTo(1);
			});
	}

	@Test
	void breakersUseTheApplicationClock() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withUserConfiguration(ClockConfiguration.class)
			.run((context) -> assertThat(breakerConfig(context.getBean(FallbackChain.class), "haiku").getClock())
				.isSameAs(context.getBean(Clock.class)));
	}

	@Test
	void backsOffToUserFallbackChain() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withUserConfiguration(UserFallbackChainConfiguration.class)
			.run((context) -> {
				FallbackChain userChain = context.getBean(UserFallbackChainConfiguration.class).chain;
				assertThat(context).getBean(FallbackChain.class).isSameAs(userChain);
				assertThat(context.getBean(ResilientPipeline.class).getCatalog()).isSameAs(userChain.getCatalog());
			});
	}

	@Test
	void createsRequestQueueWithItsLifecycleByDefault() {
		this.contextRunner.withPropertyValues(this.twoProviders).run((context) -> {
			assertThat(context).hasSingleBean(RequestQueue.class)
				.hasSingleBean(RequestQueueLifecycle.class)
				.hasSingleBean(ProviderPacer.class);
			RequestQueue queue = context.getBean(RequestQueue.class);
			assertThat(context.getBean(ResilientPipeline.class).getQueue()).isSameAs(queue);
			assertThat(queue.snapshot().capacity()).isEqualTo(1000);
			assertThat(queue.snapshot().maxConcurrent()).isEqualTo(500);
			assertThat(context.getBean(RequestQueueLifecycle.class).isRunning()).isTrue();
		});
	}

	@Test
	void requestQueueServesAsManyAsTheSmallestPoolByDefaultAndShowsIt() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withPropertyValues("llm.resilience.providers.local.max-connections=64")
			.run((context) -> {
				assertThat(context.getBean(RequestQueue.class).snapshot().maxConcurrent()).isEqualTo(64);
				assertThat(context.getBean(LlmResilienceProperties.class).getQueue().getMaxConcurrent()).isEqualTo(64);
			});
	}

	@Test
	void requestQueueTakesItsLimitsFromTheProperties() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withPropertyValues("llm.resilience.queue.capacity=50", "llm.resilience.queue.max-concurrent=4",
					"llm.resilience.queue.priority-capacity.low=5", "llm.resilience.queue.aging=0s")
			.run((context) -> {
				QueueSnapshot snapshot = context.getBean(RequestQueue.class).snapshot();
				assertThat(snapshot.capacity()).isEqualTo(50);
				assertThat(snapshot.maxConcurrent()).isEqualTo(4);
			});
	}

	@Test
	void closingTheContextShutsTheRequestQueueDown() {
		this.contextRunner.withPropertyValues(this.twoProviders).run((context) -> {
			RequestQueue queue = context.getBean(RequestQueue.class);
			LlmTemplate template = context.getBean(LlmTemplate.class);
			context.close();
			assertThat(queue.snapshot().closed()).isTrue();
			StepVerifier.create(template.call("Hi"))
				.expectError(LlmShutdownException.class)
				.verify(Duration.ofSeconds(5));
		});
	}

	@Test
	void stoppingTheContextShutsTheRequestQueueDownAndStartingItAgainReopensIt() {
		this.contextRunner.withPropertyValues(this.twoProviders).run((context) -> {
			RequestQueue queue = context.getBean(RequestQueue.class);
			LlmTemplate template = context.getBean(LlmTemplate.class);
			context.getSourceApplicationContext(ConfigurableApplicationContext.class).stop();
			assertThat(queue.snapshot().closed()).isTrue();
			StepVerifier.create(template.call("Hi"))
				.expectError(LlmShutdownException.class)
				.verify(Duration.ofSeconds(5));
			context.getSourceApplicationContext(ConfigurableApplicationContext.class).start();
			assertThat(queue.snapshot().closed()).isFalse();
			assertThat(context.getBean(RequestQueueLifecycle.class).isRunning()).isTrue();
		});
	}

	@Test
	void requestQueueStopsBeforeTheHttpClientResourcesAreReleased() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.run((context) -> assertThat(context.getBean(RequestQueueLifecycle.class).getPhase())
				.isGreaterThan(context.getBean(ReactorResourceFactory.class).getPhase()));
	}

	@Test
	void noRequestQueueWhenDisabledAndRequestsAreServedAtOnce() {
		WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
		server.start();
		try {
			server.stubFor(WireMock.post("/v1/messages").willReturn(WireMock.okJson("""
					{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5",
					 "content":[{"type":"text","text":"Hello"}],"stop_reason":"end_turn",
					 "usage":{"input_tokens":5,"output_tokens":2}}""")));
			this.contextRunner.withPropertyValues(this.twoProviders)
				.withPropertyValues("llm.resilience.queue.enabled=false",
						"llm.resilience.providers.anthropic.base-url=" + server.baseUrl())
				.run((context) -> {
					assertThat(context).doesNotHaveBean(RequestQueue.class)
						.doesNotHaveBean(RequestQueueLifecycle.class);
					LlmTemplate template = context.getBean(LlmTemplate.class);
					assertThat(((ResilientPipeline) template.getPipeline()).getQueue()).isNull();
					StepVerifier.create(template.call("Hi"))
						.assertNext((response) -> assertThat(response.text()).isEqualTo("Hello"))
						.expectComplete()
						.verify(Duration.ofSeconds(10));
				});
		}
		finally {
			server.stop();
		}
	}

	@Test
	void backsOffToUserRequestQueue() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withUserConfiguration(UserRequestQueueConfiguration.class)
			.run((context) -> {
				RequestQueue userQueue = context.getBean(UserRequestQueueConfiguration.class).queue;
				assertThat(context).getBean(RequestQueue.class).isSameAs(userQueue);
				assertThat(context.getBean(ResilientPipeline.class).getQueue()).isSameAs(userQueue);
				assertThat(context).hasSingleBean(RequestQueueLifecycle.class);
				context.close();
				assertThat(userQueue.snapshot().closed()).as("the user's queue is shut down with the context").isTrue();
			});
	}

	@Test
	void backsOffToUserProviderPacer() {
		this.contextRunner.withPropertyValues(this.twoProviders)
			.withUserConfiguration(UserProviderPacerConfiguration.class)
			.run((context) -> assertThat(context).getBean(ProviderPacer.class)
				.isSameAs(context.getBean(UserProviderPacerConfiguration.class).pacer));
	}

	private static RetryConfig retryConfig(FallbackChain chain, String model) {
		return chain.getExecutor(model).getRetry().getRetryConfig();
	}

	private static CircuitBreakerConfig breakerConfig(FallbackChain chain, String model) {
		return chain.getExecutor(model).getCircuitBreaker().getCircuitBreakerConfig();
	}

	private static LlmOverloadedException overloaded() {
		return new LlmOverloadedException("anthropic", "haiku",
				new LlmApiException.Details(529, "overloaded_error", null, "Overloaded", null, null, null, null));
	}

	private static LlmInvalidRequestException invalidRequest() {
		return new LlmInvalidRequestException("anthropic", "haiku", new LlmApiException.Details(400,
				"invalid_request_error", null, "max_tokens: too large", null, null, null, null));
	}

	@Test
	void providerOfASuppliedTypeComesFromTheFactoryOfThatType() {
		this.contextRunner.withUserConfiguration(SpringAiProviderFactoryConfiguration.class)
			.withPropertyValues("llm.resilience.providers.bedrock.type=spring-ai",
					"llm.resilience.providers.bedrock.chat-model=bedrockChatModel",
					"llm.resilience.models.titan.provider=bedrock", "llm.resilience.chains.main[0]=titan")
			.run((context) -> {
				ModelCatalog catalog = context.getBean(ModelCatalog.class);
				LlmProvider provider = catalog.providerOf(catalog.getModels().get("titan"));
				assertThat(provider.id()).isEqualTo("bedrock");
				assertThat(provider.type()).isEqualTo("spring-ai");
				assertThat(context.getBean(SpringAiProviderFactoryConfiguration.class).chatModels)
					.containsExactly("bedrockChatModel");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class SpringAiProviderFactoryConfiguration {

		final List<String> chatModels = new ArrayList<>();

		@Bean
		LlmProviderFactory springAiProviderFactory() {
			return new LlmProviderFactory() {

				@Override
				public LlmResilienceProperties.ProviderType type() {
					return LlmResilienceProperties.ProviderType.SPRING_AI;
				}

				@Override
				public LlmProvider create(String id, LlmResilienceProperties.Provider properties) {
					SpringAiProviderFactoryConfiguration.this.chatModels.add(properties.getChatModel());
					return new LlmProvider() {

						@Override
						public String id() {
							return id;
						}

						@Override
						public String type() {
							return "spring-ai";
						}

						@Override
						public Mono<LlmResponse> call(LlmModel model, LlmRequest request) {
							return Mono.empty();
						}

						@Override
						public Flux<LlmStreamEvent> stream(LlmModel model, LlmRequest request) {
							return Flux.empty();
						}

					};
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SpendListenerConfiguration {

		final List<SpendListener.Spend> spent = new ArrayList<>();

		@Bean
		SpendListener recordingSpendListener() {
			return this.spent::add;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTemplateConfiguration {

		final LlmTemplate template = new LlmTemplate(
				new ResilientPipeline(new FallbackChain(new ModelCatalog(Map.of(), Map.of(), Map.of(), null), Map.of(),
						new LlmErrorClassifier(true)), null, null));

		@Bean
		LlmTemplate userTemplate() {
			return this.template;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserPipelineConfiguration {

		final LlmPipeline pipeline = new LlmPipeline() {

			@Override
			public Mono<LlmResponse> call(LlmRequest request) {
				return Mono.empty();
			}

			@Override
			public Flux<LlmStreamEvent> stream(LlmRequest request) {
				return Flux.empty();
			}

		};

		@Bean
		LlmPipeline userPipeline() {
			return this.pipeline;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserRequestQueueConfiguration {

		final RequestQueue queue = new RequestQueue(5, Map.of(), 1, Duration.ZERO);

		@Bean
		RequestQueue userRequestQueue() {
			return this.queue;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserProviderPacerConfiguration {

		final ProviderPacer pacer = new ProviderPacer(Map.of(), Map.of(), Clock.systemUTC(), Duration.ofSeconds(5));

		@Bean
		ProviderPacer userProviderPacer() {
			return this.pacer;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserFallbackChainConfiguration {

		final FallbackChain chain = new FallbackChain(new ModelCatalog(Map.of(), Map.of(), Map.of(), null), Map.of(),
				new LlmErrorClassifier(true));

		@Bean
		FallbackChain userFallbackChain() {
			return this.chain;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ClockConfiguration {

		@Bean
		Clock clock() {
			return Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserCatalogConfiguration {

		final ModelCatalog catalog = new ModelCatalog(Map.of(), Map.of(), Map.of(), null);

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
