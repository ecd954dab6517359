package dev.llmresilience.observation;

import java.util.Iterator;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;

import org.springframework.lang.Nullable;

/**
 * The context of the library's observations, which knows its low-cardinality key values
 * as one sorted set instead of sorting them again for every reader. Micrometer keeps them
 * in a map and sorts a copy each time they are read, and a meter handler reads them at
 * the start and at the end of every observation, two observations per call. Here the set
 * is kept while the key values come as whole sets that either start the context's or
 * replace every one of its values (what a convention gives at the start and again at the
 * end); any other change (a single key value added, one removed, a set of other keys)
 * forgets it, and the next reader sorts once and keeps the result. Readers get the same
 * key values as from Micrometer's own context.
 */
abstract class LlmObservationContext extends Observation.Context {

	/** The low-cardinality key values, or {@code null} if not known since a change. */
	@Nullable
	private KeyValues lowCardinality = KeyValues.empty();

	@Override
	public synchronized Observation.Context addLowCardinalityKeyValue(KeyValue keyValue) {
		super.addLowCardinalityKeyValue(keyValue);
		this.lowCardinality = null;
		return this;
	}

	@Override
	public synchronized Observation.Context addLowCardinalityKeyValues(KeyValues keyValues) {
		KeyValues before = this.lowCardinality;
		// adds them one by one, which forgets the set
		super.addLowCardinalityKeyValues(keyValues);
		this.lowCardinality = afterAdding(before, keyValues);
		return this;
	}

	@Override
	public synchronized Observation.Context removeLowCardinalityKeyValue(String keyName) {
		super.removeLowCardinalityKeyValue(keyName);
		this.lowCardinality = null;
		return this;
	}

	@Override
	public synchronized Observation.Context removeLowCardinalityKeyValues(String... keyNames) {
		super.removeLowCardinalityKeyValues(keyNames);
		this.lowCardinality = null;
		return this;
	}

	@Override
	public synchronized KeyValues getLowCardinalityKeyValues() {
		KeyValues known = this.lowCardinality;
		if (known == null) {
			known = super.getLowCardinalityKeyValues();
			this.lowCardinality = known;
		}
		return known;
	}

	/**
	 * Return the key values after a set was added to those known, or {@code null} if they
	 * are not known: a set replaces the known values when it has the same keys (a
	 * {@link KeyValues} is sorted by key and has each key once).
	 */
	@Nullable
	private static KeyValues afterAdding(@Nullable KeyValues before, KeyValues added) {
		if (before == null) {
			return null;
		}
		if (!added.iterator().hasNext()) {
			return before;
		}
		if (!before.iterator().hasNext() || sameKeys(before, added)) {
			return added;
		}
		return null;
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
