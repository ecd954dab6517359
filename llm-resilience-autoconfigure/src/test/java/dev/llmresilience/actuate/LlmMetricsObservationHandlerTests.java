package dev.llmresilience.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmDeployment;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.StopReason;
import dev.llmresilience.error.LlmCircuitOpenException;
import dev.llmresilience.observation.LlmAttemptContext;
import dev.llmresilience.observation.LlmObservationConventions;
import dev.llmresilience.observation.LlmRequestContext;
import dev.llmresilience.pipeline.LlmResilience;
import dev.llmresilience.provider.ProviderSettings;
import dev.llmresilience.routing.HedgingSettings;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import dev.llmresilience.test.ModelsFixture;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmMetricsObservationHandler}.
 */
class LlmMetricsObservationHandlerTests {

	private static final LlmModel SONNET = new LlmModel("sonnet", "anthropic", "claude-sonnet-4-5", 4096, null);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ObservationRegistry observations = ObservationRegistry.create();

	LlmMetricsObservationHandlerTests() {
		this.observations.observationConfig().observationHandler(new LlmMetricsObservationHandler(this.meters));
	}

	@Test
	void answeredAttemptRecordsOperationDurationAndTokenUsageWithGenAiTags() {
		attempt(1, false, (context) -> context.setResponse(response("sonnet", false)));
		Timer duration = this.meters.get("gen_ai.client.operation.duration").timer();
		assertThat(duration.count()).isEqualTo(1);
		assertThat(duration.getId().getTags()).contains(Tag.of("gen_ai.operation.name", "chat"),
				Tag.of("gen_ai.system", "anthropic"), Tag.of("gen_ai.request.model", "claude-sonnet-4-5"),
				Tag.of("gen_ai.response.model", "claude-sonnet-4-5-20250929"));
		DistributionSummary input = this.meters.get("gen_ai.client.token.usage")
			.tag("gen_ai.token.type", "input")
			.summary();
		DistributionSummary output = this.meters.get("gen_ai.client.token.usage")
			.tag("gen_ai.token.type", "output")
			.summary();
		assertThat(input.totalAmount()).isEqualTo(12);
		assertThat(output.totalAmount()).isEqualTo(4);
		assertThat(input.getId().getBaseUnit()).isEqualTo("{token}");
		assertThat(input.getId().getTags()).contains(Tag.of("gen_ai.request.model", "claude-sonnet-4-5"),
				Tag.of("gen_ai.response.model", "claude-sonnet-4-5-20250929"));
	}

	@Test
	void hedgesAreCountedAsSentWonAndCancelledOverRealHttp() {
		try (FakeProviderServer slow = FakeProviderServer.start();
				FakeProviderServer fast = FakeProviderServer.start()) {
			slow.model("claude-fake").reply(FakeReply.answer("slow").after(Duration.ofSeconds(20)));
			try (LlmResilience llm = LlmResilience.builder()
				.anthropic(ProviderSettings.of("slow", slow.baseUrl(), "sk-ant-slow"), "2023-06-01")
				.anthropic(ProviderSettings.of("fast", fast.baseUrl(), "sk-ant-fast"), "2023-06-01")
				.model("claude", "slow", "claude-fake", 1024)
				.deployment("claude", new LlmDeployment("slow", "slow", "claude-fake", 1))
				.deployment("claude", new LlmDeployment("fast", "fast", "claude-fake", 0))
				.hedging("claude", new HedgingSettings(Duration.ofMillis(50), 0, 1, 1.0))
				.chain("default", "claude")
				.observationRegistry(this.observations)
				.build()) {
				llm.template().callBlocking(LlmRequest.ofPrompt("Hi"));
			}
		}
		assertThat(this.meters.get("llm.hedges.sent").tag("llm.model", "claude").counter().count()).isEqualTo(1);
		assertThat(this.meters.get("llm.hedges.won").counter().count()).isEqualTo(1);
		// the slow first attempt lost
		assertThat(this.meters.get("llm.hedges.cancelled").counter().count()).isEqualTo(1);
		assertThat(this.meters.find("llm.retries").counters()).as("a hedge is no retry").isEmpty();
	}

