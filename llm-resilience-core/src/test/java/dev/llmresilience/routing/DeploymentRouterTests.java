package dev.llmresilience.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import dev.llmresilience.LlmDeployment;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.budget.LocalRateBudget;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.provider.LlmProvider;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which deployment each strategy picks, and which deployments it passes over.
 */
class DeploymentRouterTests {

	private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

	private static final LlmModel MODEL = new LlmModel("claude", "a", "claude-fake", 1024, null);

	private final ProviderPacer pacer = new ProviderPacer(Map.of(), Map.of("claude/b", new LocalRateBudget(600, 0)),
			Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(60));

	private final Deployment a = deployment("a", 1);

	private final Deployment b = deployment("b", 1);

	private final Deployment c = deployment("c", 2);

	@Test
	void weightedRandomPicksEachDeploymentAsOftenAsItsWeight() {
		double[] draws = { 0.0, 0.24, 0.26, 0.49, 0.51, 0.99 };
		int[] next = { 0 };
		DeploymentRouter router = new DeploymentRouter(List.of(this.a, this.b, this.c), RoutingStrategy.WEIGHTED_RANDOM,
				this.pacer, () -> draws[next[0]++]);
		assertThat(IntStream.range(0, draws.length).mapToObj((i) -> router.choose(List.of()).name()))
			.containsExactly("a", "a", "b", "b", "c", "c");
	}

	@Test
	void leastInFlightPicksTheDeploymentWithFewestCallsOpen() {
		this.a.started();
		this.a.started();
		this.b.started();
		DeploymentRouter router = router(RoutingStrategy.LEAST_IN_FLIGHT);
		assertThat(router.choose(List.of())).isSameAs(this.c);
		this.c.started();
		this.c.started();
		assertThat(router.choose(List.of())).isSameAs(this.b);
	}

	@Test
	void lowestLatencyTriesEachDeploymentOnceThenPicksTheFastest() {
		DeploymentRouter router = router(RoutingStrategy.LOWEST_LATENCY);
		this.a.measured(Duration.ofMillis(300));
		this.b.measured(Duration.ofMillis(100));
		assertThat(router.choose(List.of())).as("not measured yet").isSameAs(this.c);
		this.c.measured(Duration.ofMillis(200));
		assertThat(router.choose(List.of())).isSameAs(this.b);
		// b slows down: its moving average passes c's
		for (int i = 0; i < 10; i++) {
			this.b.measured(Duration.ofMillis(400));
		}
		assertThat(router.choose(List.of())).isSameAs(this.c);
	}

	@Test
	void mostRemainingBudgetReadsTheProvidersHeadersAndOurOwnBudgets() {
		DeploymentRouter router = router(RoutingStrategy.MOST_REMAINING_BUDGET);
		this.a.answered(new RateLimitStatus(100L, 20L, null, null, null, null));
		this.c.answered(new RateLimitStatus(100L, 90L, null, 1000L, 500L, null));
		// b has no headers but its own budget is all there: 1 beats c's 0.5
		assertThat(router.choose(List.of())).isSameAs(this.b);
		for (int i = 0; i < 10; i++) {
			this.pacer.admit(this.b.model(), "claude/b", LlmRequest.ofPrompt("Hi"), Deadline.none()).block();
		}
		assertThat(router.choose(List.of())).isSameAs(this.c);
	}

	@Test
	void openBreakersAndHeldDeploymentsArePassedOverAndARetryGoesElsewhere() {
		DeploymentRouter router = router(RoutingStrategy.LEAST_IN_FLIGHT);
		this.a.circuitBreaker().transitionToOpenState();
		this.pacer.holdUntil("b/claude-fake", NOW.plusSeconds(30));
		assertThat(router.choose(List.of())).isSameAs(this.c);
		assertThat(router.chooseHedge(List.of(this.c))).as("nothing else is healthy").isNull();
		// tried and healthy beats untried and held
		assertThat(router.choose(List.of(this.c))).isSameAs(this.c);
		assertThat(router.isReady()).isTrue();
		this.c.circuitBreaker().transitionToOpenState();
		assertThat(router.isReady()).isFalse();
		assertThat(router.choose(List.of())).as("held for the shortest time").isSameAs(this.b);
		assertThat(router.permitsCalls()).isTrue();
	}

	private DeploymentRouter router(RoutingStrategy strategy) {
		return new DeploymentRouter(List.of(this.a, this.b, this.c), strategy, this.pacer, () -> 0.0);
	}

	private static Deployment deployment(String name, int weight) {
		return new Deployment(new LlmDeployment(name, name, "claude-fake", weight), "claude/" + name, MODEL,
				new IdleProvider(name), CircuitBreaker.ofDefaults("claude/" + name));
	}

	private record IdleProvider(String id) implements LlmProvider {

		@Override
		public String type() {
			return "anthropic";
		}

		@Override
		public Mono<LlmResponse> call(LlmModel model, LlmRequest request) {
			return Mono.never();
		}

		@Override
		public Flux<LlmStreamEvent> stream(LlmModel model, LlmRequest request) {
			return Flux.never();
		}

	}

}
