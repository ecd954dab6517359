package dev.llmresilience.autoconfigure;

import java.time.Duration;

import dev.llmresilience.queue.RequestQueue;

import org.springframework.context.SmartLifecycle;

/**
 * Shuts the {@link RequestQueue} down when the application context stops or closes: after
 * the web server's graceful shutdown, so that the requests it drains can still be served,
 * and before the HTTP clients' resources are released. A context started again opens the
 * queue again.
 */
class RequestQueueLifecycle implements SmartLifecycle {

	/** Stops after the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}). */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

	private final RequestQueue queue;

	private final Duration grace;

	private volatile boolean running;

	RequestQueueLifecycle(RequestQueue queue, Duration grace) {
		this.queue = queue;
		this.grace = grace;
	}

	@Override
	public void start() {
		// a context stopped and started again (as the test framework does with the
		// contexts it caches) admits requests again
		this.queue.reopen();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.queue.shutdown(this.grace).block();
	}

	@Override
	public void stop(Runnable callback) {
		this.running = false;
		this.queue.shutdown(this.grace).doFinally((signal) -> callback.run()).subscribe();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
