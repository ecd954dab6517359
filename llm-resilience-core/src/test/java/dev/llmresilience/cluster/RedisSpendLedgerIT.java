package dev.llmresilience.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.llmresilience.budget.SpendLedger;
import dev.llmresilience.test.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.lang.Nullable;

import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the spend ledgers of {@link RedisRateLimitSharing} against a real Redis
 * server: two instances stand for two replicas, which share the spend of a budget of one
 * name and together never pass its limit; while Redis is unreachable a ledger keeps
 * spending from its replica's share, or refuses, as its budget says. The counters are
 * read with a client of the test's own.
 */
class RedisSpendLedgerIT {

	private static final long PERIOD = 1_700_000_000_000L;

	private static RedisServerProcess redis;

	private static ClientResources clientResources;

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final List<RedisRateLimitSharing> replicas = new ArrayList<>();

	private final String prefix = "test-" + UUID.randomUUID();

	@Nullable
	private RedisClient client;

	@Nullable
	private StatefulRedisConnection<String, String> connection;

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
		if (this.client != null) {
			this.connection.close();
			this.client.shutdown();
		}
	}

	@Test
	void replicasTakingAtOnceNeverPassTheSharedLimitTogether() {
		SpendLedger first = sharedReplica().spendLedger("daily", false);
		SpendLedger second = sharedReplica().spendLedger("daily", false);
		// 100 takes of 7 against a limit of 300: at most 42 fit
		List<Long> answers = Flux.range(0, 100)
			.flatMap((i) -> ((i % 2 == 0) ? first : second).tryAdd(PERIOD, 7, 300), 32)
			.collectList()
			.block(TIMEOUT);
		long taken = answers.stream().filter((spent) -> spent >= 0).count();
		assertThat(taken).isBetween(1L, 42L);
		assertThat(answers).allMatch((spent) -> spent <= 300);
		// what was refused was given back: the spend is what the takes that fitted took
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(counter("daily")).isEqualTo(7 * taken));
		assertThat(first.isShared()).isTrue();
	}

	@Test
	void aBudgetOfAnotherNameOrPeriodIsApart() {
		RedisRateLimitSharing replica = sharedReplica();
		assertThat(replica.spendLedger("daily", false).tryAdd(PERIOD, 250, 300).block(TIMEOUT)).isEqualTo(250);
		assertThat(replica.spendLedger("monthly", false).tryAdd(PERIOD, 250, 300).block(TIMEOUT)).isEqualTo(250);
		assertThat(replica.spendLedger("daily", false).tryAdd(PERIOD + 1, 250, 300).block(TIMEOUT)).isEqualTo(250);
		assertThat(replica.spendLedger("daily", false).tryAdd(PERIOD, 250, 300).block(TIMEOUT))
			.isEqualTo(SpendLedger.WOULD_PASS);
	}

	@Test
	void settlementsCorrectTheSharedSpendWhichTheOtherReplicaReads() {
		SpendLedger first = sharedReplica().spendLedger("daily", false);
		SpendLedger second = sharedReplica().spendLedger("daily", false);
		long generation = first.generation();
		assertThat(first.tryAdd(PERIOD, 100, 300).block(TIMEOUT)).isEqualTo(100);
		// the call cost 40 of the 100 reserved
		first.adjust(PERIOD, -60, generation);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(counter("daily")).isEqualTo(40));
		// the second replica made no call: it reads the spend in the background
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(second.spent(PERIOD)).isEqualTo(40));
		assertThat(second.tryAdd(PERIOD, 260, 300).block(TIMEOUT)).isEqualTo(300);
	}

	@Test
	void everyCounterIsLetGoAfterItsPeriodIsLongOverWhicheverOperationMadeIt() {
		SpendLedger ledger = sharedReplica().spendLedger("daily", false);
		assertThat(ledger.tryAdd(PERIOD, 100, 300).block(TIMEOUT)).isEqualTo(100);
		// a settlement made after its period ended counts in the next
		ledger.adjust(PERIOD + 1, 40, ledger.generation());
		for (String key : List.of(key("daily", PERIOD), key("daily", PERIOD + 1))) {
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(redis().ttl(key)).isBetween(Duration.ofDays(34).toSeconds(),
						Duration.ofDays(35).toSeconds()));
		}
	}

	@Test
	void aCorrectionNeverTakesTheSharedSpendBelowNothing() {
		SpendLedger ledger = sharedReplica().spendLedger("daily", false);
		// as a settlement would, of a reservation made before Redis restarted empty
		ledger.adjust(PERIOD, -60, ledger.generation());
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(redis().get(key("daily", PERIOD))).isEqualTo("0"));
		assertThat(ledger.spent(PERIOD)).isZero();
	}

	@Test
	void whileRedisIsLostALedgerKeepingALocalShareSpendsUpToItAndOneThatRefusesRefuses() {
		RedisRateLimitSharing replica = sharedReplica();
		SpendLedger share = replica.spendLedger("shared-share", false);
		SpendLedger refusing = replica.spendLedger("shared-refuse", true);
		assertThat(share.tryAdd(PERIOD, 100, 1000).block(TIMEOUT)).isEqualTo(100);
		assertThat(refusing.tryAdd(PERIOD, 100, 1000).block(TIMEOUT)).isEqualTo(100);
		redis.stop();
		try {
			// the first take finds Redis gone within the timeout: half of 1,000 is this
			// replica's, of which it spent 100 while shared
			assertThat(share.tryAdd(PERIOD, 300, 1000).block(TIMEOUT)).isEqualTo(400);
			assertThat(share.isShared()).isFalse();
			assertThat(share.tryAdd(PERIOD, 150, 1000).block(TIMEOUT)).isEqualTo(SpendLedger.WOULD_PASS);
			assertThat(share.tryAdd(PERIOD, 100, 1000).block(TIMEOUT)).isEqualTo(500);
			assertThat(share.spent(PERIOD)).isEqualTo(500);
			assertThat(refusing.tryAdd(PERIOD, 1, 1000).block(TIMEOUT)).isEqualTo(SpendLedger.UNAVAILABLE);
			// a budget that only warns goes on whatever, even one that would refuse
			assertThat(share.tryAdd(PERIOD, 10_000, Long.MAX_VALUE).block(TIMEOUT)).isEqualTo(10_500);
			assertThat(refusing.tryAdd(PERIOD, 10, Long.MAX_VALUE).block(TIMEOUT)).isEqualTo(110);
		}
		finally {
			redis.restart();
		}
		await().atMost(TIMEOUT).until(replica::isShared);
		// back: the budget that refused takes again, from nothing in the Redis restarted
		// empty
		assertThat(refusing.tryAdd(PERIOD, 1, 1000).block(TIMEOUT)).isOne();
		assertThat(refusing.isShared()).isTrue();
	}

	@Test
	void aReservationSettledAfterRedisWasLostStaysTakenThereAndOneTakenLocallyNeverLowersTheSharedSpend() {
		RedisRateLimitSharing replica = sharedReplica();
		SpendLedger ledger = replica.spendLedger("daily", false);
		long sharedGeneration = ledger.generation();
		assertThat(ledger.tryAdd(PERIOD, 100, 1000).block(TIMEOUT)).isEqualTo(100);
		redis.freeze();
		long localGeneration;
		try {
			// the take finds Redis silent within the timeout, and is made locally
			assertThat(ledger.tryAdd(PERIOD, 50, 1000).block(TIMEOUT)).isEqualTo(150);
			localGeneration = ledger.generation();
			assertThat(localGeneration).isNotEqualTo(sharedGeneration);
			// the call reserved while shared cost 10
			ledger.adjust(PERIOD, -90, sharedGeneration);
		}
		finally {
			redis.thaw();
		}
		await().atMost(TIMEOUT).until(replica::isShared);
		// the call reserved locally cost 10
		ledger.adjust(PERIOD, -40, localGeneration);
		// Redis made the take that it answered too late once it thawed, and keeps what
		// both calls reserved: on the cautious side
		assertThat(ledger.tryAdd(PERIOD, 0, 1000).block(TIMEOUT)).isEqualTo(150);
		assertThat(counter("daily")).isEqualTo(150);
	}

	private long counter(String budget) {
		String value = redis().get(key(budget, PERIOD));
		return (value != null) ? Long.parseLong(value) : 0;
	}

	private String key(String budget, long period) {
		return this.prefix + ":spend:" + budget + ":" + period;
	}

	/**
	 * Return the commands of a connection of the test's own, made at the first call.
	 */
	private RedisCommands<String, String> redis() {
		if (this.connection == null) {
			this.client = RedisClient.create(clientResources, "redis://127.0.0.1:" + redis.port());
			this.connection = this.client.connect();
		}
		return this.connection.sync();
	}

	private RedisRateLimitSharing sharedReplica() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", redis.port()),
				LettuceClientConfiguration.builder()
					.clientResources(clientResources)
					.commandTimeout(Duration.ofSeconds(2))
					.build());
		factory.afterPropertiesSet();
		this.factories.add(factory);
		RedisRateLimitSharing replica = new RedisRateLimitSharing(factory,
				new RedisRateLimitSharing.Settings(this.prefix, Duration.ofMillis(200), Duration.ofMillis(100), 0.5),
				Clock.systemUTC());
		this.replicas.add(replica);
		replica.start();
		await().atMost(TIMEOUT).until(() -> replica.status().isShared());
		return replica;
	}

}
