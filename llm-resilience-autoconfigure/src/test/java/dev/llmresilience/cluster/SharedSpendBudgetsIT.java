package dev.llmresilience.cluster;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.SpringBootTestSupport;
import dev.llmresilience.error.LlmBudgetExceededException;
import dev.llmresilience.overview.LlmOverview;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of spend budgets shared through Redis: two application contexts, the
 * replicas, share one real Redis server and one provider. Each call is estimated at
 * 0.0025 (9 tokens in and 16 out at 100 a million) and costs 0.0011 (10 in, 1 out); the
 * budget {@code daily} allows 0.02 a day, so at most 18 calls together, and 16 made one
 * after the other by one replica alone.
 */
class SharedSpendBudgetsIT {

	private static final BigDecimal CALL_COST = new BigDecimal("0.0011");

	private static final BigDecimal LIMIT = new BigDecimal("0.02");

	private static RedisServerProcess redis;

	private final FakeProviderServer provider = FakeProviderServer.start();

	private final List<ConfigurableApplicationContext> replicas = new ArrayList<>();

	private final String keyPrefix = "test-" + UUID.randomUUID();

	@BeforeAll
	static void startRedis() {
		redis = RedisServerProcess.start();
	}

	@AfterAll
	static void stopRedis() {
		if (redis != null) {
			redis.close();
		}
	}

	@AfterEach
	void close() {
		this.replicas.forEach(ConfigurableApplicationContext::close);
		this.provider.close();
	}

