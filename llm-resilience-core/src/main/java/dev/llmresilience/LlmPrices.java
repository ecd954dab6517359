package dev.llmresilience;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * What a model's tokens cost, per million, as configured under
 * {@code llm.resilience.models.<id>.prices}: input, output, and the input tokens written
 * to and read from the provider's prompt cache, optionally with a long-context tier that
 * prices a whole call higher when its input is above a number of tokens. There is no
 * built-in price list: prices change, and differ by contract.
 * <p>
 * A call is priced from its {@link LlmUsage}, which counts the cached tokens as parts of
 * the input tokens for every provider: the input tokens neither written to nor read from
 * the cache are priced as input, the others at their cache price.
 */
public final class LlmPrices {

	/** Pico-units per token are the price per million tokens times a million. */
	private static final int PICO_PER_TOKEN_SCALE = 6;

	private final String currency;

	private final Rates rates;

	private final long longContextAbove;

	@Nullable
	private final Rates longContext;

	private final PicoRates basePicos;

	private final PicoRates longContextPicos;

	/**
	 * Create prices without a long-context tier.
	 * @param currency the currency of the prices, such as {@code USD}
	 * @param rates the prices per million tokens
	 */
	public LlmPrices(String currency, Rates rates) {
		this(currency, rates, Long.MAX_VALUE, null);
	}

	/**
	 * Create prices with a long-context tier.
	 * @param currency the currency of the prices, such as {@code USD}
	 * @param rates the prices per million tokens of calls whose input is at most
	 * {@code longContextAbove} tokens
	 * @param longContextAbove the input tokens, cached ones included, above which a call
	 * is priced at the long-context rates as a whole
	 * @param longContext the prices per million tokens of longer calls, or {@code null}
	 * for none
	 */
	public LlmPrices(String currency, Rates rates, long longContextAbove, @Nullable Rates longContext) {
		Assert.hasText(currency, "currency must not be empty");
		Assert.notNull(rates, "rates must not be null");
		Assert.isTrue(longContextAbove > 0, "longContextAbove must be positive");
		this.currency = currency;
		this.rates = rates;
		this.longContextAbove = (longContext != null) ? longContextAbove : Long.MAX_VALUE;
		this.longContext = longContext;
		this.basePicos = new PicoRates(rates);
		this.longContextPicos = (longContext != null) ? new PicoRates(longContext) : this.basePicos;
	}

	/**
	 * Return the currency of the prices.
	 * @return the currency
	 */
	public String currency() {
		return this.currency;
	}

	/**
	 * Return the prices of calls that are not long-context ones.
	 * @return the rates
	 */
	public Rates rates() {
		return this.rates;
	}

	/**
	 * Return the input tokens above which a call is priced at the long-context rates.
	 * @return the threshold, or {@code null} without a long-context tier
	 */
	@Nullable
	public Long longContextAbove() {
		return (this.longContext != null) ? this.longContextAbove : null;
	}

	/**
	 * Return the prices of long-context calls.
	 * @return the rates, or {@code null} without a long-context tier
	 */
	@Nullable
	public Rates longContext() {
		return this.longContext;
	}

	/**
	 * Return what a call cost: its uncached input tokens at the input price, the tokens
	 * written to and read from the prompt cache at their prices, and its output tokens at
	 * the output price, all at the long-context rates when its input tokens are above the
	 * tier's threshold.
	 * @param usage the usage the provider reported
	 * @return the cost
	 */
	public LlmCost cost(LlmUsage usage) {
		PicoRates rates = (usage.inputTokens() > this.longContextAbove) ? this.longContextPicos : this.basePicos;
		long cached = LlmUsage.sum(usage.cacheCreationInputTokens(), usage.cacheReadInputTokens());
		long uncached = Math.max(0, usage.inputTokens() - cached);
		long picos = LlmUsage.sum(times(uncached, rates.input),
				times(usage.cacheCreationInputTokens(), rates.cacheWrite),
				times(usage.cacheReadInputTokens(), rates.cacheRead), times(usage.outputTokens(), rates.output));
		return LlmCost.ofPicoUnits(picos, this.currency, false);
	}

