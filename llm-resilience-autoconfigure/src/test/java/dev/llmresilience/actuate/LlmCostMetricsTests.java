package dev.llmresilience.actuate;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import dev.llmresilience.LlmCost;
import dev.llmresilience.LlmModel;
import dev.llmresilience.budget.SpendListener.Spend;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmCostMetrics}: spend counted by model, provider, chain and the
 * declared caller tags, whose undeclared values count as {@code other}, so that the
 * cardinality stays bounded; calls of unknown cost counted apart.
 */
class LlmCostMetricsTests {

	private static final LlmModel SONNET = new LlmModel("sonnet", "anthropic-eu", "claude-sonnet-4-5", 4096, null);

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final LlmCostMetrics metrics = new LlmCostMetrics(this.registry,
			Map.of("tenant", List.of("acme", "globex"), "feature", List.of("search")));

	@Test
	void countsSpendByModelProviderChainAndDeclaredTags() {
		this.metrics.spent(spend("main", Map.of("tenant", "acme", "feature", "search"), usd("0.5")));
		this.metrics.spent(spend("main", Map.of("tenant", "acme", "feature", "search"), usd("0.25")));
		Counter counter = this.registry.get("llm.cost")
			.tag("gen_ai.system", "anthropic")
			.tag("gen_ai.request.model", "claude-sonnet-4-5")
			.tag("llm.model", "sonnet")
			.tag("llm.provider", "anthropic-eu")
			.tag("llm.chain", "main")
			.tag("llm.tag.tenant", "acme")
			.tag("llm.tag.feature", "search")
			.counter();
		assertThat(counter.count()).isEqualTo(0.75);
		assertThat(counter.getId().getBaseUnit()).isEqualTo("usd");
	}

	@Test
	void undeclaredValuesCountAsOtherAndMissingTagsAsNone() {
		this.metrics.spent(spend(null, Map.of("tenant", "initech", "unknown", "x"), usd("1")));
		this.metrics.spent(spend(null, Map.of("tenant", "umbrella"), usd("2")));
		assertThat(this.registry.get("llm.cost")
			.tag("llm.chain", "none")
			.tag("llm.tag.tenant", "other")
			.tag("llm.tag.feature", "none")
			.counter()
			.count()).isEqualTo(3);
		assertThat(this.registry.get("llm.cost").counters()).hasSize(1)
			.allSatisfy((meter) -> assertThat(meter.getId().getTag("unknown")).isNull());
	}

	@Test
	void callsOfUnknownCostAreCountedApart() {
		this.metrics.spent(spend("main", Map.of(), LlmCost.UNKNOWN));
		assertThat(this.registry.get("llm.cost.unknown").tag("llm.model", "sonnet").counter().count()).isEqualTo(1);
		assertThat(this.registry.find("llm.cost").counters()).isEmpty();
	}

	private static Spend spend(String chain, Map<String, String> tags, LlmCost cost) {
		return new Spend(SONNET, "anthropic", null, chain, tags, cost);
	}

	private static LlmCost usd(String amount) {
		return LlmCost.of(new BigDecimal(amount), "USD");
	}

}
