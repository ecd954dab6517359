package dev.llmresilience.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.llmresilience.LlmCost;
import dev.llmresilience.LlmModel;
import dev.llmresilience.budget.SpendBudget;
import dev.llmresilience.budget.SpendListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Counts what calls cost: {@code llm.cost}, the spend in the prices' currency (its base
 * unit), and {@code llm.cost.unknown}, the calls of models without prices, whose cost is
 * not known. Both are tagged in the style of the OpenTelemetry GenAI conventions' other
 * meters: {@code gen_ai.system}, {@code gen_ai.request.model}, {@code llm.model},
 * {@code llm.provider}, {@code llm.chain}, and {@code llm.tag.<name>} for every caller
 * tag declared, whose value is the request's if declared, {@code other} if not, and
 * {@code none} if the request has no such tag, so that the cardinality stays bounded.
 * <p>
 * Told of every attempt billed by the {@link dev.llmresilience.budget.CostAccounting}, so
 * it counts whether the observations are switched on or not.
 */
public class LlmCostMetrics implements SpendListener {

	static final String OTHER = "other";

	static final String NONE = "none";

	private static final double PICO_UNITS = 1e12;

	private final MeterRegistry registry;

	private final Map<String, Set<String>> tags;

	private final Map<Key, Counter> counters = new ConcurrentHashMap<>();

	/**
	 * Create a new instance.
	 * @param registry where to count
	 * @param tags the caller tags to count by, each with its declared values
	 */
	public LlmCostMetrics(MeterRegistry registry, Map<String, ? extends Iterable<String>> tags) {
		this.registry = registry;
		Map<String, Set<String>> declared = new LinkedHashMap<>();
		tags.forEach((name, values) -> {
			Set<String> set = new LinkedHashSet<>();
			values.forEach(set::add);
			declared.put(name, Set.copyOf(set));
		});
		this.tags = declared;
	}

	@Override
	public void spent(Spend spend) {
		LlmCost cost = spend.cost();
		if (cost.isKnown() && cost.currency() == null) {
			return;
		}
		Key key = new Key(cost.isKnown() ? cost.currency() : null, spend.model().id(), spend.model().name(),
				spend.model().provider(), spend.providerType(), (spend.chain() != null) ? spend.chain() : NONE,
				tagValues(spend));
		Counter counter = this.counters.get(key);
		if (counter == null) {
			counter = this.counters.computeIfAbsent(key, this::counter);
		}
		counter.increment(cost.isKnown() ? cost.picoUnits() / PICO_UNITS : 1);
	}

	private List<String> tagValues(Spend spend) {
		if (this.tags.isEmpty()) {
			return List.of();
		}
		List<String> tagValues = new ArrayList<>(this.tags.size());
		for (Map.Entry<String, Set<String>> tag : this.tags.entrySet()) {
			String value = spend.tags().get(tag.getKey());
			if (value == null) {
				tagValues.add(NONE);
			}
			else {
				tagValues.add(tag.getValue().contains(value) ? value : OTHER);
			}
		}
		return tagValues;
	}

	@Override
	public void passed(SpendBudget budget, LlmModel model) {
		Counter.builder("llm.cost.budget.passed")
			.description("Calls that would pass a spend budget: refused, skipped, or let go with a warning")
			.tag("llm.budget", budget.name())
			.tag("llm.budget.action", budget.action().name().toLowerCase(Locale.ROOT))
			.tag("llm.model", model.id())
			.register(this.registry)
			.increment();
	}

	private Counter counter(Key key) {
		Tags tags = Tags.of("gen_ai.system", key.providerType(), "gen_ai.request.model", key.modelName(), "llm.model",
				key.model(), "llm.provider", key.provider(), "llm.chain", key.chain());
		int i = 0;
		for (String name : this.tags.keySet()) {
			tags = tags.and("llm.tag." + name, key.tagValues().get(i++));
		}
		if (key.currency() == null) {
			return Counter.builder("llm.cost.unknown")
				.description("Calls billed whose cost is not known: their model has no prices")
				.tags(tags)
				.register(this.registry);
		}
		return Counter.builder("llm.cost")
			.description("What calls cost, in the currency of the configured prices")
			.baseUnit(key.currency().toLowerCase(Locale.ROOT))
			.tags(tags)
			.register(this.registry);
	}

	/**
	 * The tags of one counter; a {@code null} currency stands for unknown costs.
	 */
	private record Key(String currency, String model, String modelName, String provider, String providerType,
			String chain, List<String> tagValues) {

	}

}
