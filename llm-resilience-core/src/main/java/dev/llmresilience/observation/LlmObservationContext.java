package dev.llmresilience.observation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;

import org.springframework.lang.Nullable;

/**
 * The context of the library's observations, which keeps its low-cardinality key values
 * as one sorted set of its own instead of Micrometer's map. Micrometer puts each key
 * value into a map as it arrives and sorts a copy each time they are read, and a meter
 * handler reads them at the start and at the end of every observation, two observations
 * per call. Here a convention's whole set, at the start and again at the end, becomes the
 * context's set as it is when the context has none yet or the set has the same keys; any
 * other change (a single key value added, one removed, a set of other keys, such as a
 * filter's) makes a new sorted set at once. Readers get the same key values as from
 * Micrometer's own context.
 */
abstract class LlmObservationContext extends Observation.Context {

	/**
	 * The low-cardinality key values, sorted by key, each key once; replaced, never
	 * changed, by writers that hold this context's lock.
	 */
	private volatile KeyValues lowCardinality = KeyValues.empty();

	@Override
	public synchronized Observation.Context addLowCardinalityKeyValue(KeyValue keyValue) {
		this.lowCardinality = this.lowCardinality.and(keyValue);
		return this;
	}

	@Override
	public synchronized Observation.Context addLowCardinalityKeyValues(KeyValues keyValues) {
		this.lowCardinality = afterAdding(this.lowCardinality, keyValues);
		return this;
	}

	@Override
	public synchronized Observation.Context removeLowCardinalityKeyValue(String keyName) {
		return removeLowCardinalityKeyValues(keyName);
	}

	@Override
	public synchronized Observation.Context removeLowCardinalityKeyValues(String... keyNames) {
		List<String> removed = Arrays.asList(keyNames);
		List<KeyValue> kept = new ArrayList<>();
		for (KeyValue keyValue : this.lowCardinality) {
			if (!removed.contains(keyValue.getKey())) {
				kept.add(keyValue);
			}
		}
		this.lowCardinality = KeyValues.of(kept);
		return this;
	}

	@Override
	@Nullable
	public KeyValue getLowCardinalityKeyValue(String key) {
		for (KeyValue keyValue : this.lowCardinality) {
			if (keyValue.getKey().equals(key)) {
				return keyValue;
			}
		}
		return null;
	}

	@Override
	public KeyValues getLowCardinalityKeyValues() {
		return this.lowCardinality;
	}

	/**
	 * Return the key values after a set was added: the set itself when there were none or
	 * it has the same keys (a {@link KeyValues} is sorted by key and has each key once),
	 * else both merged, the added values winning.
	 */
	private static KeyValues afterAdding(KeyValues before, KeyValues added) {
		if (!added.iterator().hasNext()) {
			return before;
		}
		if (!before.iterator().hasNext() || sameKeys(before, added)) {
			return added;
		}
		return before.and(added);
	}

	private static boolean sameKeys(KeyValues first, KeyValues second) {
		Iterator<KeyValue> others = second.iterator();
		for (KeyValue keyValue : first) {
			if (!others.hasNext() || !keyValue.getKey().equals(others.next().getKey())) {
				return false;
			}
		}
		return !others.hasNext();
	}

}