	@Test
	void replicasCallingAtOnceNeverPassTheSharedBudgetTogether() {
		List<ConfigurableApplicationContext> replicas = List.of(replica(true, "local-share"),
				replica(true, "local-share"));
		Outcomes outcomes = callAtOnce(replicas, 30);
		assertThat(outcomes.answered).isBetween(1, 18);
		assertThat(outcomes.refused).isEqualTo(60 - outcomes.answered);
		assertThat(this.provider.requests().count()).isEqualTo(outcomes.answered);
		// the shared spend, once every settlement is made, is what the answers cost, and
		// each replica shows it
		BigDecimal answersCost = CALL_COST.multiply(BigDecimal.valueOf(outcomes.answered));
		assertThat(answersCost).isLessThanOrEqualTo(LIMIT);
		for (ConfigurableApplicationContext replica : replicas) {
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(budget(replica).path("spent").decimalValue())
					.isEqualByComparingTo(answersCost));
			JsonNode budget = budget(replica);
			assertThat(budget.path("shared").asBoolean()).isTrue();
			assertThat(budget.path("limit").decimalValue()).isEqualByComparingTo(LIMIT);
			assertThat(Instant.parse(budget.path("resetsAt").asText())).isAfter(Instant.now());
		}
	}

	@Test
	void withoutSharingEachReplicaSpendsTheWholeBudget() {
		List<ConfigurableApplicationContext> replicas = List.of(replica(false, "local-share"),
				replica(false, "local-share"));
		Outcomes outcomes = callAtOnce(replicas, 30);
		// the control for the test above: together they pass the limit
		assertThat(CALL_COST.multiply(BigDecimal.valueOf(outcomes.answered))).isGreaterThan(LIMIT);
		assertThat(budget(replicas.get(0)).path("shared").asBoolean()).isFalse();
	}

	@Test
	void whileRedisIsLostEachReplicaKeepsSpendingFromItsLocalShareAndSharesAgainOnceItIsBack() {
		ConfigurableApplicationContext first = replica(true, "local-share");
		ConfigurableApplicationContext second = replica(true, "local-share");
		callsOf(first, 2);
		callsOf(second, 2);
		redis.stop();
		try {
			// a share of 0.01 each, of which each spent 0.0022: five more calls fit, at
			// 0.0025 estimated and 0.0011 each, and the sixth would pass the share
			for (ConfigurableApplicationContext replica : List.of(first, second)) {
				callsOf(replica, 5);
				assertThatExceptionOfType(LlmBudgetExceededException.class)
					.isThrownBy(() -> template(replica).callBlocking(request()))
					.satisfies((error) -> assertThat(error.getBudget()).isEqualTo("daily"));
				JsonNode budget = budget(replica);
				assertThat(budget.path("shared").asBoolean()).isFalse();
				assertThat(budget.path("spent").decimalValue()).isEqualByComparingTo("0.0077");
			}
		}
		finally {
			redis.restart();
		}
		for (ConfigurableApplicationContext replica : List.of(first, second)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> sharing(replica).status().isShared());
		}
		// the restarted Redis forgot the spend: shared again, from nothing
		callsOf(first, 1);
		callsOf(second, 1);
		assertThat(budget(first).path("shared").asBoolean()).isTrue();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(budget(first).path("spent").decimalValue())
				.isEqualByComparingTo(CALL_COST.multiply(BigDecimal.valueOf(2))));
		assertThat(this.provider.requests().count()).isEqualTo(4 + 10 + 2);
	}

	@Test
	void whileRedisIsLostABudgetThatRefusesRefusesEveryCallUntilItIsBack() {
		ConfigurableApplicationContext first = replica(true, "refuse");
		ConfigurableApplicationContext second = replica(true, "refuse");
		callsOf(first, 1);
		redis.stop();
		try {
			for (ConfigurableApplicationContext replica : List.of(first, second)) {
				assertThatExceptionOfType(LlmBudgetExceededException.class)
					.isThrownBy(() -> template(replica).callBlocking(request()))
					.satisfies((error) -> assertThat(error.getBudget()).isEqualTo("daily"))
					.withMessageContaining("its shared spend cannot be known now");
				assertThat(budget(replica).path("shared").asBoolean()).isFalse();
			}
			assertThat(this.provider.requests().count()).isOne();
		}
		finally {
			redis.restart();
		}
		for (ConfigurableApplicationContext replica : List.of(first, second)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> sharing(replica).status().isShared());
			callsOf(replica, 1);
		}
		assertThat(this.provider.requests().count()).isEqualTo(3);
	}

	/**
	 * Make the calls through every replica at once, two at a time each.
	 */
	private Outcomes callAtOnce(List<ConfigurableApplicationContext> replicas, int callsEach) {
		Outcomes outcomes = new Outcomes();
		Flux.fromIterable(replicas)
			.flatMap((replica) -> Flux.range(0, callsEach)
				.flatMap((i) -> template(replica).call(request())
					.map((answer) -> true)
					.onErrorResume(LlmBudgetExceededException.class, (error) -> Mono.just(false)), 2))
			.doOnNext(outcomes::add)
			.blockLast(Duration.ofSeconds(30));
		return outcomes;
	}

	private void callsOf(ConfigurableApplicationContext replica, int count) {
		for (int i = 0; i < count; i++) {
			LlmResponse answer = template(replica).callBlocking(request());
			assertThat(answer.cost().amount()).isEqualByComparingTo(CALL_COST);
		}
	}

	private static LlmRequest request() {
		return LlmRequest.builder().user("Hello").maxTokens(16).build();
	}

	private ConfigurableApplicationContext replica(boolean shared, String redisLoss) {
		this.provider.defaults().inputTokens(10).pieces("Hi");
		Map<String, Object> properties = new HashMap<>();
		properties.put("spring.main.banner-mode", "off");
		properties.put("spring.reactor.netty.shutdown-quiet-period", "0s");
		properties.put("spring.data.redis.host", "127.0.0.1");
		properties.put("spring.data.redis.port", String.valueOf(redis.port()));
		properties.put("llm.resilience.providers.primary.type", "anthropic");
		properties.put("llm.resilience.providers.primary.api-key", "test-key");
		properties.put("llm.resilience.providers.primary.base-url", this.provider.baseUrl());
		properties.put("llm.resilience.models.sonnet.provider", "primary");
		properties.put("llm.resilience.models.sonnet.name", "claude-sonnet");
		properties.put("llm.resilience.models.sonnet.prices.input", "100");
		properties.put("llm.resilience.models.sonnet.prices.output", "100");
		properties.put("llm.resilience.chains.default[0]", "sonnet");
		properties.put("llm.resilience.retry.max-attempts", "1");
		properties.put("llm.resilience.cost.budgets.daily.limit", LIMIT.toPlainString());
		properties.put("llm.resilience.cost.budgets.daily.period", "day");
		properties.put("llm.resilience.cost.budgets.daily.redis-loss", redisLoss);
		properties.put("llm.resilience.cluster.enabled", String.valueOf(shared));
		properties.put("llm.resilience.cluster.key-prefix", this.keyPrefix);
		properties.put("llm.resilience.cluster.timeout", "200ms");
		properties.put("llm.resilience.cluster.probe-interval", "100ms");
		properties.put("llm.resilience.cluster.local-share", "0.5");
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Replica.class)
			.web(WebApplicationType.NONE)
			.properties(properties)
			.run();
		this.replicas.add(context);
		if (shared) {
			await().atMost(Duration.ofSeconds(5)).until(() -> sharing(context).status().isShared());
		}
		return context;
	}

	private static LlmTemplate template(ConfigurableApplicationContext replica) {
		return replica.getBean(LlmTemplate.class);
	}

	private static RateLimitSharing sharing(ConfigurableApplicationContext replica) {
		return replica.getBean(RateLimitSharing.class);
	}

	/**
	 * Return the budget {@code daily} as {@code /actuator/llm} writes it.
	 */
	private static JsonNode budget(ConfigurableApplicationContext replica) {
		return ActuatorJson.tree(replica.getBean(LlmOverview.class).budgets()).path("daily");
	}

	/**
	 * How many calls were answered and how many a budget refused.
	 */
	private static final class Outcomes {

		private int answered;

		private int refused;

		synchronized void add(boolean answered) {
			if (answered) {
				this.answered++;
			}
			else {
				this.refused++;
			}
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(SpringBootTestSupport.FastRedisReconnect.class)
	static class Replica {

	}

}
