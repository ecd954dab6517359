package dev.llmresilience.cluster;

import java.time.Instant;

import org.springframework.lang.Nullable;

/**
 * Whether rate budgets and holds are shared with the other replicas, since when, and why
 * not.
 *
 * @param mode {@code shared} or {@code local}
 * @param since when this replica switched to the current mode
 * @param reason why they are not shared, {@code null} while they are
 */
public record ClusterStatus(String mode, Instant since, @Nullable String reason) {

	/**
	 * Return the status of shared budgets.
	 * @param since when they became shared
	 * @return the status
	 */
	public static ClusterStatus shared(Instant since) {
		return new ClusterStatus("shared", since, null);
	}

	/**
	 * Return the status of local budgets.
	 * @param since when they became local
	 * @param reason why
	 * @return the status
	 */
	public static ClusterStatus local(Instant since, String reason) {
		return new ClusterStatus("local", since, reason);
	}

	/**
	 * Return whether budgets and holds are shared.
	 * @return {@code true} if shared
	 */
	public boolean isShared() {
		return "shared".equals(this.mode);
	}

}
