package dev.llmresilience.autoconfigure;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

import dev.llmresilience.SpringBootTestSupport;
import dev.llmresilience.budget.CostAccounting;
import dev.llmresilience.budget.LocalRateBudget;
import dev.llmresilience.budget.LocalSpendLedger;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.budget.RateBudget;
import dev.llmresilience.budget.SpendLedger;
import dev.llmresilience.cluster.ClusterStatus;
import dev.llmresilience.cluster.RateLimitSharing;
import dev.llmresilience.cluster.RedisRateLimitSharing;
import dev.llmresilience.overview.LlmOverview;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import org.assertj.core.api.Condition;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link LlmClusterAutoConfiguration}. Redis need not run: sharing starts local
 * and stays so until Redis answers.
 */
class LlmClusterAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(SpringBootTestSupport.webClient())
		.withConfiguration(SpringBootTestSupport.redis())
		.withConfiguration(
				AutoConfigurations.of(LlmClusterAutoConfiguration.class, LlmResilienceAutoConfiguration.class))
		.withPropertyValues("llm.resilience.providers.claude.type=anthropic",
				"llm.resilience.providers.claude.api-key=test-key",
				"llm.resilience.providers.claude.requests-per-minute=1000",
				"llm.resilience.models.haiku.provider=claude", "llm.resilience.models.haiku.tokens-per-minute=100000",
				"llm.resilience.chains.main[0]=haiku",
				// a port nothing listens on
				"spring.data.redis.port=1", "llm.resilience.cluster.probe-interval=1h");

	@Test
	void keepsBudgetsLocalByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ProviderPacer.class).doesNotHaveBean(RateLimitSharing.class);
			assertThat(context.getBean(LlmOverview.class).cluster()).isNull();
			assertThat(context.getBean(ProviderPacer.class)).extracting("providerBudgets")
				.asInstanceOf(InstanceOfAssertFactories.MAP)
				.hasValueSatisfying(new Condition<>(LocalRateBudget.class::isInstance, "local"));
		});
	}

	@Test
	void sharesBudgetsThroughRedisWhenEnabled() {
		this.contextRunner.withPropertyValues("llm.resilience.cluster.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(RedisRateLimitSharing.class);
			ProviderPacer pacer = context.getBean(ProviderPacer.class);
			assertThat(pacer).extracting("providerBudgets")
				.asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsOnlyKeys("claude")
				.extractingByKey("claude")
				.isNotInstanceOf(LocalRateBudget.class);
			assertThat(pacer).extracting("modelBudgets")
				.asInstanceOf(InstanceOfAssertFactories.MAP)
				.extractingByKey("haiku")
				.isNotInstanceOf(LocalRateBudget.class);
			ClusterStatus status = context.getBean(LlmOverview.class).cluster();
			assertThat(status).isNotNull();
			assertThat(status.mode()).isEqualTo("local");
		});
	}

	@Test
	void thePacerTakesItsBudgetsFromTheSharingAndIsHeldByTheHoldsItReceives() {
		this.contextRunner.withPropertyValues("llm.resilience.cluster.enabled=true")
			.withBean("llmRateLimitSharing", RecordingSharing.class, RecordingSharing::new)
			.run((context) -> {
				RecordingSharing sharing = context.getBean(RecordingSharing.class);
				ProviderPacer pacer = context.getBean(ProviderPacer.class);
				assertThat(sharing.receiver).isNotNull();
				sharing.receiver.accept("claude", Instant.now().plusSeconds(60));
				sharing.receiver.accept("not-ours", Instant.now().plusSeconds(60));
				assertThat(pacer.holds()).containsOnlyKeys("claude");
				assertThat(sharing.budgets).isEqualTo(2);
			});
	}

	@Test
	void spendBudgetsKeepTheirSpendInTheSharingWithTheirPolicyForRedisLoss() {
		this.contextRunner
			.withPropertyValues("llm.resilience.cluster.enabled=true", "llm.resilience.models.haiku.prices.input=1",
					"llm.resilience.models.haiku.prices.output=5", "llm.resilience.cost.budgets.daily.limit=50",
					"llm.resilience.cost.budgets.daily.redis-loss=refuse",
					"llm.resilience.cost.budgets.monthly.limit=500")
			.withBean("llmRateLimitSharing", RecordingSharing.class, RecordingSharing::new)
			.run((context) -> assertThat(context.getBean(RecordingSharing.class).spendLedgers)
				.containsExactly(Map.entry("daily", true), Map.entry("monthly", false)));
	}

	@Test
	void spendBudgetsAreSharedThroughRedisWhenEnabled() {
		this.contextRunner
			.withPropertyValues("llm.resilience.cluster.enabled=true", "llm.resilience.models.haiku.prices.input=1",
					"llm.resilience.models.haiku.prices.output=5", "llm.resilience.cost.budgets.daily.limit=50")
			.run((context) -> assertThat(context.getBean(CostAccounting.class).budgets()).singleElement()
				.satisfies((budget) -> assertThat(budget.ledger()).isNotInstanceOf(LocalSpendLedger.class)));
	}

	@Test
	void spendBudgetsStayLocalWithoutSharingWhateverTheyDoWhileRedisIsLost() {
		this.contextRunner
			.withPropertyValues("llm.resilience.models.haiku.prices.input=1",
					"llm.resilience.models.haiku.prices.output=5", "llm.resilience.cost.budgets.daily.limit=50",
					"llm.resilience.cost.budgets.daily.redis-loss=refuse")
			.run((context) -> assertThat(context.getBean(CostAccounting.class).budgets()).singleElement()
				.satisfies((budget) -> assertThat(budget.ledger()).isInstanceOf(LocalSpendLedger.class)));
	}

	@Test
	void failsWithoutARedisConnectionFactory() {
		new ApplicationContextRunner().withConfiguration(SpringBootTestSupport.webClient())
			.withConfiguration(
					AutoConfigurations.of(LlmClusterAutoConfiguration.class, LlmResilienceAutoConfiguration.class))
			.withPropertyValues("llm.resilience.providers.claude.type=anthropic",
					"llm.resilience.providers.claude.api-key=test-key", "llm.resilience.models.haiku.provider=claude",
					"llm.resilience.cluster.enabled=true")
			.run((context) -> assertFailsNaming(context.getStartupFailure(), "llm.resilience.cluster.enabled",
					"no Lettuce connection factory"));
	}

	@Test
	void failsWithAConnectionFactoryOtherThanLettuce() {
		this.contextRunner.withPropertyValues("llm.resilience.cluster.enabled=true")
			.withBean("redisConnectionFactory", RedisConnectionFactory.class, () -> mock(RedisConnectionFactory.class))
			.run((context) -> assertFailsNaming(context.getStartupFailure(), "llm.resilience.cluster.enabled",
					"no Lettuce connection factory"));
	}

	@Test
	void failsWithoutSpringDataRedis() {
		this.contextRunner.withPropertyValues("llm.resilience.cluster.enabled=true")
			.withClassLoader(new FilteredClassLoader(LettuceConnectionFactory.class))
			.run((context) -> assertFailsNaming(context.getStartupFailure(), "llm.resilience.cluster.enabled",
					"not on the class path"));
	}

	@Test
	void failsWithoutBucket4jLettuce() {
		this.contextRunner.withPropertyValues("llm.resilience.cluster.enabled=true")
			.withClassLoader(new FilteredClassLoader(Bucket4jLettuce.class))
			.run((context) -> assertFailsNaming(context.getStartupFailure(), "llm.resilience.cluster.enabled",
					"not on the class path"));
	}

	@Test
	void needsNeitherRedisNorBucket4jLettuceWhenNotEnabled() {
		this.contextRunner
			.withClassLoader(new FilteredClassLoader(LettuceConnectionFactory.class, Bucket4jLettuce.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RateLimitSharing.class));
	}

	@Test
	void backsOffWhenLlmResilienceIsDisabled() {
		this.contextRunner.withPropertyValues("llm.resilience.cluster.enabled=true", "llm.resilience.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RateLimitSharing.class));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			timeout=0s          | llm.resilience.cluster.timeout        | the duration must be positive
			probe-interval=-1s  | llm.resilience.cluster.probe-interval | the duration must be positive
			local-share=0       | llm.resilience.cluster.local-share    | not greater than 0 and at most 1
			local-share=1.5     | llm.resilience.cluster.local-share    | not greater than 0 and at most 1
			key-prefix=         | llm.resilience.cluster.key-prefix     | the prefix is empty
			""")
	void failsOnInvalidSettingsNamingTheProperty(String setting, String property, String problem) {
		this.contextRunner
			.withPropertyValues("llm.resilience.cluster.enabled=true", "llm.resilience.cluster." + setting)
			.run((context) -> assertFailsNaming(context.getStartupFailure(), property, problem));
	}

	private static void assertFailsNaming(Throwable failure, String property, String problem) {
		assertThat(failure).isNotNull();
		assertThat(failure).rootCause()
			.isInstanceOf(InvalidLlmPropertyException.class)
			.hasMessageContaining(property)
			.hasMessageContaining(problem);
	}

	/**
	 * Sharing that records what the auto-configuration asks of it.
	 */
	static class RecordingSharing implements RateLimitSharing {

		BiConsumer<String, Instant> receiver;

		int budgets;

		final Map<String, Boolean> spendLedgers = new LinkedHashMap<>();

		@Override
		public RateBudget budget(String scope, long requestsPerMinute, long tokensPerMinute) {
			this.budgets++;
			return new LocalRateBudget(requestsPerMinute, tokensPerMinute);
		}

		@Override
		public SpendLedger spendLedger(String budget, boolean refuseWhileUnreachable) {
			this.spendLedgers.put(budget, refuseWhileUnreachable);
			return new LocalSpendLedger();
		}

		@Override
		public void publishHold(String provider, Instant until) {
		}

		@Override
		public void receiveHolds(BiConsumer<String, Instant> receiver) {
			this.receiver = receiver;
		}

		@Override
		public ClusterStatus status() {
			return ClusterStatus.shared(Instant.EPOCH);
		}

	}

}
