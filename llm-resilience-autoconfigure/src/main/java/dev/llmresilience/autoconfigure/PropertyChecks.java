package dev.llmresilience.autoconfigure;

import java.time.Duration;

/**
 * Range checks of property values that fail with an {@link InvalidLlmPropertyException} naming
 * the property.
 */
final class PropertyChecks {

	private PropertyChecks() {
	}

	static Duration positive(String property, Duration duration) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			throw new InvalidLlmPropertyException(property, "the duration must be positive",
					"Set a positive duration, such as 30s.");
		}
		return duration;
	}

	static long atLeast(String property, long value, long minimum) {
		if (value < minimum) {
			throw new InvalidLlmPropertyException(property, "the value " + value + " is below " + minimum,
					"Set a whole number of " + minimum + " or more.");
		}
		return value;
	}

	static double between(String property, double value, double minimum, double maximum) {
		if (!(value >= minimum && value <= maximum)) {
			throw new InvalidLlmPropertyException(property,
					"the value " + value + " is outside " + minimum + " to " + maximum,
					"Set a number from " + minimum + " to " + maximum + ".");
		}
		return value;
	}

}
