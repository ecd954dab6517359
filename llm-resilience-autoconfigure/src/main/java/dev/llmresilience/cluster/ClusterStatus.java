package dev.llmresilience.cluster;

import java.time.Instant;

import org.springframework.lang.Nullable;

/**
 * Whether rate budgets and holds are shared with the other replicas, since when, and why not.
 *
 * @param shared whether budgets and holds are shared
 * @param since when this replica switched to the current mode
 * @param reason why they are not shared, {@code null} while they are
 */
public record ClusterStatus(boolean shared, Instant since, @Nullable String reason) {

	/**
	 * Return the mode as a word.
	 * @return {@code shared} or {@code local}
	 */
	public String mode() {
		return this.shared ? "shared" : "local";
	}

}
