package dev.llmresilience.benchmarks.clients;

/**
 * The request every client sends: one user message to one model, with the same output
 * limit, so that the stub receives the same work whoever asks.
 */
public final class Workload {

	/** The model name sent upstream. */
	public static final String MODEL = "claude-bench";

	/** The user message. */
	public static final String PROMPT = "Write one sentence about resilient systems.";

	/** The output token limit. */
	public static final int MAX_TOKENS = 256;

	/** The API key sent to the stub, which ignores it. */
	public static final String API_KEY = "bench-key-not-a-secret";

	/** The {@code anthropic-version} header. */
	public static final String ANTHROPIC_VERSION = "2023-06-01";

	private Workload() {
	}

}
