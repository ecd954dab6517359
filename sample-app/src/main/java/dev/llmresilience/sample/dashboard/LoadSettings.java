package dev.llmresilience.sample.dashboard;

import org.springframework.web.server.ServerWebInputException;

/**
 * A run of the {@link LoadGenerator}: how many requests a second, for how long, streamed
 * or not.
 *
 * @param requestsPerSecond requests started each second, 1 to
 * {@value #MAX_REQUESTS_PER_SECOND}
 * @param seconds how long to keep sending, 1 to {@value #MAX_SECONDS}
 * @param stream whether to stream the answers rather than call for them whole
 */
record LoadSettings(int requestsPerSecond, int seconds, boolean stream) {

	/** Highest rate; the simulator and the queue keep up with it on a laptop. */
	static final int MAX_REQUESTS_PER_SECOND = 200;

	/** Longest run, so a forgotten load generator stops by itself. */
	static final int MAX_SECONDS = 600;

	/**
	 * Check the settings.
	 * @return these settings
	 * @throws ServerWebInputException (400) if a value is out of range
	 */
	LoadSettings validated() {
		if (this.requestsPerSecond < 1 || this.requestsPerSecond > MAX_REQUESTS_PER_SECOND) {
			throw new ServerWebInputException("'requestsPerSecond' must be between 1 and " + MAX_REQUESTS_PER_SECOND);
		}
		if (this.seconds < 1 || this.seconds > MAX_SECONDS) {
			throw new ServerWebInputException("'seconds' must be between 1 and " + MAX_SECONDS);
		}
		return this;
	}

}
