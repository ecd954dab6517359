package dev.llmresilience.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.SpringBootTestSupport;
import dev.llmresilience.actuate.LlmHealthIndicator;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.error.LlmException;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import dev.llmresilience.test.ReceivedRequest;
import dev.llmresilience.test.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of rate limits shared through Redis: two or three application
 * contexts, the replicas, share one real Redis server and one provider, which counts the
 * requests it receives server-side. The provider allows 1,200 requests a minute: a burst
 * of 20, then 20 a second.
 */
@ExtendWith(OutputCaptureExtension.class)
class SharedRateLimitsIT {

	private static final int BURST = 20;

	/**
	 * A burst and a second of refill, and six requests of leeway: requests sent at once
	 * that wait for their connections or a busy CPU arrive closer to the ones sent after
	 * them (300 ms of delay at 20 a second). Three replicas each on a budget of their own
	 * would send 60.
	 */
	private static final int MOST_IN_A_SECOND = 2 * BURST + 6;

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
	void replicasTogetherNeverExceedTheSharedRequestBudget() {
		List<LlmTemplate> templates = List.of(template(replica(true)), template(replica(true)),
				template(replica(true)));
		warmUp(templates);
		List<LlmResponse> answers = Flux.fromIterable(templates)
			.flatMap((template) -> Flux.range(0, BURST).flatMap((i) -> template.call(request()), 64))
			.collectList()
			.block(Duration.ofSeconds(30));
		assertThat(answers).hasSize(3 * BURST);
		assertThat(this.provider.requests().count()).isEqualTo(3 * BURST);
		assertThat(this.provider.requests().mostArrivalsWithin(Duration.ofSeconds(1)))
			.isLessThanOrEqualTo(MOST_IN_A_SECOND);
	}

	@Test
	void withoutSharingEachReplicaSpendsTheWholeBudget() {
		List<LlmTemplate> templates = List.of(template(replica(false)), template(replica(false)),
				template(replica(false)));
		warmUp(templates);
		Flux.fromIterable(templates)
			.flatMap((template) -> Flux.range(0, BURST).flatMap((i) -> template.call(request()), 64))
			.blockLast(Duration.ofSeconds(30));
		// the control for the test above: three bursts at once
		assertThat(this.provider.requests().mostArrivalsWithin(Duration.ofSeconds(1))).isGreaterThan(MOST_IN_A_SECOND);
	}

	@Test
	void aRateLimitSeenByOneReplicaHoldsTheOthers() {
		ConfigurableApplicationContext first = replica(true);
		ConfigurableApplicationContext second = replica(true);
		ConfigurableApplicationContext third = replica(true);
		rateLimitNext(Duration.ofSeconds(2));
		assertThatExceptionOfType(LlmException.class).isThrownBy(() -> template(first).callBlocking(request()));
		long rateLimitedAt = this.provider.requests().all().get(0).receivedAt();
		for (ConfigurableApplicationContext other : List.of(second, third)) {
			await().atMost(Duration.ofSeconds(5))
				.until(() -> pacer(other).holdRemaining("primary/claude-sonnet").compareTo(Duration.ofSeconds(1)) > 0);
		}
		template(second).callBlocking(request());
		template(third).callBlocking(request());
		List<ReceivedRequest> arrivals = this.provider.requests().all();
		assertThat(arrivals).hasSize(3);
		// whole seconds of retry-after, read against a clock of millisecond precision
		assertThat(arrivals.get(1).receivedAt() - rateLimitedAt).isGreaterThan(Duration.ofMillis(1900).toNanos());
	}

