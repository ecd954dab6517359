package dev.llmresilience.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.llmresilience.budget.RateBudget;
import dev.llmresilience.test.LogRecorder;
import dev.llmresilience.test.RedisServerProcess;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RedisRateLimitSharing} and its budgets against a real Redis server:
 * two instances stand for two replicas. Budgets are read through the waits that
 * reservations return.
 */
@ExtendWith(LogRecorder.class)
class RedisRateLimitSharingIT {

	private static RedisServerProcess redis;

	private static ClientResources clientResources;

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final List<RedisRateLimitSharing> replicas = new ArrayList<>();

	/** Keeps the keys of every test apart, in the one server. */
	private final String prefix = "test-" + UUID.randomUUID();

	@BeforeAll
	static void startRedis() {
		redis = RedisServerProcess.start();
		clientResources = ClientResources.builder().reconnectDelay(Delay.constant(Duration.ofMillis(50))).build();
	}

	@AfterAll
	static void stopRedis() {
		if (redis != null) {
			redis.close();
			clientResources.shutdown();
		}
	}

	@AfterEach
	void stopReplicas() {
		this.replicas.forEach(RedisRateLimitSharing::stop);
		this.factories.forEach(LettuceConnectionFactory::destroy);
	}

	@Test
	void replicasShareOneRequestBudget() {
		RateBudget first = sharedReplica().budget("providers.anthropic", 60, 0);
		RateBudget second = sharedReplica().budget("providers.anthropic", 60, 0);
		assertThat(first.reserve(0).block(TIMEOUT)).isZero();
		// one request a second, and the first replica took this second's: the wait is
		// what is
		// left of it (real time, so with room for a slow machine)
		assertThat(second.reserve(0).block(TIMEOUT)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
	}

	@Test
	void budgetsOfOtherScopesOrLimitsAreApart() {
		RedisRateLimitSharing replica = sharedReplica();
		assertThat(replica.budget("providers.anthropic", 60, 0).reserve(0).block(TIMEOUT)).isZero();
		assertThat(replica.budget("providers.openai", 60, 0).reserve(0).block(TIMEOUT)).isZero();
		assertThat(replica.budget("models.anthropic", 60, 0).reserve(0).block(TIMEOUT)).isZero();
		assertThat(replica.budget("providers.anthropic", 120, 0).reserve(0).block(TIMEOUT)).isZero();
		assertThat(replica.budget("providers.anthropic", 60, 0).reserve(0).block(TIMEOUT)).isPositive();
	}

	@Test
	void tokenReservationsAreSettledWithTheTokensUsed() {
		RateBudget budget = sharedReplica().budget("providers.anthropic", 0, 6000);
		assertThat(budget.reserve(6000).block(TIMEOUT)).isZero();
		budget.settle(6000, 1000);
		// given back 5,000 of the 6,000: the next 5,000 go at once, the 6,000 after them
		// wait
		assertThat(budget.reserve(5000).block(TIMEOUT)).isZero();
		assertThat(budget.reserve(6000).block(TIMEOUT)).isGreaterThan(Duration.ofSeconds(55));
	}

	@Test
	void cancelledReservationsAreGivenBack() {
		RateBudget budget = sharedReplica().budget("providers.anthropic", 60, 6000);
		assertThat(budget.reserve(6000).block(TIMEOUT)).isZero();
		budget.cancel(6000);
		assertThat(budget.reserve(6000).block(TIMEOUT)).isZero();
	}

	@Test
	void holdsReachTheOtherReplicasAndThoseThatJoinLater() {
		Map<String, Instant> heardBySecond = new ConcurrentHashMap<>();
		RedisRateLimitSharing first = sharedReplica();
		RedisRateLimitSharing second = sharedReplica();
		second.receiveHolds(heardBySecond::put);
		Instant until = Instant.now().plusSeconds(30);
		first.publishHold("anthropic", until);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(heardBySecond).containsEntry("anthropic",
					Instant.ofEpochMilli(until.toEpochMilli())));
		Map<String, Instant> heardByLater = new ConcurrentHashMap<>();
		RedisRateLimitSharing later = replica();
		later.receiveHolds(heardByLater::put);
		later.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> later.status().isShared());
		assertThat(heardByLater).containsEntry("anthropic", Instant.ofEpochMilli(until.toEpochMilli()));
	}

	@Test
	void aShorterHoldDoesNotShortenTheOneKept() {
		RedisRateLimitSharing first = sharedReplica();
		Instant longer = Instant.now().plusSeconds(60);
		first.publishHold("anthropic", longer);
		first.publishHold("anthropic", longer.minusSeconds(30));
		Map<String, Instant> heard = new ConcurrentHashMap<>();
		RedisRateLimitSharing later = replica();
		later.receiveHolds(heard::put);
		later.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> later.status().isShared());
		assertThat(heard).containsEntry("anthropic", Instant.ofEpochMilli(longer.toEpochMilli()));
	}

	@Test
	void redisStoppedFallsBackToTheLocalShareAndReturns(LogRecorder logs) {
		RedisRateLimitSharing replica = sharedReplica();
		RateBudget budget = replica.budget("providers.anthropic", 120, 0);
		redis.stop();
		try {
			// the first reservation finds Redis gone within the timeout and falls back:
			// half of
			// 120 a minute is one request a second
			assertThat(budget.reserve(0).block(Duration.ofSeconds(2))).isZero();
			assertThat(replica.status().isShared()).isFalse();
			assertThat(replica.status().reason()).isNotBlank();
			assertThat(budget.reserve(0).block(Duration.ofSeconds(2))).isBetween(Duration.ofMillis(500),
					Duration.ofSeconds(1));
			assertThat(budget.reserve(0).block(Duration.ofSeconds(2))).isBetween(Duration.ofMillis(1500),
					Duration.ofSeconds(2));
		}
		finally {
			redis.restart();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> replica.status().isShared());
		assertThat(replica.status().reason()).isNull();
		assertThat(budget.reserve(0).block(TIMEOUT)).isZero();
		// once at start, once on return (logged just after the status turns)
		String shared = "Rate budgets, spend budgets and rate-limit holds are shared through Redis";
		await().atMost(Duration.ofSeconds(5)).until(() -> logs.text().split(shared, -1).length == 3);
		assertThat(logs.text()).containsOnlyOnce("Redis is unreachable");
	}

	@Test
	void redisDownAtStartLeavesBudgetsLocalUntilItAnswers() {
		redis.stop();
		RedisRateLimitSharing replica;
		try {
			replica = replica();
			replica.start();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> replica.status().reason() != null
						&& !replica.status().reason().equals("not connected yet"));
			assertThat(replica.status().isShared()).isFalse();
			RateBudget budget = replica.budget("providers.anthropic", 120, 0);
			assertThat(budget.reserve(0).block(Duration.ofSeconds(1))).isZero();
		}
		finally {
			redis.restart();
		}
		await().atMost(Duration.ofSeconds(15)).until(() -> replica.status().isShared());
	}

	@Test
	void aRefusedPasswordAppearsNeitherInTheStatusNorInTheLog(LogRecorder logs) {
		String password = "redis-secret-" + UUID.randomUUID();
		try (RedisServerProcess guarded = RedisServerProcess.start("--requirepass", "the-right-one")) {
			RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration("127.0.0.1", guarded.port());
			configuration.setPassword(password);
			RedisRateLimitSharing replica = replica(configuration);
			replica.start();
			await().atMost(Duration.ofSeconds(5)).until(() -> !"not connected yet".equals(replica.status().reason()));
			assertThat(replica.status().isShared()).isFalse();
			assertThat(replica.status().reason()).isNotBlank().doesNotContain(password);
			assertThat(logs.text()).contains("Redis is unreachable").doesNotContain(password);
		}
	}

	@Test
	void tokensUsedBeyondTheReservationAreTakenAfterwards() {
		RedisRateLimitSharing replica = sharedReplica();
		RateBudget budget = replica.budget("providers.anthropic", 0, 6000);
		assertThat(budget.reserve(1000).block(TIMEOUT)).isZero();
		budget.settle(1000, 6000);
		// taken in the background: the budget is spent once nothing runs there but the
		// subscription to the holds' channel
		await().atMost(Duration.ofSeconds(5)).until(() -> replica.operationsInBackground() == 1);
		assertThat(budget.reserve(1000).block(TIMEOUT)).isGreaterThan(Duration.ofSeconds(5));
	}

	@Test
	void operationsNobodyWaitsForAreDroppedOnceTheyEnd() {
		RedisRateLimitSharing replica = sharedReplica();
		// the subscription to the holds' channel
		assertThat(replica.operationsInBackground()).isOne();
		RateBudget budget = replica.budget("providers.anthropic", 6000, 60000);
		Instant until = Instant.now().plusSeconds(30);
		for (int i = 0; i < 50; i++) {
			budget.reserve(1000).block(TIMEOUT);
			budget.settle(1000, (i % 2 == 0) ? 500 : 1500);
			replica.publishHold("anthropic", until.plusMillis(i));
		}
		budget.cancel(1000);
		await().atMost(Duration.ofSeconds(5)).until(() -> replica.operationsInBackground() == 1);
		assertThat(replica.status().isShared()).isTrue();
	}

	@Test
	void stopCancelsAHoldPublishedToARedisThatDoesNotAnswer() {
		// a timeout far longer than the test, so that only stopping ends the publication
		RedisRateLimitSharing replica = sharedReplica(Duration.ofMinutes(1));
		redis.freeze();
		try {
			replica.publishHold("anthropic", Instant.now().plusSeconds(30));
			assertThat(replica.operationsInBackground()).isEqualTo(2);
			replica.stop();
			assertThat(replica.operationsInBackground()).isZero();
			assertThat(replica.status().reason()).isEqualTo("stopped");
			// nothing starts once stopped
			replica.publishHold("anthropic", Instant.now().plusSeconds(30));
			replica.budget("providers.anthropic", 60, 6000).settle(1000, 2000);
			assertThat(replica.operationsInBackground()).isZero();
		}
		finally {
			redis.thaw();
		}
	}

	@Test
	void aReplicaStartedAgainSharesAgain() {
		RedisRateLimitSharing replica = sharedReplica();
		replica.stop();
		assertThat(replica.isShared()).isFalse();
		assertThat(replica.operationsInBackground()).isZero();
		replica.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> replica.status().isShared());
		assertThat(replica.operationsInBackground()).isOne();
		assertThat(replica.budget("providers.anthropic", 60, 0).reserve(0).block(TIMEOUT)).isZero();
	}

	private RedisRateLimitSharing sharedReplica() {
		return sharedReplica(Duration.ofMillis(200));
	}

	private RedisRateLimitSharing sharedReplica(Duration timeout) {
		RedisRateLimitSharing replica = replica(new RedisStandaloneConfiguration("127.0.0.1", redis.port()), timeout);
		replica.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> replica.status().isShared());
		return replica;
	}

	private RedisRateLimitSharing replica() {
		return replica(new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
	}

	private RedisRateLimitSharing replica(RedisStandaloneConfiguration configuration) {
		return replica(configuration, Duration.ofMillis(200));
	}

	/**
	 * A replica whose operations time out after the given time, and Lettuce's commands
	 * after 2 seconds or that time if longer.
	 */
	private RedisRateLimitSharing replica(RedisStandaloneConfiguration configuration, Duration timeout) {
		Duration commandTimeout = (timeout.compareTo(Duration.ofSeconds(2)) > 0) ? timeout : Duration.ofSeconds(2);
		LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration,
				LettuceClientConfiguration.builder()
					.clientResources(clientResources)
					.commandTimeout(commandTimeout)
					.build());
		factory.afterPropertiesSet();
		this.factories.add(factory);
		RedisRateLimitSharing replica = new RedisRateLimitSharing(factory,
				new RedisRateLimitSharing.Settings(this.prefix, timeout, Duration.ofMillis(100), 0.5),
				Clock.systemUTC());
		this.replicas.add(replica);
		return replica;
	}

}
