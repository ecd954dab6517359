package dev.llmresilience;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

import org.springframework.lang.Nullable;

/**
 * What a call, an attempt or a request cost, in the currency of the prices it was
 * computed from ({@link LlmPrices}); or {@link #UNKNOWN}, for a model configured without
 * prices. Unknown is never taken for zero: a sum with an unknown part is unknown.
 * {@link #NONE} is the cost of what the provider does not bill, such as an error answer
 * or a model that was skipped.
 * <p>
 * Amounts are kept exactly, in pico-units (10<sup>-12</sup> of the currency unit), so
 * that a cost is computed and added up without rounding and without {@link BigDecimal}
 * arithmetic on every call.
 */
public final class LlmCost {

	/** The cost of a call whose model has no prices. */
	public static final LlmCost UNKNOWN = new LlmCost(false, 0, null, false);

	/** The cost of what is not billed. */
	public static final LlmCost NONE = new LlmCost(true, 0, null, false);

	private static final int PICO_SCALE = 12;

	private final boolean known;

	private final long picoUnits;

	@Nullable
	private final String currency;

	private final boolean estimated;

	private LlmCost(boolean known, long picoUnits, @Nullable String currency, boolean estimated) {
		this.known = known;
		this.picoUnits = picoUnits;
		this.currency = currency;
		this.estimated = estimated;
	}

	/**
	 * Return a known cost.
	 * @param picoUnits the amount in pico-units of the currency, not negative
	 * @param currency the currency, such as {@code USD}
	 * @param estimated whether the amount is an estimate rather than computed from the
	 * usage the provider reported
	 * @return the cost
	 */
	public static LlmCost ofPicoUnits(long picoUnits, String currency, boolean estimated) {
		if (picoUnits < 0) {
			throw new IllegalArgumentException("A cost must not be negative");
		}
		return new LlmCost(true, picoUnits, currency, estimated);
	}

	/**
	 * Return a known cost.
	 * @param amount the amount, not negative; digits beyond the twelfth decimal place are
	 * rounded up
	 * @param currency the currency, such as {@code USD}
	 * @return the cost
	 */
	public static LlmCost of(BigDecimal amount, String currency) {
		return ofPicoUnits(amount.movePointRight(PICO_SCALE).setScale(0, RoundingMode.CEILING).longValueExact(),
				currency, false);
	}

	/**
	 * Return whether the cost is known.
	 * @return {@code false} for a call of a model without prices, or a sum with such a
	 * call in it
	 */
	public boolean isKnown() {
		return this.known;
	}

	/**
	 * Return the amount.
	 * @return the amount in the currency's unit, zero for {@link #NONE}, {@code null} if
	 * the cost is unknown
	 */
	@Nullable
	public BigDecimal amount() {
		return this.known ? BigDecimal.valueOf(this.picoUnits, PICO_SCALE).stripTrailingZeros() : null;
	}

	/**
	 * Return the amount in pico-units (10<sup>-12</sup>) of the currency.
	 * @return the amount, 0 if the cost is unknown
	 */
	public long picoUnits() {
		return this.picoUnits;
	}

	/**
	 * Return the currency.
	 * @return the currency, such as {@code USD}, or {@code null} for {@link #NONE} and
	 * {@link #UNKNOWN}
	 */
	@Nullable
	public String currency() {
		return this.currency;
	}

	/**
	 * Return whether the amount is, at least in part, an estimate: what a stream that
	 * broke off after its content began was billed, since the provider's usage never
	 * came.
	 * @return {@code true} for an estimate
	 */
	public boolean isEstimated() {
		return this.estimated;
	}

	/**
	 * Return this cost marked as an estimate.
	 * @return the cost
	 */
	public LlmCost asEstimate() {
		return (this.estimated || !this.known) ? this : new LlmCost(true, this.picoUnits, this.currency, true);
	}

	/**
	 * Add another cost to this one. A sum with an unknown part is unknown, and so is a
	 * sum of costs in two currencies.
	 * @param other the cost to add
	 * @return the sum
	 */
	public LlmCost plus(LlmCost other) {
		if (!this.known || !other.known) {
			return UNKNOWN;
		}
		if (other.picoUnits == 0 && other.currency == null) {
			return this;
		}
		if (this.picoUnits == 0 && this.currency == null) {
			return other;
		}
		if (this.currency != null && other.currency != null && !this.currency.equals(other.currency)) {
			return UNKNOWN;
		}
		long sum = (other.picoUnits > Long.MAX_VALUE - this.picoUnits) ? Long.MAX_VALUE
				: this.picoUnits + other.picoUnits;
		return new LlmCost(true, sum, (this.currency != null) ? this.currency : other.currency,
				this.estimated || other.estimated);
	}

	@Override
	public boolean equals(Object obj) {
		if (this == obj) {
			return true;
		}
		return obj instanceof LlmCost other && this.known == other.known && this.picoUnits == other.picoUnits
				&& Objects.equals(this.currency, other.currency) && this.estimated == other.estimated;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.known, this.picoUnits, this.currency, this.estimated);
	}

	@Override
	public String toString() {
		if (!this.known) {
			return "unknown";
		}
		if (this.currency == null) {
			return "0";
		}
		return amount().toPlainString() + " " + this.currency + (this.estimated ? " (estimated)" : "");
	}

}
