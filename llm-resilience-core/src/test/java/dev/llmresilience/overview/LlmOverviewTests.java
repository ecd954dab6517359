package dev.llmresilience.overview;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmPriority;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmInvalidRequestException;
import dev.llmresilience.error.LlmRateLimitException;
import dev.llmresilience.overview.LlmOverview.ChainState;
import dev.llmresilience.overview.LlmOverview.ModelState;
import dev.llmresilience.queue.RequestQueue;
import dev.llmresilience.test.ModelsFixture;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link LlmOverview}.
 */
class LlmOverviewTests {

	private final ModelsFixture models = ModelsFixture.withChains();

	private final LlmOverview overview = new LlmOverview(this.models.chain(), null, null);

	@Test
	void everyChainIsServedByItsFirstModelWhileAllBreakersAreClosed() {
		assertThat(this.overview.chains()).containsExactly(
				Map.entry("default", new ChainState(List.of("sonnet", "haiku"), "sonnet", false)),
				Map.entry("local", new ChainState(List.of("llama"), "llama", false)));
	}

	@Test
	void chainIsServedByTheNextModelWhenTheFirstModelsBreakerIsOpen() {
		this.models.open("sonnet");
		assertThat(this.overview.chains().get("default"))
			.isEqualTo(new ChainState(List.of("sonnet", "haiku"), "haiku", true));
	}

	@Test
	void chainIsServedByTheNextModelWhileTheFirstIsHeldLongerThanARequestMayWait() {
		ProviderPacer pacer = new ProviderPacer(Map.of(), Map.of(), Clock.fixed(ModelsFixture.NOW, ZoneOffset.UTC),
				Duration.ofSeconds(60));
		LlmOverview overview = new LlmOverview(this.models.chain(), null, pacer, null, Duration.ofSeconds(30));
		pacer.holdUntil("anthropic/claude-sonnet-4-5", ModelsFixture.NOW.plusSeconds(10));
		assertThat(overview.chains().get("default").serving()).as("a wait a request takes").isEqualTo("sonnet");
		pacer.holdUntil("anthropic/claude-sonnet-4-5", ModelsFixture.NOW.plusSeconds(45));
		// longer than the request timeout, though shorter than the longest wait
		assertThat(overview.chains().get("default"))
			.isEqualTo(new ChainState(List.of("sonnet", "haiku"), "haiku", true));
		assertThat(overview.model("sonnet").available()).isFalse();
		assertThat(overview.model("sonnet").deployments().get("anthropic").hold()).isBetween(Duration.ofSeconds(44),
				Duration.ofSeconds(45));
		// a hold of the whole provider holds haiku as well
		pacer.holdUntil("anthropic", ModelsFixture.NOW.plusSeconds(90));
		assertThat(overview.chains().get("default").serving()).isNull();
	}

	@Test
	void forcedOpenBreakerMakesTheChainFallBackToo() {
		this.models.breaker("sonnet").transitionToForcedOpenState();
		assertThat(this.overview.chains().get("default").serving()).isEqualTo("haiku");
	}

	@Test
	void chainHasNoServingModelWhenEveryBreakerIsOpen() {
		this.models.open("sonnet");
		this.models.open("haiku");
		assertThat(this.overview.chains().get("default"))
			.isEqualTo(new ChainState(List.of("sonnet", "haiku"), null, false));
		assertThat(this.overview.chains().get("local").serving()).isEqualTo("llama");
	}

	@Test
	void halfOpenBreakerLetsItsModelServeTheChain() {
		this.models.open("sonnet");
		this.models.breaker("sonnet").transitionToHalfOpenState();
		assertThat(this.overview.chains().get("default").serving()).isEqualTo("sonnet");
		assertThat(this.overview.model("sonnet").state()).isEqualTo("HALF_OPEN");
	}

	@Test
	void everyModelStandsForAChainOfItsOwnWithoutChains() {
		LlmOverview overview = new LlmOverview(ModelsFixture.withoutChains().chain(), null, null);
		assertThat(overview.chains()).containsOnlyKeys("sonnet", "haiku", "llama");
		assertThat(overview.chains().get("haiku")).isEqualTo(new ChainState(List.of("haiku"), "haiku", false));
	}

	@Test
	void modelStateOfAnUnusedModelHasNoFailureRateYet() {
		ModelState llama = this.overview.model("llama");
		assertThat(llama)
			.extracting(ModelState::provider, ModelState::name, ModelState::state, ModelState::failureRate,
					ModelState::slowCallRate, ModelState::bufferedCalls, ModelState::failedCalls, ModelState::slowCalls,
					ModelState::notPermittedCalls, ModelState::lastError, ModelState::available, ModelState::routing)
			.containsExactly("local", "llama3.2", "CLOSED", -1.0f, -1.0f, 0, 0, 0, 0L, null, true, "WEIGHTED_RANDOM");
		// a model configured without deployments has one, named after its provider
		assertThat(llama.deployments()).containsOnlyKeys("local");
		assertThat(llama.deployments().get("local").hold()).isZero();
	}

