package dev.llmresilience.actuate;

import java.util.concurrent.TimeUnit;

import dev.llmresilience.overview.LlmOverview;
import dev.llmresilience.test.ModelsFixture;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link LlmEndpoint}.
 */
class LlmEndpointTests {

	private final ModelsFixture models = ModelsFixture.withChains();

	private final LlmOverview overview = new LlmOverview(this.models.chain(), null, null);

	private final LlmEndpoint endpoint = new LlmEndpoint(this.overview);

	@Test
	void describesChainsModelsQueueAndRateLimitHolds() {
		this.models.open("sonnet");
		LlmEndpoint.LlmDescriptor descriptor = this.endpoint.llm();
		assertThat(descriptor.chains()).isEqualTo(this.overview.chains());
		assertThat(descriptor.chains().get("default").serving()).isEqualTo("haiku");
		assertThat(descriptor.models()).containsOnlyKeys("sonnet", "haiku", "llama");
		assertThat(descriptor.models().get("sonnet").state()).isEqualTo("OPEN");
		assertThat(descriptor.queue()).isNull();
		assertThat(descriptor.rateLimitHolds()).isEmpty();
	}

	@Test
	void describesOneModel() {
		assertThat(this.endpoint.model("haiku")).isEqualTo(this.overview.model("haiku"));
	}

	@Test
	void unknownModelIsNotFound() {
		assertThat(this.endpoint.model("gpt-5")).isNull();
	}

	@Test
	void unknownModelsBreakerCannotBeForced() {
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.breaker("gpt-5", "open", null))
			.withMessageContaining("'gpt-5'");
	}

	@Test
	void openForcesTheBreakerOpenUntilToldOtherwise() {
		assertThat(this.endpoint.breaker("sonnet", "open", null).state()).isEqualTo("FORCED_OPEN");
		CircuitBreaker breaker = this.models.breaker("sonnet");
		assertThat(breaker.tryAcquirePermission()).isFalse();
		assertThat(this.overview.chains().get("default").serving()).isEqualTo("haiku");
	}

	@Test
	void closedClosesAnOpenBreaker() {
		this.models.open("sonnet");
		assertThat(this.endpoint.breaker("sonnet", "closed", null).state()).isEqualTo("CLOSED");
		assertThat(this.models.breaker("sonnet").tryAcquirePermission()).isTrue();
	}

	@Test
	void resetClosesTheBreakerAndClearsItsWindow() {
		this.models.breaker("haiku").onError(10, TimeUnit.MILLISECONDS, ModelsFixture.overloaded("haiku"));
		LlmOverview.ModelState state = this.endpoint.breaker("haiku", "reset", null);
		assertThat(state.state()).isEqualTo("CLOSED");
		assertThat(state.bufferedCalls()).isZero();
		assertThat(state.failedCalls()).isZero();
	}

	@Test
	void stateIsReadWhateverItsCase() {
		assertThat(this.endpoint.breaker("llama", "OPEN", null).state()).isEqualTo("FORCED_OPEN");
	}

	@Test
	void unknownStateIsABadRequestThatLeavesTheBreakerAlone() {
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.breaker("sonnet", "sideways", null))
			.withMessageContaining("'sideways'")
			.withMessageContaining("'open', 'closed' or 'reset'");
		assertThat(this.models.breaker("sonnet").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

}