	@Test
	void aModelsHoldHeardFromAnotherReplicaHoldsThatModelAloneThere() {
		ConfigurableApplicationContext first = replica(true);
		ConfigurableApplicationContext second = replica(true);
		rateLimitNext(Duration.ofSeconds(30));
		assertThatExceptionOfType(LlmException.class).isThrownBy(() -> template(first).callBlocking(request()));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> pacer(second).holdRemaining("primary/claude-sonnet").compareTo(Duration.ofSeconds(20)) > 0);
		assertThat(pacer(second).holdRemaining("primary")).isZero();
		LlmResponse haiku = template(second)
			.callBlocking(LlmRequest.builder().model("haiku").user("Hello").maxTokens(16).build());
		assertThat(haiku.model()).isEqualTo("haiku");
		assertThat(this.provider.requests().count()).isEqualTo(2);
	}

	@Test
	void callsGoOnUnderLocalLimitsWhileRedisIsDownAndShareAgainWhenItIsBack(CapturedOutput output) {
		ConfigurableApplicationContext first = replica(true);
		ConfigurableApplicationContext second = replica(true);
		AtomicInteger answered = new AtomicInteger();
		Runnable calls = () -> Flux.merge(callsOf(first, 10), callsOf(second, 10))
			.doOnNext((answer) -> answered.incrementAndGet())
			.blockLast(Duration.ofSeconds(30));
		calls.run();
		redis.stop();
		try {
			calls.run();
			for (ConfigurableApplicationContext replica : List.of(first, second)) {
				assertThat(sharing(replica).status().isShared()).isFalse();
				JsonNode cluster = clusterHealth(replica);
				assertThat(cluster.path("mode").asText()).isEqualTo("local");
				assertThat(cluster.path("reason").asText()).isNotBlank();
			}
			calls.run();
		}
		finally {
			redis.restart();
		}
		for (ConfigurableApplicationContext replica : List.of(first, second)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> sharing(replica).status().isShared());
			assertThat(clusterHealth(replica).path("mode").asText()).isEqualTo("shared");
		}
		calls.run();
		assertThat(answered).hasValue(80);
		assertThat(this.provider.requests().count()).isEqualTo(80);
		// once per replica, for the whole outage
		assertThat(output.getOut().split("Redis is unreachable")).hasSize(3);
		// holds reach the other replica again
		rateLimitNext(Duration.ofSeconds(30));
		assertThatExceptionOfType(LlmException.class).isThrownBy(() -> template(first).callBlocking(request()));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> pacer(second).holdRemaining("primary/claude-sonnet").compareTo(Duration.ofSeconds(20)) > 0);
	}

	@Test
	void aSlowRedisNeverHoldsUpACall() {
		ConfigurableApplicationContext replica = replica(true);
		template(replica).callBlocking(request());
		RedisClient client = RedisClient.create("redis://127.0.0.1:" + redis.port());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			connection.sync().clientPause(3000);
			long started = System.nanoTime();
			template(replica).callBlocking(request());
			// the operation timeout is 200 ms: far from the pause of 3 s
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1500));
			assertThat(sharing(replica).status().isShared()).isFalse();
		}
		finally {
			client.shutdown();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> sharing(replica).status().isShared());
	}

	/**
	 * Make a first call through each replica and forget it, so that the calls measured
	 * are not spread apart by a cold start.
	 */
	private void warmUp(List<LlmTemplate> templates) {
		templates.forEach((template) -> template.callBlocking(request()));
		this.provider.requests().clear();
	}

	/**
	 * Answer the next request with a 429 that asks for a wait.
	 * @param retryAfter the wait, in whole seconds
	 */
	private void rateLimitNext(Duration retryAfter) {
		this.provider.defaults().enqueue(FakeReply.error(429).retryAfter(retryAfter));
	}

	private Flux<LlmResponse> callsOf(ConfigurableApplicationContext replica, int count) {
		return Flux.range(0, count).concatMap((i) -> template(replica).call(request()));
	}

	private static LlmRequest request() {
		return LlmRequest.builder().user("Hello").maxTokens(16).build();
	}

	private ConfigurableApplicationContext replica(boolean shared) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Replica.class)
			.web(WebApplicationType.NONE)
			.properties(Map.ofEntries(Map.entry("spring.main.banner-mode", "off"),
					Map.entry("spring.reactor.netty.shutdown-quiet-period", "0s"),
					Map.entry("spring.data.redis.host", "127.0.0.1"),
					Map.entry("spring.data.redis.port", String.valueOf(redis.port())),
					Map.entry("llm.resilience.providers.primary.type", "anthropic"),
					Map.entry("llm.resilience.providers.primary.api-key", "test-key"),
					Map.entry("llm.resilience.providers.primary.base-url", this.provider.baseUrl()),
					Map.entry("llm.resilience.providers.primary.requests-per-minute", String.valueOf(BURST * 60)),
					Map.entry("llm.resilience.models.sonnet.provider", "primary"),
					Map.entry("llm.resilience.models.sonnet.name", "claude-sonnet"),
					Map.entry("llm.resilience.models.haiku.provider", "primary"),
					Map.entry("llm.resilience.models.haiku.name", "claude-haiku"),
					Map.entry("llm.resilience.chains.default[0]", "sonnet"),
					Map.entry("llm.resilience.retry.max-attempts", "1"),
					Map.entry("llm.resilience.queue.max-concurrent", "64"),
					Map.entry("llm.resilience.cluster.enabled", String.valueOf(shared)),
					Map.entry("llm.resilience.cluster.key-prefix", this.keyPrefix),
					Map.entry("llm.resilience.cluster.timeout", "200ms"),
					Map.entry("llm.resilience.cluster.probe-interval", "100ms")))
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

	private static ProviderPacer pacer(ConfigurableApplicationContext replica) {
		return replica.getBean(ProviderPacer.class);
	}

	private static RateLimitSharing sharing(ConfigurableApplicationContext replica) {
		return replica.getBean(RateLimitSharing.class);
	}

	/**
	 * Return the {@code cluster} details of the {@code llm} health as the actuator writes
	 * them.
	 */
	private static JsonNode clusterHealth(ConfigurableApplicationContext replica) {
		var health = replica.getBean(LlmHealthIndicator.class).health().block(Duration.ofSeconds(5));
		return ActuatorJson.tree(health).path("details").path("cluster");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(SpringBootTestSupport.FastRedisReconnect.class)
	static class Replica {

	}

}
