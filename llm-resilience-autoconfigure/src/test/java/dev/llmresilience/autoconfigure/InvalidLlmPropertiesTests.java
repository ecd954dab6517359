package dev.llmresilience.autoconfigure;

import java.util.Map;
import java.util.stream.Stream;

import dev.llmresilience.SpringBootTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests that invalid {@code llm.resilience.*} properties fail the start-up with a report
 * that names the property and the fix.
 */
@ExtendWith(OutputCaptureExtension.class)
class InvalidLlmPropertiesTests {

	private static final String KEY = "sk-ant-api03-" + "a1B2c3D4e5F6g7H8i9J0".repeat(4);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(SpringBootTestSupport.webClient())
		.withConfiguration(AutoConfigurations.of(LlmResilienceAutoConfiguration.class))
		.withPropertyValues("llm.resilience.providers.claude.type=anthropic",
				"llm.resilience.providers.claude.api-key=" + KEY, "llm.resilience.models.haiku.provider=claude",
				"llm.resilience.chains.main[0]=haiku");

	static Stream<Arguments> invalidConfigurations() {
		return Stream.of(
				Arguments.of("chain naming an unknown model", new String[] { "llm.resilience.chains.main[1]=opus" },
						"llm.resilience.chains.main[1]", "no model 'opus'", "Use one of [haiku]"),
				Arguments.of("model naming an unknown provider",
						new String[] { "llm.resilience.models.gpt.provider=openai" },
						"llm.resilience.models.gpt.provider", "no provider 'openai'", "Set it to one of [claude]"),
				Arguments.of("model without a provider", new String[] { "llm.resilience.models.gpt.name=gpt-4o" },
						"llm.resilience.models.gpt.provider", "no provider is set", "Set it to one of [claude]"),
				Arguments.of("provider without a type",
						new String[] { "llm.resilience.providers.local.base-url=http://localhost:1234/v1" },
						"llm.resilience.providers.local.type", "no provider type",
						"'anthropic' or 'openai', or to 'spring-ai'"),
				Arguments.of("spring-ai provider naming no bean",
						new String[] { "llm.resilience.providers.bedrock.type=spring-ai" },
						"llm.resilience.providers.bedrock.chat-model", "no ChatModel bean is named",
						"such as openAiChatModel"),
				Arguments.of("spring-ai provider with a base url",
						new String[] { "llm.resilience.providers.bedrock.type=spring-ai",
								"llm.resilience.providers.bedrock.chat-model=bedrockChatModel",
								"llm.resilience.providers.bedrock.base-url=http://localhost:8080" },
						"llm.resilience.providers.bedrock.base-url", "has no URL of its own",
						"as its ChatModel bean is configured"),
				Arguments.of("spring-ai provider with an api key",
						new String[] { "llm.resilience.providers.bedrock.type=spring-ai",
								"llm.resilience.providers.bedrock.chat-model=bedrockChatModel",
								"llm.resilience.providers.bedrock.api-key=" + KEY },
						"llm.resilience.providers.bedrock.api-key", "has no API key of its own",
						"spring.ai.openai.api-key"),
				Arguments.of("spring-ai provider with headers",
						new String[] { "llm.resilience.providers.bedrock.type=spring-ai",
								"llm.resilience.providers.bedrock.chat-model=bedrockChatModel",
								"llm.resilience.providers.bedrock.headers.x-team=search" },
						"llm.resilience.providers.bedrock.headers", "sends no headers of its own",
						"as its ChatModel bean is configured"),
				Arguments.of("chat model named for an http provider",
						new String[] { "llm.resilience.providers.claude.chat-model=anthropicChatModel" },
						"llm.resilience.providers.claude.chat-model", "this one is 'anthropic'", "type=spring-ai"),
				Arguments.of("spring-ai provider without the bridge on the class path",
						new String[] { "llm.resilience.providers.bedrock.type=spring-ai",
								"llm.resilience.providers.bedrock.chat-model=bedrockChatModel" },
						"llm.resilience.providers.bedrock.type", "no module on the class path makes 'spring-ai'",
						"dev.llmresilience:llm-resilience-spring-ai"),
				Arguments.of("empty chain", new String[] { "llm.resilience.chains.empty=" },
						"llm.resilience.chains.empty", "the chain is empty", "List at least one model id"),
				Arguments.of("missing api key", new String[] { "llm.resilience.providers.claude.api-key=" },
						"llm.resilience.providers.claude.api-key", "needs an API key", "${ANTHROPIC_API_KEY}"),
				Arguments.of("relative base url", new String[] { "llm.resilience.providers.claude.base-url=api/v1" },
						"llm.resilience.providers.claude.base-url", "not an absolute http or https URL",
						"https://api.anthropic.com"),
				Arguments.of("base url with a space",
						new String[] { "llm.resilience.providers.claude.base-url=http://bad host" },
						"llm.resilience.providers.claude.base-url", "not an absolute http or https URL",
						"Set it to the API's root URL"),
				Arguments.of("base url of another scheme",
						new String[] { "llm.resilience.providers.claude.base-url=ftp://api.example.com" },
						"llm.resilience.providers.claude.base-url", "not an absolute http or https URL",
						"Set it to the API's root URL"),
				Arguments.of("api key over plain http to a remote host",
						new String[] { "llm.resilience.providers.claude.base-url=http://llm.example.com" },
						"llm.resilience.providers.claude.base-url", "plain http to llm.example.com",
						"allow-insecure-transport=true"),
				Arguments.of("unknown default chain", new String[] { "llm.resilience.default-chain=fast" },
						"llm.resilience.default-chain", "no chain 'fast'", "Use one of [main]"),
				Arguments.of("zero output tokens", new String[] { "llm.resilience.models.haiku.max-output-tokens=0" },
						"llm.resilience.models.haiku.max-output-tokens", "must be positive", "such as 8192"),
				Arguments.of("negative context window",
						new String[] { "llm.resilience.models.haiku.context-window=-5" },
						"llm.resilience.models.haiku.context-window", "must be positive", "such as 200000"),
				Arguments.of("zero timeout", new String[] { "llm.resilience.providers.claude.stream-idle-timeout=0s" },
						"llm.resilience.providers.claude.stream-idle-timeout", "must be positive", "such as 30s"),
				Arguments.of("empty anthropic version",
						new String[] { "llm.resilience.providers.claude.anthropic-version=" },
						"llm.resilience.providers.claude.anthropic-version", "the version is empty", "2023-06-01"),
				Arguments.of("no attempt at all", new String[] { "llm.resilience.retry.max-attempts=0" },
						"llm.resilience.retry.max-attempts", "the value 0 is below 1",
						"Set a whole number of 1 or more"),
				Arguments.of("jitter above one", new String[] { "llm.resilience.retry.jitter=1.5" },
						"llm.resilience.retry.jitter", "the value 1.5 is outside 0.0 to 0.99",
						"Set a number from 0.0 to 0.99"),
				Arguments.of("zero failure rate threshold",
						new String[] { "llm.resilience.circuit-breaker.failure-rate-threshold=0" },
						"llm.resilience.circuit-breaker.failure-rate-threshold",
						"the value 0.0 is outside 1.0 to 100.0", "Set a number from 1.0 to 100.0"),
				Arguments.of("zero wait in open", new String[] { "llm.resilience.circuit-breaker.wait-in-open=0s" },
						"llm.resilience.circuit-breaker.wait-in-open", "the duration must be positive",
						"Set a positive duration, such as 30s"),
				Arguments.of("no attempt at all for one model",
						new String[] { "llm.resilience.models.haiku.retry.max-attempts=0" },
						"llm.resilience.models.haiku.retry.max-attempts", "the value 0 is below 1",
						"Set a whole number of 1 or more"),
				Arguments.of("zero failure rate threshold for one model with a dashed id",
						new String[] { "llm.resilience.models.claude-haiku.provider=claude",
								"llm.resilience.models.claude-haiku.circuit-breaker.failure-rate-threshold=0" },
						"llm.resilience.models.claude-haiku.circuit-breaker.failure-rate-threshold",
						"the value 0.0 is outside 1.0 to 100.0", "Set a number from 1.0 to 100.0"),
				Arguments.of("no request served at once", new String[] { "llm.resilience.queue.max-concurrent=0" },
						"llm.resilience.queue.max-concurrent", "the value 0 is below 1",
						"Set a whole number of 1 or more"),
				Arguments.of("negative queue capacity", new String[] { "llm.resilience.queue.capacity=-1" },
						"llm.resilience.queue.capacity", "the value -1 is below 0", "Set a whole number of 0 or more"),
				Arguments.of("negative capacity of a priority",
						new String[] { "llm.resilience.queue.priority-capacity.low=-1" },
						"llm.resilience.queue.priority-capacity.low", "the value -1 is below 0",
						"Set a whole number of 0 or more"),
				Arguments.of("negative aging", new String[] { "llm.resilience.queue.aging=-1s" },
						"llm.resilience.queue.aging", "the interval must not be negative",
						"Set a duration such as 10s, or 0 for strict priority"),
				Arguments.of("zero shutdown grace", new String[] { "llm.resilience.queue.shutdown-grace=0s" },
						"llm.resilience.queue.shutdown-grace", "the duration must be positive",
						"Set a positive duration, such as 30s"),
				Arguments.of("negative requests per minute of a provider",
						new String[] { "llm.resilience.providers.claude.requests-per-minute=-1" },
						"llm.resilience.providers.claude.requests-per-minute", "the value -1 is below 0",
						"Set a whole number of 0 or more"),
				Arguments.of("negative tokens per minute of a model",
						new String[] { "llm.resilience.models.haiku.tokens-per-minute=-5" },
						"llm.resilience.models.haiku.tokens-per-minute", "the value -5 is below 0",
						"Set a whole number of 0 or more"),
				Arguments.of("zero overall timeout", new String[] { "llm.resilience.timeout=0s" },
						"llm.resilience.timeout", "the duration must be positive", "such as 30s"),
				Arguments.of("jitter above one for one model",
						new String[] { "llm.resilience.models.haiku.retry.jitter=1" },
						"llm.resilience.models.haiku.retry.jitter", "the value 1.0 is outside 0.0 to 0.99",
						"Set a number from 0.0 to 0.99"),
				Arguments.of("negative local share of shared budgets",
						new String[] { "llm.resilience.cluster.enabled=true", "llm.resilience.cluster.local-share=-1" },
						"llm.resilience.cluster.local-share", "not greater than 0 and at most 1", "such as 0.25"),
				Arguments.of("no connections for a provider",
						new String[] { "llm.resilience.providers.claude.max-connections=0" },
						"llm.resilience.providers.claude.max-connections", "the value 0 is below 1",
						"Set a whole number of 1 or more"),
				Arguments.of("deployment naming an unknown provider",
						new String[] { "llm.resilience.models.haiku.deployments.eu.provider=claude-eu" },
						"llm.resilience.models.haiku.deployments.eu.provider", "no provider 'claude-eu'",
						"Set it to one of [claude]"),
				Arguments.of("deployment without a provider",
						new String[] { "llm.resilience.models.haiku.deployments.eu.weight=2" },
						"llm.resilience.models.haiku.deployments.eu.provider", "no provider is set",
						"Set it to one of [claude]"),
				Arguments.of("deployments of two wire formats",
						new String[] { "llm.resilience.providers.local.type=openai",
								"llm.resilience.models.haiku.deployments.us.provider=claude",
								"llm.resilience.models.haiku.deployments.local.provider=local" },
						"llm.resilience.models.haiku.deployments.local.provider",
						"provider 'local' speaks openai while deployment 'us' speaks anthropic",
						"make a model of each type and chain them"),
				Arguments.of("negative weight of a deployment",
						new String[] { "llm.resilience.models.haiku.deployments.us.provider=claude",
								"llm.resilience.models.haiku.deployments.us.weight=-1" },
						"llm.resilience.models.haiku.deployments.us.weight", "the value -1 is below 0",
						"Set a whole number of 0 or more"),
				Arguments.of("empty model name of a deployment",
						new String[] { "llm.resilience.models.haiku.deployments.us.provider=claude",
								"llm.resilience.models.haiku.deployments.us.name= " },
						"llm.resilience.models.haiku.deployments.us.name", "the name is empty",
						"Remove it to use the model's name"),
				Arguments.of("negative requests per minute of a deployment",
						new String[] { "llm.resilience.models.haiku.deployments.us.provider=claude",
								"llm.resilience.models.haiku.deployments.us.requests-per-minute=-2" },
						"llm.resilience.models.haiku.deployments.us.requests-per-minute", "the value -2 is below 0",
						"Set a whole number of 0 or more"),
				Arguments.of("hedging with one deployment",
						new String[] { "llm.resilience.models.haiku.hedging.enabled=true" },
						"llm.resilience.models.haiku.hedging.enabled", "needs two deployments or more",
						"Configure a second deployment"),
				Arguments.of("hedging after no delay",
						new String[] { "llm.resilience.models.haiku.deployments.a.provider=claude",
								"llm.resilience.models.haiku.deployments.b.provider=claude",
								"llm.resilience.models.haiku.hedging.enabled=true",
								"llm.resilience.models.haiku.hedging.delay=0s" },
						"llm.resilience.models.haiku.hedging.delay", "the duration must be positive",
						"Set a positive duration"),
				Arguments.of("hedging at the hundredth percentile",
						new String[] { "llm.resilience.models.haiku.deployments.a.provider=claude",
								"llm.resilience.models.haiku.deployments.b.provider=claude",
								"llm.resilience.models.haiku.hedging.enabled=true",
								"llm.resilience.models.haiku.hedging.percentile=100" },
						"llm.resilience.models.haiku.hedging.percentile", "is not from 0 up to", "such as 95"),
				Arguments.of("hedging without hedges",
						new String[] { "llm.resilience.models.haiku.deployments.a.provider=claude",
								"llm.resilience.models.haiku.deployments.b.provider=claude",
								"llm.resilience.models.haiku.hedging.enabled=true",
								"llm.resilience.models.haiku.hedging.max-hedges=0" },
						"llm.resilience.models.haiku.hedging.max-hedges", "the value 0 is below 1",
						"Set a whole number of 1 or more"),
				Arguments.of("hedging any share of the traffic",
						new String[] { "llm.resilience.models.haiku.deployments.a.provider=claude",
								"llm.resilience.models.haiku.deployments.b.provider=claude",
								"llm.resilience.models.haiku.hedging.enabled=true",
								"llm.resilience.models.haiku.hedging.max-share=1.5" },
						"llm.resilience.models.haiku.hedging.max-share", "not greater than 0 and at most 1",
						"such as 0.1"),
				Arguments.of("prices without an output price",
						new String[] { "llm.resilience.models.haiku.prices.input=1" },
						"llm.resilience.models.haiku.prices.output", "no price is set", "0 for a free model"),
				Arguments.of("negative cache-read price",
						new String[] { "llm.resilience.models.haiku.prices.input=1",
								"llm.resilience.models.haiku.prices.output=5",
								"llm.resilience.models.haiku.prices.cache-read=-0.1" },
						"llm.resilience.models.haiku.prices.cache-read", "the price -0.1 is negative", "0 or more"),
				Arguments.of("long-context tier without its threshold",
						new String[] { "llm.resilience.models.haiku.prices.input=1",
								"llm.resilience.models.haiku.prices.output=5",
								"llm.resilience.models.haiku.prices.long-context.input=2",
								"llm.resilience.models.haiku.prices.long-context.output=10" },
						"llm.resilience.models.haiku.prices.long-context.above-input-tokens", "no threshold is set",
						"such as 200000"),
				Arguments.of("long-context tier without its output price",
						new String[] { "llm.resilience.models.haiku.prices.input=1",
								"llm.resilience.models.haiku.prices.output=5",
								"llm.resilience.models.haiku.prices.long-context.above-input-tokens=200000",
								"llm.resilience.models.haiku.prices.long-context.input=2" },
						"llm.resilience.models.haiku.prices.long-context.output", "no price is set", "pricing page"),
				Arguments.of("deployment prices without an output price where the model has none",
						new String[] { "llm.resilience.models.haiku.deployments.us.provider=claude",
								"llm.resilience.models.haiku.deployments.us.prices.input=1" },
						"llm.resilience.models.haiku.deployments.us.prices.output", "no price is set",
						"0 for a free model"),
				Arguments.of("currency that is no currency code", new String[] { "llm.resilience.cost.currency=$" },
						"llm.resilience.cost.currency", "'$' is not a currency code", "such as USD or EUR"),
				Arguments.of("tag name that is not a lower case word",
						new String[] { "llm.resilience.cost.tags.Tenant=acme" }, "llm.resilience.cost.tags.Tenant",
						"'Tenant' is not a tag name", "such as tenant or feature"),
				Arguments.of("tag value standing for undeclared values",
						new String[] { "llm.resilience.cost.tags.tenant=acme,other" },
						"llm.resilience.cost.tags.tenant[1]", "'other' stands for the values not listed",
						"undeclared ones count as 'other'"),
				Arguments.of("budget without a limit", priced("llm.resilience.cost.budgets.daily.period=day"),
						"llm.resilience.cost.budgets.daily.limit", "no limit is set", "such as 50"),
				Arguments.of("budget of a negative limit", priced("llm.resilience.cost.budgets.daily.limit=-5"),
						"llm.resilience.cost.budgets.daily.limit", "is not above 0", "such as 50"),
				Arguments.of("budget of an unknown chain",
						priced("llm.resilience.cost.budgets.daily.limit=5",
								"llm.resilience.cost.budgets.daily.chain=batch"),
						"llm.resilience.cost.budgets.daily.chain", "no chain 'batch'", "Use one of [main]"),
				Arguments.of("budget of an unknown model",
						priced("llm.resilience.cost.budgets.daily.limit=5",
								"llm.resilience.cost.budgets.daily.model=opus"),
						"llm.resilience.cost.budgets.daily.model", "no model 'opus'", "Use one of [haiku]"),
				Arguments.of("budget of an undeclared tag value",
						priced("llm.resilience.cost.tags.tenant=acme", "llm.resilience.cost.budgets.daily.limit=5",
								"llm.resilience.cost.budgets.daily.tags.tenant=globex"),
						"llm.resilience.cost.budgets.daily.tags.tenant", "tenant=globex is not declared",
						"llm.resilience.cost.tags.tenant"),
				Arguments.of("budget that only warns but refuses while Redis is unreachable",
						priced("llm.resilience.cost.budgets.daily.limit=5",
								"llm.resilience.cost.budgets.daily.action=warn",
								"llm.resilience.cost.budgets.daily.redis-loss=refuse"),
						"llm.resilience.cost.budgets.daily.redis-loss", "a budget that only warns never refuses",
						"set the budget's action to 'refuse' or 'skip'"),
				Arguments.of("budget covering a model without prices",
						new String[] { "llm.resilience.cost.budgets.monthly.limit=1000" },
						"llm.resilience.models.haiku.prices.input", "budget 'monthly' covers it",
						"0 for a free model"));
	}

