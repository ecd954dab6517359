package dev.llmresilience.routing;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * When and how much to hedge the attempts of a model: an attempt that has brought no
 * content (the answer of a call, the first event of a stream) after a delay is sent once
 * more, to another healthy deployment, and the first to bring content wins.
 *
 * @param delay the wait before a hedge is sent; with a percentile, the wait until enough
 * latencies were seen for it
 * @param percentile the percentile of the model's observed times to first content to wait
 * for instead, such as 95, or 0 for the fixed delay
 * @param maxHedges the most hedges sent for one request
 * @param maxShare the largest share of the model's attempts that may be hedged, so that
 * an incident cannot double the load
 */
public record HedgingSettings(Duration delay, double percentile, int maxHedges, double maxShare) {

	public HedgingSettings {
		Assert.isTrue(delay.compareTo(Duration.ZERO) > 0, "delay must be positive");
		Assert.isTrue(percentile >= 0 && percentile < 100, "percentile must be from 0 up to 100");
		Assert.isTrue(maxHedges >= 1, "maxHedges must be at least 1");
		Assert.isTrue(maxShare > 0 && maxShare <= 1, "maxShare must be above 0 and at most 1");
	}

}
