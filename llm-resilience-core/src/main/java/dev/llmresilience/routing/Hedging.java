package dev.llmresilience.routing;

import java.time.Duration;
import java.util.Arrays;

/**
 * The hedging of one model: its delay, from its settings or from the latencies it has
 * seen, and its budget. Every attempt adds its share to the budget and every hedge takes
 * a whole one, so that hedges never exceed the share of the attempts made, however many
 * fail; a few may be saved up for a burst.
 */
public final class Hedging {

	/** The latencies kept for the percentile. */
	private static final int SAMPLES = 128;

	/** The latencies needed before the percentile replaces the fixed delay. */
	private static final int MIN_SAMPLES = 20;

	/** The percentile is computed again after this many new latencies. */
	private static final int RECOMPUTE_EVERY = 16;

	private final HedgingSettings settings;

	/** A hedge's cost in the budget's units, in which shares add up exactly. */
	private static final long HEDGE = 1000;

	private final long share;

	private final long maxSaved;

	private final long[] samples = new long[SAMPLES];

	private int sampleCount;

	private int sinceComputed;

	private volatile Duration delay;

	private long budget;

	/**
	 * Create a new instance.
	 * @param settings the settings
	 */
	public Hedging(HedgingSettings settings) {
		this.settings = settings;
		this.share = Math.max(1, Math.round(settings.maxShare() * HEDGE));
		this.maxSaved = Math.max(HEDGE, this.share * 10);
		this.delay = settings.delay();
	}

	/**
	 * Return the settings.
	 * @return the settings
	 */
	public HedgingSettings settings() {
		return this.settings;
	}

	/**
	 * Return how long an attempt runs without content before it is hedged.
	 * @return the delay
	 */
	public Duration delay() {
		return this.delay;
	}

	/**
	 * Note that an attempt starts: it adds its share to the budget.
	 */
	public synchronized void attempted() {
		this.budget = Math.min(this.maxSaved, this.budget + this.share);
	}

	/**
	 * Take a hedge from the budget.
	 * @return whether the budget allows one
	 */
	public synchronized boolean tryHedge() {
		if (this.budget < HEDGE) {
			return false;
		}
		this.budget -= HEDGE;
		return true;
	}

	/**
	 * Note the time to first content of an attempt, for the percentile.
	 * @param latency the time
	 */
	public void measured(Duration latency) {
		if (this.settings.percentile() == 0) {
			return;
		}
		long[] sorted = null;
		synchronized (this) {
			this.samples[this.sampleCount % SAMPLES] = latency.toNanos();
			this.sampleCount++;
			this.sinceComputed++;
			if (this.sampleCount >= MIN_SAMPLES && this.sinceComputed >= RECOMPUTE_EVERY) {
				this.sinceComputed = 0;
				sorted = Arrays.copyOf(this.samples, Math.min(this.sampleCount, SAMPLES));
			}
		}
		if (sorted != null) {
			Arrays.sort(sorted);
			int index = (int) Math.ceil(this.settings.percentile() / 100 * sorted.length) - 1;
			this.delay = Duration.ofNanos(Math.max(1, sorted[Math.max(0, index)]));
		}
	}

}