	/**
	 * Return what a call is estimated to cost before it is made: every input token at the
	 * input price, since what the cache will hold is not known, and the output tokens at
	 * the output price.
	 * @param inputTokens the estimated input tokens
	 * @param outputTokens the most output tokens the call may make
	 * @return the estimate, in pico-units of the currency
	 */
	public long estimatePicoUnits(long inputTokens, long outputTokens) {
		PicoRates rates = (inputTokens > this.longContextAbove) ? this.longContextPicos : this.basePicos;
		return LlmUsage.sum(times(Math.max(0, inputTokens), rates.input),
				times(Math.max(0, outputTokens), rates.output));
	}

	/**
	 * Multiply a token count by a price in pico-units, at most {@link Long#MAX_VALUE}:
	 * absurd counts from a broken server must not wrap around.
	 */
	private static long times(long tokens, long picosPerToken) {
		long product = tokens * picosPerToken;
		return (Math.multiplyHigh(tokens, picosPerToken) != 0 || product < 0) ? Long.MAX_VALUE : product;
	}

	@Override
	public boolean equals(Object obj) {
		if (this == obj) {
			return true;
		}
		return obj instanceof LlmPrices other && this.currency.equals(other.currency) && this.rates.equals(other.rates)
				&& this.longContextAbove == other.longContextAbove
				&& Objects.equals(this.longContext, other.longContext);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.currency, this.rates, this.longContextAbove, this.longContext);
	}

	@Override
	public String toString() {
		return "LlmPrices{currency=" + this.currency + ", rates=" + this.rates
				+ ((this.longContext != null)
						? ", longContextAbove=" + this.longContextAbove + ", longContext=" + this.longContext : "")
				+ "}";
	}

	/**
	 * Prices per million tokens.
	 *
	 * @param input the price of a million input tokens neither written to nor read from
	 * the prompt cache
	 * @param output the price of a million output tokens, reasoning tokens included
	 * @param cacheWrite the price of a million input tokens written to the prompt cache,
	 * or {@code null} for the input price
	 * @param cacheRead the price of a million input tokens read from the prompt cache, or
	 * {@code null} for the input price
	 */
	public record Rates(BigDecimal input, BigDecimal output, @Nullable BigDecimal cacheWrite,
			@Nullable BigDecimal cacheRead) {

		public Rates {
			Assert.notNull(input, "input must not be null");
			Assert.notNull(output, "output must not be null");
			Assert.isTrue(input.signum() >= 0 && output.signum() >= 0, "Prices must not be negative");
			Assert.isTrue(cacheWrite == null || cacheWrite.signum() >= 0, "Prices must not be negative");
			Assert.isTrue(cacheRead == null || cacheRead.signum() >= 0, "Prices must not be negative");
		}

		/**
		 * Create rates whose cache writes and reads cost as much as input.
		 * @param input the price of a million input tokens
		 * @param output the price of a million output tokens
		 */
		public Rates(BigDecimal input, BigDecimal output) {
			this(input, output, null, null);
		}

	}

	/**
	 * Rates in pico-units of the currency per token.
	 */
	private static final class PicoRates {

		private final long input;

		private final long output;

		private final long cacheWrite;

		private final long cacheRead;

		PicoRates(Rates rates) {
			this.input = picosPerToken(rates.input());
			this.output = picosPerToken(rates.output());
			this.cacheWrite = (rates.cacheWrite() != null) ? picosPerToken(rates.cacheWrite()) : this.input;
			this.cacheRead = (rates.cacheRead() != null) ? picosPerToken(rates.cacheRead()) : this.input;
		}

		private static long picosPerToken(BigDecimal pricePerMillion) {
			return pricePerMillion.movePointRight(PICO_PER_TOKEN_SCALE)
				.setScale(0, RoundingMode.HALF_UP)
				.longValueExact();
		}

	}

}
