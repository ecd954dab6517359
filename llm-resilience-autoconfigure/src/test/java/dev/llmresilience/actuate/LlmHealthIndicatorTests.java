package dev.llmresilience.actuate;

import java.time.Duration;
import java.util.Map;

import dev.llmresilience.overview.LlmOverview;
import dev.llmresilience.queue.RequestQueue;
import dev.llmresilience.test.ModelsFixture;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmHealthIndicator}. They name none of Spring Boot's health types,
 * which Spring Boot 4 moved, so that they run unchanged on both generations.
 */
class LlmHealthIndicatorTests {

	private final ModelsFixture models = ModelsFixture.withChains();

	private final LlmOverview overview = new LlmOverview(this.models.chain(), null, null);

	private final LlmHealthIndicator indicator = new LlmHealthIndicator(this.overview, true);

	@Test
	void upWhileEveryChainIsServedByItsFirstModel() {
		assertThat(status(this.indicator)).isEqualTo("UP");
	}

	@Test
	void degradedWhenAChainIsServedByAFallbackModel() {
		this.models.open("sonnet");
		assertThat(status(this.indicator)).isEqualTo("DEGRADED");
		assertThat(details(this.indicator).get("chains")).isEqualTo(this.overview.chains());
		assertThat(this.overview.chains().get("default").serving()).isEqualTo("haiku");
	}

	@Test
	void downWhenAChainHasNoModelWhoseBreakerLetsCallsThrough() {
		this.models.open("llama");
		assertThat(status(this.indicator)).isEqualTo("DOWN");
	}

	@Test
	void downWinsOverDegraded() {
		this.models.open("sonnet");
		this.models.open("llama");
		assertThat(status(this.indicator)).isEqualTo("DOWN");
	}

	@Test
	void degradedInsteadOfDownWhenNotAllowedToFail() {
		this.models.open("sonnet");
		this.models.open("haiku");
		assertThat(status(new LlmHealthIndicator(this.overview, false))).isEqualTo("DEGRADED");
	}

	@Test
	void upAgainOnceTheBreakersClose() {
		this.models.open("sonnet");
		this.models.open("haiku");
		this.models.breaker("sonnet").transitionToHalfOpenState();
		assertThat(status(this.indicator)).as("half-open lets probes through").isEqualTo("UP");
		this.models.breaker("sonnet").transitionToClosedState();
		this.models.breaker("haiku").transitionToClosedState();
		assertThat(status(this.indicator)).isEqualTo("UP");
	}

	@Test
	void detailsGiveChainsModelsAndRateLimitHoldsButNoQueueWithoutOne() {
		Map<String, Object> details = details(this.indicator);
		assertThat(details).containsOnlyKeys("chains", "models", "rateLimitHolds");
		assertThat(details.get("models")).isEqualTo(this.overview.models());
		assertThat(details.get("rateLimitHolds")).isEqualTo(Map.of());
	}

	@Test
	void detailsGiveTheQueueWhenThereIsOne() {
		RequestQueue queue = new RequestQueue(100, Map.of(), 4, Duration.ZERO);
		assertThat(details(new LlmHealthIndicator(new LlmOverview(this.models.chain(), queue, null), true)))
			.containsEntry("queue", queue.snapshot());
	}

	@Test
	void degradedIsACustomStatusWithADescription() {
		assertThat(LlmHealthIndicator.DEGRADED.getCode()).isEqualTo("DEGRADED");
		assertThat(LlmHealthIndicator.DEGRADED.getDescription()).isNotEmpty();
	}

	private static String status(LlmHealthIndicator indicator) {
		return indicator.health().block(Duration.ofSeconds(1)).getStatus().getCode();
	}

	private static Map<String, Object> details(LlmHealthIndicator indicator) {
		return indicator.health().block(Duration.ofSeconds(1)).getDetails();
	}

}