	@Test
	void modelStateCountsTheCallsInTheBreakersWindow() {
		CircuitBreaker breaker = this.models.breaker("sonnet");
		breaker.onSuccess(10, TimeUnit.MILLISECONDS);
		breaker.onError(10, TimeUnit.MILLISECONDS, ModelsFixture.overloaded("sonnet"));
		ModelState state = this.overview.model("sonnet");
		assertThat(state.state()).isEqualTo("OPEN");
		assertThat(state.failureRate()).isEqualTo(50.0f);
		assertThat(state.bufferedCalls()).isEqualTo(2);
		assertThat(state.failedCalls()).isEqualTo(1);
		assertThat(state.notPermittedCalls()).isZero();
	}

	@Test
	void modelStateCountsTheCallsRefusedByAnOpenBreaker() {
		this.models.open("sonnet");
		CircuitBreaker breaker = this.models.breaker("sonnet");
		assertThat(breaker.tryAcquirePermission()).isFalse();
		assertThat(breaker.tryAcquirePermission()).isFalse();
		assertThat(this.overview.model("sonnet").notPermittedCalls()).isEqualTo(2);
	}

	@Test
	void lastErrorGivesTheTypeAndTimeOfTheModelsLatestError() {
		Instant before = Instant.now();
		this.models.breaker("haiku").onError(10, TimeUnit.MILLISECONDS, ModelsFixture.overloaded("haiku"));
		this.models.breaker("haiku")
			.onError(10, TimeUnit.MILLISECONDS, new LlmInvalidRequestException("anthropic", "haiku",
					new LlmApiException.Details(400, "invalid_request_error", null, "bad", null, null, null, null)));
		LlmOverview.LastError lastError = this.overview.model("haiku").lastError();
		assertThat(lastError.type()).isEqualTo("LlmInvalidRequestException");
		assertThat(lastError.at()).isBetween(before, Instant.now());
		assertThat(this.overview.model("sonnet").lastError()).isNull();
	}

	@Test
	void unknownModelHasNoState() {
		assertThat(this.overview.model("gpt-5")).isNull();
		assertThat(this.overview.executor("gpt-5")).isNull();
	}

	@Test
	void modelsAreListedInTheirConfiguredOrder() {
		assertThat(this.overview.models().keySet()).containsExactly("sonnet", "haiku", "llama");
	}

	@Test
	void withoutQueueOrPacerThereIsNoQueueAndNoHold() {
		assertThat(this.overview.queue()).isNull();
		assertThat(this.overview.rateLimitHolds()).isEmpty();
	}

	@Test
	void queueShowsTheRequestsInFlightAndWaitingByPriority() {
		RequestQueue queue = new RequestQueue(10, Map.of(), 1, Duration.ZERO);
		LlmOverview overview = new LlmOverview(this.models.chain(), queue, null);
		Disposable running = queue.submit(LlmPriority.NORMAL, Deadline.none(), Mono::never).subscribe();
		Disposable waiting = queue.submit(LlmPriority.LOW, Deadline.none(), Mono::never).subscribe();
		try {
			assertThat(overview.queue().capacity()).isEqualTo(10);
			assertThat(overview.queue().maxConcurrent()).isEqualTo(1);
			assertThat(overview.queue().inFlight()).isEqualTo(1);
			assertThat(overview.queue().depth()).containsEntry(LlmPriority.LOW, 1).containsEntry(LlmPriority.HIGH, 0);
		}
		finally {
			waiting.dispose();
			running.dispose();
		}
		assertThat(overview.queue().inFlight()).isZero();
		assertThat(overview.queue().waiting()).isZero();
	}

	@Test
	void rateLimitHoldsGiveTheScopesHeldAndForHowLong() {
		ProviderPacer pacer = new ProviderPacer(Map.of(), Map.of(), Clock.systemUTC(), Duration.ofSeconds(60));
		LlmOverview overview = new LlmOverview(this.models.chain(), null, pacer);
		LlmModel sonnet = this.models.chain().getCatalog().getModels().get("sonnet");
		ProviderPacer.Reservation reservation = pacer.admit(sonnet, LlmRequest.ofPrompt("Hi"), Deadline.none())
			.block(Duration.ofSeconds(1));
		pacer.failed(reservation, new LlmRateLimitException("anthropic", "sonnet", new LlmApiException.Details(429,
				"rate_limit_error", null, "Too many requests", null, Duration.ofSeconds(30), null, null)));
		String scope = "anthropic/" + sonnet.name();
		assertThat(overview.rateLimitHolds()).containsOnlyKeys(scope);
		assertThat(overview.rateLimitHolds().get(scope).toMillis()).isCloseTo(30_000L, within(1_000L));
	}

}
