package dev.llmresilience.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.LlmDeployment;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.error.LlmStreamInterruptedException;
import dev.llmresilience.provider.ProviderSettings;
import dev.llmresilience.routing.HedgingSettings;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Hedged attempts over real HTTP: one model on two deployments, each on a server of its
 * own, the first deployment taking every first attempt.
 */
class HedgingTests {

	private static final HedgingSettings AFTER_100_MS = new HedgingSettings(Duration.ofMillis(100), 0, 1, 1.0);

	private final FakeProviderServer slow = FakeProviderServer.start();

	private final FakeProviderServer fast = FakeProviderServer.start();

	private final List<LlmResilience> built = new ArrayList<>();

	@AfterEach
	void close() {
		this.built.forEach(LlmResilience::close);
		this.slow.close();
		this.fast.close();
	}

	@Test
	void hedgeOnAnotherDeploymentWinsAndTheSlowAttemptIsCancelledAtItsServer() {
		this.slow.model("claude-fake").reply(FakeReply.answer("slow").after(Duration.ofSeconds(20)));
		LlmResilience llm = build(AFTER_100_MS);
		LlmResponse answer = llm.template().callBlocking(LlmRequest.ofPrompt("Hi"));
		assertThat(answer.text()).isNotEqualTo("slow");
		assertThat(answer.attempts()).extracting(LlmAttempt::deployment, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactlyInAnyOrder(tuple("slow", Outcome.CANCELLED, "HedgeLost"),
					tuple("fast", Outcome.SUCCESS, null));
		assertThat(this.slow.requests().count()).isOne();
		assertThat(this.fast.requests().count()).isOne();
		// the loser's connection is closed, which its server sees
		await().atMost(Duration.ofSeconds(5)).until(() -> this.slow.requests().openConnections() == 0);
	}

	@Test
	void streamIsHedgedUntilItsFirstEventAndOnlyTheWinnersContentReachesTheCaller() {
		this.slow.model("claude-fake").reply(FakeReply.answer("slow ", "answer").after(Duration.ofSeconds(20)));
		this.fast.model("claude-fake").reply(FakeReply.answer("fast ", "answer"));
		LlmResilience llm = build(AFTER_100_MS);
		List<LlmStreamEvent> events = llm.template()
			.stream(LlmRequest.ofPrompt("Hi"))
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(events).filteredOn(LlmStreamEvent.TextDelta.class::isInstance)
			.extracting((event) -> ((LlmStreamEvent.TextDelta) event).text())
			.containsExactly("fast ", "answer");
		LlmResponse completion = ((LlmStreamEvent.Completion) events.get(events.size() - 1)).response();
		assertThat(completion.attempts()).extracting(LlmAttempt::deployment, LlmAttempt::outcome)
			.containsExactlyInAnyOrder(tuple("slow", Outcome.CANCELLED), tuple("fast", Outcome.SUCCESS));
	}

	@Test
	void winnerThatBreaksOffAfterItsContentIsReportedOnItsOwnProvider() {
		// the first attempt is hedged, then wins after all, then breaks off
		this.slow.model("claude-fake")
			.pieces("slow ", "answer", " cut")
			.reply(FakeReply.cutOffStream(2).after(Duration.ofMillis(400)));
		this.fast.model("claude-fake").reply(FakeReply.answer("fast").after(Duration.ofSeconds(20)));
		LlmResilience llm = build(AFTER_100_MS);
		assertThatExceptionOfType(LlmStreamInterruptedException.class)
			.isThrownBy(() -> llm.template().stream(LlmRequest.ofPrompt("Hi")).blockLast(Duration.ofSeconds(10)))
			.satisfies((interrupted) -> {
				assertThat(interrupted.getProvider()).isEqualTo("slow");
				assertThat(interrupted.getPartialText()).isEqualTo("slow answer");
			});
		assertThat(this.fast.requests().count()).as("hedged").isOne();
	}

	@Test
	void attemptThatAnswersWithinTheDelayIsNotHedged() {
		LlmResilience llm = build(new HedgingSettings(Duration.ofSeconds(5), 0, 1, 1.0));
		LlmResponse answer = llm.template().callBlocking(LlmRequest.ofPrompt("Hi"));
		assertThat(answer.attempts()).extracting(LlmAttempt::deployment).containsExactly("slow");
		assertThat(this.fast.requests().count()).isZero();
	}

	@Test
	void attemptThatFailsBeforeTheDelayIsRetriedNotHedged() {
		this.slow.model("claude-fake").reply(FakeReply.error(500));
		LlmResilience llm = build(new HedgingSettings(Duration.ofSeconds(5), 0, 1, 1.0));
		LlmResponse answer = llm.template().callBlocking(LlmRequest.ofPrompt("Hi"));
		assertThat(answer.attempts()).extracting(LlmAttempt::deployment, LlmAttempt::outcome)
			.containsExactly(tuple("slow", Outcome.FAILURE), tuple("fast", Outcome.SUCCESS));
	}

	@Test
	void hedgesStayWithinTheirShareOfTheAttemptsUnderAFaultStorm() {
		// every first attempt hangs past the delay: without a cap each one would be
		// hedged
		this.slow.model("claude-fake").reply(FakeReply.answer("slow").after(Duration.ofMillis(150)));
		LlmResilience llm = build(new HedgingSettings(Duration.ofMillis(20), 0, 1, 0.25));
		for (int i = 0; i < 32; i++) {
			llm.template().callBlocking(LlmRequest.ofPrompt("Hi"));
		}
		// every attempt earns a quarter of a hedge: every fourth is hedged
		assertThat(this.fast.requests().count()).isEqualTo(8);
		assertThat(this.slow.requests().count()).isEqualTo(32);
	}

	private LlmResilience build(HedgingSettings hedging) {
		LlmResilience llm = LlmResilience.builder()
			.anthropic(ProviderSettings.of("slow", this.slow.baseUrl(), "sk-ant-slow"), "2023-06-01")
			.anthropic(ProviderSettings.of("fast", this.fast.baseUrl(), "sk-ant-fast"), "2023-06-01")
			.retry(FakeProviderChains.TWO_QUICK_ATTEMPTS)
			.model("claude", "slow", "claude-fake", 1024)
			// "fast" takes first attempts only while "slow" cannot
			.deployment("claude", new LlmDeployment("slow", "slow", "claude-fake", 1))
			.deployment("claude", new LlmDeployment("fast", "fast", "claude-fake", 0))
			.hedging("claude", hedging)
			.chain("default", "claude")
			.build();
		this.built.add(llm);
		return llm;
	}

}
