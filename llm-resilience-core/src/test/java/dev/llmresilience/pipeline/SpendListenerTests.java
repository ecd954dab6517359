package dev.llmresilience.pipeline;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.llmresilience.LlmCost;
import dev.llmresilience.LlmPrices;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.budget.SpendListener.Spend;
import dev.llmresilience.error.LlmStreamInterruptedException;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests that a spend listener is told what every attempt was billed, for whom: the model
 * and deployment, the chain that served the request (the default chain when the request
 * names none) and the request's tags; never an attempt that cost nothing.
 */
class SpendListenerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final LlmPrices PRICES = new LlmPrices("USD",
			new LlmPrices.Rates(new BigDecimal("1"), new BigDecimal("10")));

	private static FakeProviderServer fake;

	private final List<Spend> spent = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void startFake() {
		fake = FakeProviderServer.start();
	}

	@AfterAll
	static void stopFake() {
		fake.close();
	}

	@BeforeEach
	void resetFake() {
		fake.reset();
	}

	@Test
	void toldOfTheAnswerWithTheDefaultChainAndTheRequestsTagsButNotOfErrors() {
		fake.model("claude-haiku-4-5").reply(FakeReply.error(529));
		fake.model("gpt-4o-mini").inputTokens(100).pieces("Hi");
		try (LlmResilience llm = builder().build()) {
			llm.template()
				.call(LlmRequest.builder().user("Hi").tag("tenant", "acme").tag("feature", "search").build())
				.block(TIMEOUT);
		}
		assertThat(this.spent).singleElement().satisfies((spend) -> {
			assertThat(spend.model().id()).isEqualTo("gpt");
			assertThat(spend.providerType()).isEqualTo("openai");
			assertThat(spend.deployment()).isNull();
			assertThat(spend.chain()).isEqualTo("default");
			assertThat(spend.tags()).isEqualTo(Map.of("tenant", "acme", "feature", "search"));
			// 100 * 1 + 1 * 10 per million
			assertThat(spend.cost()).isEqualTo(LlmCost.of(new BigDecimal("0.00011"), "USD"));
		});
	}

	@Test
	void toldOfARequestForASingleModelWithoutAChain() {
		try (LlmResilience llm = builder().build()) {
			llm.template().call(LlmRequest.builder().user("Hi").model("claude").build()).block(TIMEOUT);
		}
		assertThat(this.spent).singleElement().satisfies((spend) -> {
			assertThat(spend.model().id()).isEqualTo("claude");
			assertThat(spend.chain()).isNull();
			assertThat(spend.tags()).isEmpty();
		});
	}

	@Test
	void toldOfTheEstimateOfAStreamBrokenAfterItsContentBegan() {
		fake.model("claude-haiku-4-5").pieces("abcd", "efgh").reply(FakeReply.cutOffStream(1));
		try (LlmResilience llm = builder().build()) {
			assertThatExceptionOfType(LlmStreamInterruptedException.class).isThrownBy(() -> llm.template()
				.stream(LlmRequest.builder().user("Hi").model("claude").build())
				.blockLast(TIMEOUT));
		}
		assertThat(this.spent).singleElement().satisfies((spend) -> assertThat(spend.cost().isEstimated()).isTrue());
	}

	@Test
	void toldOfTheUnknownCostOfAModelWithoutPrices() {
		try (LlmResilience llm = FakeProviderChains.builder(fake)
			.model("llama", "openai", "llama3.2", 100)
			.chain("default", "llama")
			.spendListener(this.spent::add)
			.build()) {
			LlmStreamEvent last = llm.template().stream("Hi").blockLast(TIMEOUT);
			assertThat(last).isInstanceOf(LlmStreamEvent.Completion.class);
		}
		assertThat(this.spent).singleElement().satisfies((spend) -> assertThat(spend.cost()).isSameAs(LlmCost.UNKNOWN));
	}

	@Test
	void requestTagsAreKeptByMutateAndShownByToString() {
		LlmRequest request = LlmRequest.builder().user("Hi").tag("tenant", "acme").build();
		LlmRequest copy = request.mutate().tag("feature", "search").build();
		assertThat(request.tags()).isEqualTo(Map.of("tenant", "acme"));
		assertThat(copy.tags()).containsExactly(Map.entry("tenant", "acme"), Map.entry("feature", "search"));
		assertThat(copy.toString()).contains("tags={tenant=acme, feature=search}").doesNotContain("Hi");
	}

	private LlmResilience.Builder builder() {
		return FakeProviderChains.builder(fake)
			.model("claude", "anthropic", "claude-haiku-4-5", 100)
			.model("gpt", "openai", "gpt-4o-mini", 100)
			.prices("claude", PRICES)
			.prices("gpt", PRICES)
			.chain("default", "claude", "gpt")
			.spendListener(this.spent::add);
	}

}