	private static String[] priced(String... properties) {
		String[] all = new String[properties.length + 2];
		all[0] = "llm.resilience.models.haiku.prices.input=1";
		all[1] = "llm.resilience.models.haiku.prices.output=5";
		System.arraycopy(properties, 0, all, 2, properties.length);
		return all;
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidConfigurations")
	void failsAtStartupNamingThePropertyAndTheFix(String name, String[] properties, String property, String problem,
			String action) {
		this.contextRunner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new InvalidLlmPropertyFailureAnalyzer(new StandardEnvironment())
				.analyze(context.getStartupFailure());
			assertThat(analysis).as("failure analysis").isNotNull();
			assertThat(analysis.getDescription()).contains("'" + property + "'").contains(problem);
			assertThat(analysis.getAction()).contains(action);
			assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(KEY);
		});
	}

	@Test
	void unknownProviderTypeFailsBindingNamingTheProperty() {
		this.contextRunner.withPropertyValues("llm.resilience.providers.claude.type=gemini")
			.run((context) -> assertThat(bindFailure(context.getStartupFailure()).getName())
				.hasToString("llm.resilience.providers.claude.type"));
	}

	@Test
	void unknownCapabilityFailsBindingNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("llm.resilience.providers.claude.type=anthropic",
					"llm.resilience.providers.claude.api-key=test-key", "llm.resilience.models.haiku.provider=claude",
					"llm.resilience.models.haiku.capabilities=tools,telepathy")
			.run((context) -> assertThat(bindFailure(context.getStartupFailure()).getName())
				.hasToString("llm.resilience.models.haiku.capabilities"));
	}

	@Test
	void unknownRoutingStrategyFailsBindingNamingTheProperty() {
		this.contextRunner.withPropertyValues("llm.resilience.models.haiku.routing=round-robin")
			.run((context) -> assertThat(bindFailure(context.getStartupFailure()).getName())
				.hasToString("llm.resilience.models.haiku.routing"));
	}

	@Test
	void unknownTimeZoneOfABudgetFailsBindingNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("llm.resilience.cost.budgets.daily.limit=5",
					"llm.resilience.cost.budgets.daily.time-zone=Mars/Olympus_Mons")
			.run((context) -> assertThat(bindFailure(context.getStartupFailure()).getName())
				.hasToString("llm.resilience.cost.budgets.daily.time-zone"));
	}

	@Test
	void unknownBudgetActionFailsBindingNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("llm.resilience.cost.budgets.daily.limit=5",
					"llm.resilience.cost.budgets.daily.action=pray")
			.run((context) -> assertThat(bindFailure(context.getStartupFailure()).getName())
				.hasToString("llm.resilience.cost.budgets.daily.action"));
	}

	@Test
	void unknownPolicyForRedisLossFailsBindingNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("llm.resilience.cost.budgets.daily.limit=5",
					"llm.resilience.cost.budgets.daily.redis-loss=wait")
			.run((context) -> assertThat(bindFailure(context.getStartupFailure()).getName())
				.hasToString("llm.resilience.cost.budgets.daily.redis-loss"));
	}

	@Test
	void unknownHoldScopeFailsBindingNamingTheProperty() {
		this.contextRunner.withPropertyValues("llm.resilience.providers.claude.hold-scope=region")
			.run((context) -> assertThat(bindFailure(context.getStartupFailure()).getName())
				.hasToString("llm.resilience.providers.claude.hold-scope"));
	}

	private static BindException bindFailure(Throwable failure) {
		for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
			if (ex instanceof BindException bindException) {
				return bindException;
			}
		}
		throw new AssertionError("No BindException in " + failure);
	}

	@Test
	void plainHttpToLoopbackIsAllowed() {
		this.contextRunner
			.withPropertyValues("llm.resilience.providers.claude.base-url=http://127.0.0.1:8080",
					"llm.resilience.providers.local.type=openai",
					"llm.resilience.providers.local.base-url=http://[::1]:11434/v1",
					"llm.resilience.providers.local.api-key=local-key")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void plainHttpToRemoteHostIsAllowedWhenExplicitlyAllowed() {
		this.contextRunner
			.withPropertyValues("llm.resilience.providers.claude.base-url=http://llm.internal:8080",
					"llm.resilience.providers.claude.allow-insecure-transport=true")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void plainHttpWithoutApiKeyIsAllowed() {
		this.contextRunner
			.withPropertyValues("llm.resilience.providers.local.type=openai",
					"llm.resilience.providers.local.base-url=http://gpu-box:11434/v1")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void applicationFailsToStartWithTheReport(CapturedOutput output) {
		SpringApplication application = new SpringApplication(EmptyConfiguration.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(Map.of("llm.resilience.providers.claude.type", "anthropic",
				"llm.resilience.providers.claude.api-key", KEY, "llm.resilience.models.haiku.provider", "claude",
				"llm.resilience.chains.main[0]", "haiku", "llm.resilience.chains.main[1]", "opus"));
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid property 'llm.resilience.chains.main[1]': no model 'opus' is configured")
			.contains("Use one of [haiku], or configure the model under llm.resilience.models.")
			.doesNotContain(KEY);
	}

	@Test
	void reportNamesTheFileAndLineWhereTheValueWasSet(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("classpath:invalid-llm/unknown-model.yml"));
		assertThat(output).contains("Invalid property 'llm.resilience.chains.main[1]': no model 'opus' is configured")
			.contains("Origin: class path resource [invalid-llm/unknown-model.yml] - 12:11")
			.doesNotContain("sk-ant-test-secret");
	}

	@Test
	void reportOfAMissingValueNamesWhereItsGroupWasSet(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("classpath:invalid-llm/model-without-provider.yml"));
		assertThat(output).contains("Invalid property 'llm.resilience.models.gpt.provider': no provider is set")
			.contains("Origin: class path resource [invalid-llm/model-without-provider.yml] - 9:15"
					+ " (where llm.resilience.models.gpt is set)")
			.doesNotContain("sk-ant-test-secret");
	}

	@Test
	void reportOfAnInsecureBaseUrlNeverShowsTheKey(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("classpath:invalid-llm/key-over-http.yml"));
		assertThat(output).contains("Invalid property 'llm.resilience.providers.claude.base-url'")
			.contains("Origin: class path resource [invalid-llm/key-over-http.yml] - 5:19")
			.doesNotContain("sk-ant-test-secret");
	}

	private static void run(String configuration) {
		SpringApplication application = new SpringApplication(EmptyConfiguration.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(Map.of("spring.config.location", configuration));
		application.run();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class EmptyConfiguration {

	}

}
