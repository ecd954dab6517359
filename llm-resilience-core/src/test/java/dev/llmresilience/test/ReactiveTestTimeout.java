package dev.llmresilience.test;

import java.time.Duration;

/**
 * How long a test waits for a publisher before it fails, so that a publisher that never
 * ends fails its test instead of hanging the build. Use it as
 * {@code StepVerifier...expectComplete().verify(TIMEOUT)} in place of
 * {@code verifyComplete()}, and as {@code block(TIMEOUT)}; {@code TestArchitectureTests}
 * in each module reject a {@code StepVerifier} verification without a timeout.
 */
public final class ReactiveTestTimeout {

	/**
	 * The usual bound: far longer than any of the tests takes on a busy build machine,
	 * since it only ever runs out when a publisher hangs. On virtual time it is still
	 * real time.
	 */
	public static final Duration TIMEOUT = Duration.ofSeconds(10);

	private ReactiveTestTimeout() {
	}

}
