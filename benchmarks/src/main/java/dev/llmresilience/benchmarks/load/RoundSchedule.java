package dev.llmresilience.benchmarks.load;

import java.time.Duration;

/**
 * How long clients are compared: an unmeasured warm-up per client, then rounds in which
 * every client runs once, in an order that turns each round.
 *
 * @param warmUp the unmeasured run of each client before the rounds
 * @param rounds the number of measured rounds
 * @param round the length of one client's run in one round
 */
public record RoundSchedule(Duration warmUp, int rounds, Duration round) {

	/**
	 * Return the schedule with every duration divided, for a quick trial of the harness.
	 * @param divisor the divisor
	 * @return the shorter schedule
	 */
	public RoundSchedule shortenedBy(int divisor) {
		return new RoundSchedule(this.warmUp.dividedBy(divisor), Math.max(2, this.rounds / divisor),
				this.round.dividedBy(divisor));
	}

}
