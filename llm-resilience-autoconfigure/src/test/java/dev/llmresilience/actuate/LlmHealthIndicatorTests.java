package dev.llmresilience.actuate;

import java.time.Duration;
import java.util.Map;

import dev.llmresilience.overview.LlmOverview;
import dev.llmresilience.queue.RequestQueue;
import dev.llmresilience.test.ModelsFixture;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmHealthIndicator}.
 */
class LlmHealthIndicatorTests {

	private final ModelsFixture models = ModelsFixture.withChains();

	private final LlmOverview overview = new LlmOverview(this.models.chain(), null, null);

	private final LlmHealthIndicator indicator = new LlmHealthIndicator(this.overview, true);

	@Test
	void upWhileEveryChainIsServedByItsFirstModel() {
		assertThat(health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void degradedWhenAChainIsServedByAFallbackModel() {
		this.models.open("sonnet");
		Health health = health();
		assertThat(health.getStatus()).isEqualTo(LlmHealthIndicator.DEGRADED);
		assertThat(health.getDetails().get("chains")).isEqualTo(this.overview.chains());
		assertThat(this.overview.chains().get("default").serving()).isEqualTo("haiku");
	}

	@Test
	void downWhenAChainHasNoModelWhoseBreakerLetsCallsThrough() {
		this.models.open("llama");
		assertThat(health().getStatus()).isEqualTo(Status.DOWN);
	}

	@Test
	void downWinsOverDegraded() {
		this.models.open("sonnet");
		this.models.open("llama");
		assertThat(health().getStatus()).isEqualTo(Status.DOWN);
	}

	@Test
	void degradedInsteadOfDownWhenNotAllowedToFail() {
		this.models.open("sonnet");
		this.models.open("haiku");
		assertThat(new LlmHealthIndicator(this.overview, false).health().block(Duration.ofSeconds(1)).getStatus())
			.isEqualTo(LlmHealthIndicator.DEGRADED);
	}

	@Test
	void upAgainOnceTheBreakersClose() {
		this.models.open("sonnet");
		this.models.open("haiku");
		this.models.breaker("sonnet").transitionToHalfOpenState();
		assertThat(health().getStatus()).as("half-open lets probes through").isEqualTo(Status.UP);
		this.models.breaker("sonnet").transitionToClosedState();
		this.models.breaker("haiku").transitionToClosedState();
		assertThat(health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void detailsGiveChainsModelsAndRateLimitHoldsButNoQueueWithoutOne() {
		Health health = health();
		assertThat(health.getDetails()).containsOnlyKeys("chains", "models", "rateLimitHolds");
		assertThat(health.getDetails().get("models")).isEqualTo(this.overview.models());
		assertThat(health.getDetails().get("rateLimitHolds")).isEqualTo(Map.of());
	}

	@Test
	void detailsGiveTheQueueWhenThereIsOne() {
		RequestQueue queue = new RequestQueue(100, Map.of(), 4, Duration.ZERO);
		Health health = new LlmHealthIndicator(new LlmOverview(this.models.chain(), queue, null), true).health()
			.block(Duration.ofSeconds(1));
		assertThat(health.getDetails()).containsEntry("queue", queue.snapshot());
	}

	@Test
	void degradedIsACustomStatusWithADescription() {
		assertThat(LlmHealthIndicator.DEGRADED.getCode()).isEqualTo("DEGRADED");
		assertThat(LlmHealthIndicator.DEGRADED.getDescription()).isNotEmpty();
	}

	private Health health() {
		return this.indicator.health().block(Duration.ofSeconds(1));
	}

}
