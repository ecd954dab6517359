package dev.llmresilience.observation;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmObservationContext}: the low-cardinality key values read from the
 * library's contexts, as a set or one by key, are those Micrometer's own context holds
 * after the same changes, and a convention's set is handed out as it is, not sorted
 * again.
 */
class LlmObservationContextTests {

	private static final LlmModel SONNET = new LlmModel("sonnet", "anthropic", "claude-sonnet-4-5", 4096, null);

	@Test
	void aConventionsSetAtTheStartAndAgainAtTheEndIsHandedOutAsItIs() {
		LlmRequestContext context = requestContext();
		KeyValues started = KeyValues.of("llm.outcome", "cancelled", "llm.target", "default");
		context.addLowCardinalityKeyValues(started);
		assertThat(context.getLowCardinalityKeyValues()).isSameAs(started);
		KeyValues stopped = KeyValues.of("llm.outcome", "success", "llm.target", "default");
		context.addLowCardinalityKeyValues(stopped);
		assertThat(context.getLowCardinalityKeyValues()).isSameAs(stopped);
		context.addLowCardinalityKeyValues(KeyValues.empty());
		assertThat(context.getLowCardinalityKeyValues()).isSameAs(stopped);
	}

	@Test
	void otherChangesGiveWhatMicrometersContextGives() {
		LlmRequestContext context = requestContext();
		Observation.Context plain = new Observation.Context();
		List<Change> changes = List.of((c) -> c.addLowCardinalityKeyValues(KeyValues.of("b", "1", "c", "2")),
				(c) -> c.addLowCardinalityKeyValues(KeyValues.of("a", "3")),
				(c) -> c.addLowCardinalityKeyValue(KeyValue.of("d", "4")),
				(c) -> c.addLowCardinalityKeyValues(KeyValues.of("a", "5", "b", "6", "c", "7", "d", "8")),
				(c) -> c.removeLowCardinalityKeyValue("b"),
				(c) -> c.addLowCardinalityKeyValues(KeyValues.of("a", "9", "b", "10", "c", "11", "d", "12")),
				(c) -> c.removeLowCardinalityKeyValues("a", "d"),
				(c) -> c.addLowCardinalityKeyValues(KeyValues.of("c", "13")),
				(c) -> c.addLowCardinalityKeyValues(KeyValues.of("e", "14")));
		for (Change change : changes) {
			change.apply(context);
			change.apply(plain);
			assertThat(context.getLowCardinalityKeyValues()).isEqualTo(plain.getLowCardinalityKeyValues());
		}
		assertThat(context.getLowCardinalityKeyValues()).containsExactly(KeyValue.of("b", "10"), KeyValue.of("c", "13"),
				KeyValue.of("e", "14"));
	}

	@Test
	void anyMixOfChangesGivesWhatMicrometersContextGives() {
		Random random = new Random(20261204);
		String[] keys = { "a", "b", "c", "d" };
		for (int round = 0; round < 200; round++) {
			LlmAttemptContext context = new LlmAttemptContext(SONNET, "anthropic", 1, false);
			Observation.Context plain = new Observation.Context();
			for (int step = 0; step < 12; step++) {
				Change change = randomChange(random, keys, step);
				change.apply(context);
				change.apply(plain);
				if (random.nextBoolean()) {
					assertThat(context.getLowCardinalityKeyValues()).isEqualTo(plain.getLowCardinalityKeyValues());
				}
				for (String each : keys) {
					assertThat(context.getLowCardinalityKeyValue(each))
						.isEqualTo(plain.getLowCardinalityKeyValue(each));
				}
			}
			assertThat(context.getLowCardinalityKeyValues()).isEqualTo(plain.getLowCardinalityKeyValues());
			assertThat(context.getAllKeyValues()).isEqualTo(plain.getAllKeyValues());
		}
	}

	@Test
	void handlersSeeWhatFiltersAndTheWorkAddToTheConventionsSet() {
		List<KeyValues> seen = new ArrayList<>();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onStart(Observation.Context context) {
				seen.add(context.getLowCardinalityKeyValues());
			}

			@Override
			public void onStop(Observation.Context context) {
				seen.add(context.getLowCardinalityKeyValues());
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
		registry.observationConfig()
			.observationFilter((context) -> context.addLowCardinalityKeyValue(KeyValue.of("region", "eu")));
		Observation attempt = Observation
			.createNotStarted(LlmObservationConventions.attempt(),
					() -> new LlmAttemptContext(SONNET, "anthropic", 1, false), registry)
			.start();
		attempt.lowCardinalityKeyValue("tenant", "acme");
		attempt.stop();
		assertThat(seen).hasSize(2);
		assertThat(seen.get(0)).contains(KeyValue.of("llm.outcome", "cancelled"))
			.noneMatch((keyValue) -> keyValue.getKey().equals("region") || keyValue.getKey().equals("tenant"));
		assertThat(seen.get(1)).contains(KeyValue.of("region", "eu"), KeyValue.of("tenant", "acme"),
				KeyValue.of("gen_ai.request.model", "claude-sonnet-4-5"));
	}

	private static Change randomChange(Random random, String[] keys, int step) {
		String key = keys[random.nextInt(keys.length)];
		String other = keys[random.nextInt(keys.length)];
		String value = String.valueOf(step);
		return switch (random.nextInt(5)) {
			case 0 -> (c) -> c.addLowCardinalityKeyValue(KeyValue.of(key, value));
			case 1 -> (c) -> c.removeLowCardinalityKeyValue(key);
			case 2 -> (c) -> c.removeLowCardinalityKeyValues(key, other);
			case 3 -> (c) -> c.addLowCardinalityKeyValues(KeyValues.empty());
			default -> {
				List<KeyValue> set = new ArrayList<>();
				for (String each : keys) {
					if (random.nextInt(3) > 0) {
						set.add(KeyValue.of(each, value));
					}
				}
				KeyValues keyValues = KeyValues.of(set);
				yield (c) -> c.addLowCardinalityKeyValues(keyValues);
			}
		};
	}

	private static LlmRequestContext requestContext() {
		return new LlmRequestContext(LlmRequest.builder().user("Hi").build(), false);
	}

	/**
	 * A change of a context's key values.
	 */
	@FunctionalInterface
	private interface Change {

		void apply(Observation.Context context);

	}

}
