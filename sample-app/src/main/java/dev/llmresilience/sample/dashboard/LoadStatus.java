package dev.llmresilience.sample.dashboard;

import java.time.Instant;

import org.springframework.lang.Nullable;

/**
 * What the {@link LoadGenerator} is doing, or did last.
 *
 * @param running whether requests are still being sent or awaited
 * @param settings the settings of the run, or {@code null} before the first
 * @param startedAt when the run started, or {@code null}
 * @param sent requests sent so far
 * @param answered requests answered, by any model
 * @param fallbacks of those, the ones answered by a later model of the chain
 * @param failed requests that ended with an error
 * @param dropped requests not sent because too many were still unanswered
 */
record LoadStatus(boolean running, @Nullable LoadSettings settings, @Nullable Instant startedAt, long sent,
		long answered, long fallbacks, long failed, long dropped) {

	static final LoadStatus IDLE = new LoadStatus(false, null, null, 0, 0, 0, 0, 0);

}
