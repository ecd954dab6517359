package dev.llmresilience.benchmarks.load;

import org.HdrHistogram.Histogram;

/**
 * What a load achieved.
 *
 * @param completed requests that ended with an answer
 * @param failed requests that ended with an error
 * @param elapsedNanos time from the first request's start to the last one's end
 * @param latency nanoseconds from the start of each completed request to its end
 * @param firstElement nanoseconds from the start of each request to its first element
 * (the first text of a stream)
 * @param firstError the first error seen, or {@code null}
 */
public record LoadResult(long completed, long failed, long elapsedNanos, Histogram latency, Histogram firstElement,
		Throwable firstError) {

}