	@Test
	void tokenUsageAddsUpOverCalls() {
		attempt(1, false, (context) -> context.setResponse(response("sonnet", false)));
		attempt(1, false, (context) -> context.setResponse(response("sonnet", false)));
		assertThat(
				this.meters.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "input").summary().totalAmount())
			.isEqualTo(24);
		assertThat(this.meters.get("gen_ai.client.operation.duration").timer().count()).isEqualTo(2);
	}

	@Test
	void inputTokenUsageIncludesThePromptCacheAndNoTokenTypeOutsideTheConventionIsRecorded() {
		LlmResponse cached = response("sonnet", false);
		LlmResponse answer = new LlmResponse(cached.content(), cached.structuredOutput(), cached.model(),
				cached.modelName(), cached.provider(), cached.stopReason(), cached.rawStopReason(),
				new LlmUsage(5120, 30, 100, 5000), cached.requestId(), cached.rateLimits(), false, cached.attempts(),
				null);
		attempt(1, false, (context) -> context.setResponse(answer));
		assertThat(
				this.meters.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "input").summary().totalAmount())
			.isEqualTo(5120);
		assertThat(this.meters.find("gen_ai.client.token.usage").meters())
			.extracting((meter) -> meter.getId().getTag("gen_ai.token.type"))
			.containsExactlyInAnyOrder("input", "output");
	}

	@Test
	void failedAttemptRecordsOperationDurationWithTheErrorTypeAndNoTokens() {
		attempt(1, false, (context) -> context.setError(ModelsFixture.overloaded("sonnet")));
		assertThat(this.meters.get("gen_ai.client.operation.duration")
			.tag("error.type", "LlmOverloadedException")
			.timer()
			.count()).isEqualTo(1);
		assertThat(this.meters.find("gen_ai.client.token.usage").meters()).isEmpty();
	}

	@Test
	void operationDurationHasTheSameTagKeysWhetherTheCallAnsweredOrFailed() {
		// Prometheus drops or refuses meters of one name with different tag keys
		attempt(1, false, (context) -> context.setResponse(response("sonnet", false)));
		attempt(1, false, (context) -> context.setError(ModelsFixture.overloaded("sonnet")));
		List<Set<String>> tagKeys = this.meters.find("gen_ai.client.operation.duration")
			.meters()
			.stream()
			.map((meter) -> meter.getId().getTags().stream().map(Tag::getKey).collect(Collectors.toSet()))
			.toList();
		assertThat(tagKeys).hasSize(2);
		assertThat(tagKeys.get(0)).isEqualTo(tagKeys.get(1));
	}

	@Test
	void skippedAttemptRecordsNoOperation() {
		attempt(1, false, (context) -> {
			context.setSkipped(true);
			context.setError(new LlmCircuitOpenException("anthropic", "sonnet", "OPEN"));
		});
		assertThat(this.meters.find("gen_ai.client.operation.duration").meters()).isEmpty();
		assertThat(this.meters.find("llm.retries").meters()).isEmpty();
	}

	@Test
	void everyAttemptAfterTheFirstCountsAsARetryOfItsModel() {
		attempt(1, false, (context) -> context.setError(ModelsFixture.overloaded("sonnet")));
		attempt(2, false, (context) -> context.setError(ModelsFixture.overloaded("sonnet")));
		attempt(3, false, (context) -> context.setResponse(response("sonnet", false)));
		assertThat(this.meters.get("llm.retries").tag("llm.model", "sonnet").counter().count()).isEqualTo(2);
	}

	@Test
	void streamRecordsItsTimeToFirstToken() {
		attempt(1, true, (context) -> {
			context.setTimeToFirstContent(Duration.ofMillis(250));
			context.setResponse(response("sonnet", false));
		});
		Timer timeToFirstToken = this.meters.get("llm.stream.time_to_first_token").tag("llm.model", "sonnet").timer();
		assertThat(timeToFirstToken.count()).isEqualTo(1);
		assertThat(timeToFirstToken.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250);
	}

	@Test
	void callRecordsNoTimeToFirstToken() {
		attempt(1, false, (context) -> context.setResponse(response("sonnet", false)));
		assertThat(this.meters.find("llm.stream.time_to_first_token").meters()).isEmpty();
	}

	@Test
	void requestAnsweredByAFallbackCountsFromTheChainsFirstModelToTheAnsweringOne() {
		request((context) -> context.setResponse(response("haiku", true)));
		assertThat(this.meters.get("llm.fallbacks").tags("llm.from", "sonnet", "llm.to", "haiku").counter().count())
			.isEqualTo(1);
	}

	@Test
	void requestAnsweredByItsFirstModelCountsNoFallback() {
		request((context) -> context.setResponse(response("sonnet", false)));
		assertThat(this.meters.find("llm.fallbacks").meters()).isEmpty();
	}

	@Test
	void supportsOnlyTheContextsOfRequestsAndAttempts() {
		LlmMetricsObservationHandler handler = new LlmMetricsObservationHandler(this.meters);
		assertThat(handler.supportsContext(new Observation.Context())).isFalse();
		assertThat(handler.supportsContext(new LlmAttemptContext(SONNET, "anthropic", 1, false))).isTrue();
		assertThat(handler.supportsContext(new LlmRequestContext(LlmRequest.ofPrompt("Hi"), false))).isTrue();
	}

	@Test
	void otherObservationsRecordNothing() {
		Observation.createNotStarted("http.client.requests", this.observations).start().stop();
		assertThat(this.meters.getMeters()).extracting(Meter::getId)
			.noneMatch((id) -> id.getName().startsWith("gen_ai") || id.getName().startsWith("llm"));
	}

	@Test
	void operationDurationIsItsOwnBesideTheMeterHandlersTimer() {
		MockClock clock = new MockClock();
		SimpleMeterRegistry meters = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig()
			.observationHandler(new LlmMetricsObservationHandler(meters))
			.observationHandler(new ObservationHandler<>() {

				@Override
				public void onStart(Observation.Context context) {
					clock.add(Duration.ofSeconds(1));
				}

				@Override
				public boolean supportsContext(Observation.Context context) {
					return true;
				}

			})
			.observationHandler(new LlmMeterObservationHandler(meters, false));
		Observation attempt = Observation
			.createNotStarted(LlmObservationConventions.attempt(),
					() -> new LlmAttemptContext(SONNET, "anthropic", 1, false), observations)
			.start();
		clock.add(Duration.ofSeconds(2));
		attempt.stop();
		assertThat(meters.get("gen_ai.client.operation.duration").timer().totalTime(TimeUnit.SECONDS)).isEqualTo(3);
		assertThat(meters.get("llm.attempt").timer().totalTime(TimeUnit.SECONDS)).isEqualTo(2);
	}

	private void attempt(int attempt, boolean streaming, Consumer<LlmAttemptContext> outcome) {
		LlmAttemptContext context = new LlmAttemptContext(SONNET, "anthropic", attempt, streaming);
		Observation observation = Observation
			.createNotStarted(LlmObservationConventions.attempt(), () -> context, this.observations)
			.start();
		outcome.accept(context);
		if (context.getError() != null) {
			observation.error(context.getError());
		}
		observation.stop();
	}

	private void request(Consumer<LlmRequestContext> outcome) {
		LlmRequestContext context = new LlmRequestContext(LlmRequest.ofPrompt("Hi"), false);
		Observation observation = Observation
			.createNotStarted(LlmObservationConventions.request(), () -> context, this.observations)
			.start();
		outcome.accept(context);
		observation.stop();
	}

	private static LlmResponse response(String model, boolean fallback) {
		List<LlmAttempt> attempts = fallback
				? List.of(LlmAttempt.skipped("sonnet", "LlmCircuitOpenException"),
						LlmAttempt.success(model, Duration.ofMillis(20)))
				: List.of(LlmAttempt.success(model, Duration.ofMillis(20)));
		return new LlmResponse(List.of(LlmContent.text("Hello")), null, model, "claude-sonnet-4-5-20250929",
				"anthropic", StopReason.END_TURN, "end_turn", new LlmUsage(12, 4), "req_1", RateLimitStatus.NONE,
				fallback, attempts, null);
	}

}
