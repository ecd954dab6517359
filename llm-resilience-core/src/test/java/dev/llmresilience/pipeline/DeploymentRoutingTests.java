package dev.llmresilience.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.LlmDeployment;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.provider.ProviderSettings;
import dev.llmresilience.routing.RoutingStrategy;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * One model served by two deployments, each a provider of its own on a server of its own
 * (two API keys, or two regions), over real HTTP: what the servers see of the routing,
 * and what a limit or a failure of one deployment does to the other.
 */
class DeploymentRoutingTests {

	private final FakeProviderServer east = FakeProviderServer.start();

	private final FakeProviderServer west = FakeProviderServer.start();

	private final List<LlmResilience> built = new ArrayList<>();

	@AfterEach
	void close() {
		this.built.forEach(LlmResilience::close);
		this.east.close();
		this.west.close();
	}

	@Test
	void weightedRoutingSplitsTheTrafficByWeight() {
		LlmResilience llm = build(builder(3, 1));
		for (int i = 0; i < 400; i++) {
			llm.template().callBlocking(LlmRequest.ofPrompt("Hi"));
		}
		// 300 expected on east; the bounds are five standard deviations wide
		assertThat(this.east.requests().count()).isBetween(256, 344);
		assertThat(this.east.requests().count() + this.west.requests().count()).isEqualTo(400);
	}

	@Test
	void leastInFlightRoutingSendsEachCallToTheDeploymentWithFewerOpen() {
		this.east.model("claude-fake").reply(FakeReply.answer("east").held());
		this.west.model("claude-fake").reply(FakeReply.answer("west").held());
		LlmResilience llm = build(builder(1, 1).routing("claude", RoutingStrategy.LEAST_IN_FLIGHT));
		List<Mono<LlmResponse>> calls = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			calls.add(llm.template().call(LlmRequest.ofPrompt("Hi")).cache());
			calls.get(i).subscribe();
		}
		this.east.requests().awaitCount(3, Duration.ofSeconds(5));
		this.west.requests().awaitCount(3, Duration.ofSeconds(5));
		assertThat(this.east.requests().inFlight()).isEqualTo(3);
		assertThat(this.west.requests().inFlight()).isEqualTo(3);
		this.east.releaseHeld();
		this.west.releaseHeld();
		calls.forEach((call) -> call.block(Duration.ofSeconds(5)));
	}

	@Test
	void rateLimitOnOneKeyHoldsThatKeyOnlyAndTheRetryGoesToTheOther() {
		this.east.model("claude-fake").reply(FakeReply.error(429).retryAfter(Duration.ofSeconds(30)));
		// west takes traffic only while east cannot
		LlmResilience llm = build(builder(1, 0));
		LlmResponse first = llm.template().callBlocking(LlmRequest.ofPrompt("Hi"));
		assertThat(first.fallback()).isFalse();
		assertThat(first.attempts()).extracting(LlmAttempt::deployment, LlmAttempt::outcome, LlmAttempt::errorType)
			.containsExactly(tuple("east", Outcome.FAILURE, "LlmRateLimitException"),
					tuple("west", Outcome.SUCCESS, null));
		for (int i = 0; i < 5; i++) {
			LlmResponse next = llm.template().callBlocking(LlmRequest.ofPrompt("Hi"));
			assertThat(next.attempts()).extracting(LlmAttempt::deployment).containsExactly("west");
		}
		assertThat(this.east.requests().count()).isOne();
		assertThat(this.west.requests().count()).isEqualTo(6);
		assertThat(llm.pipeline().getChain().getExecutor("claude").getDeployments())
			.extracting((deployment) -> deployment.circuitBreaker().getName())
			.containsExactly("claude/east", "claude/west");
	}

	@Test
	void failingDeploymentIsRetriedOnTheOtherBeforeTheChainFallsBack() {
		this.east.model("claude-fake").reply(FakeReply.error(500));
		LlmResilience llm = build(
				builder(1, 0).model("spare", "east", "spare-fake", 1024).chain("default", "claude", "spare"));
		LlmResponse answer = llm.template().callBlocking(LlmRequest.ofPrompt("Hi"));
		assertThat(answer.model()).isEqualTo("claude");
		assertThat(answer.fallback()).isFalse();
		assertThat(answer.attempts()).extracting(LlmAttempt::deployment, LlmAttempt::outcome)
			.containsExactly(tuple("east", Outcome.FAILURE), tuple("west", Outcome.SUCCESS));
		assertThat(this.east.requests().count("spare-fake")).isZero();
	}

	@Test
	void modelWhoseEveryDeploymentFailsFallsBackAfterItsAttemptsAndNoMore() {
		this.east.model("claude-fake").reply(FakeReply.error(500));
		this.west.model("claude-fake").reply(FakeReply.error(500));
		LlmResilience llm = build(
				builder(1, 1).model("spare", "east", "spare-fake", 1024).chain("default", "claude", "spare"));
		LlmResponse answer = llm.template().callBlocking(LlmRequest.ofPrompt("Hi"));
		assertThat(answer.model()).isEqualTo("spare");
		// two attempts per model, one on each deployment
		assertThat(this.east.requests().count("claude-fake")).isOne();
		assertThat(this.west.requests().count("claude-fake")).isOne();
	}

	@Test
	void deploymentsMayKnowTheModelByAnotherName() {
		LlmResilience llm = build(LlmResilience.builder()
			.anthropic(ProviderSettings.of("east", this.east.baseUrl(), "sk-ant-east"), "2023-06-01")
			.model("claude", "east", "claude-fake", 1024)
			.deployment("claude", new LlmDeployment("azure-like", "east", "my-claude-deployment", 1))
			.chain("default", "claude"));
		LlmResponse answer = llm.template().callBlocking(LlmRequest.ofPrompt("Hi"));
		assertThat(answer.modelName()).isEqualTo("my-claude-deployment");
		assertThat(this.east.requests().last().model()).isEqualTo("my-claude-deployment");
	}

	private LlmResilience.Builder builder(int eastWeight, int westWeight) {
		return LlmResilience.builder()
			.anthropic(ProviderSettings.of("east", this.east.baseUrl(), "sk-ant-east"), "2023-06-01")
			.anthropic(ProviderSettings.of("west", this.west.baseUrl(), "sk-ant-west"), "2023-06-01")
			.retry(FakeProviderChains.TWO_QUICK_ATTEMPTS)
			.model("claude", "east", "claude-fake", 1024)
			.deployment("claude", new LlmDeployment("east", "east", "claude-fake", eastWeight))
			.deployment("claude", new LlmDeployment("west", "west", "claude-fake", westWeight))
			.chain("default", "claude");
	}

	private LlmResilience build(LlmResilience.Builder builder) {
		LlmResilience llm = builder.build();
		this.built.add(llm);
		return llm;
	}

}
