package dev.llmresilience.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.lang.Nullable;

/**
 * Whether this replica shares its budgets and holds through Redis or keeps them local.
 * The first operation that fails or is too slow switches it to local at once, so that
 * Redis never blocks nor fails a call; a probe, run at a fixed interval while started,
 * checks that Redis answers while shared, and reconnects and switches back to shared once
 * it answers again. Each switch is logged once.
 */
final class SharingMode {

	// the entry point's name, which applications set the level of these messages by
	private static final Log logger = LogFactory.getLog(RedisRateLimitSharing.class);

	private static final int MAX_REASON_LENGTH = 200;

	private final Clock clock;

	private final Duration probeInterval;

	private final Supplier<Mono<Void>> ping;

	private final Supplier<Mono<Void>> reconnect;

	/**
	 * Counts the switches, and tells the mode in one read: odd while shared, even while
	 * local.
	 */
	private volatile long generation;

	private volatile ClusterStatus status;

	private boolean warned;

	@Nullable
	private Disposable probe;

	@Nullable
	private Scheduler probeScheduler;

	/**
	 * Create a mode that is local until started and Redis has answered.
	 * @param clock the clock that switches are told in
	 * @param probeInterval how often the probe runs
	 * @param ping checks, while shared, that Redis still answers in time
	 * @param reconnect connects to Redis again, while local, to share once it completes
	 */
	SharingMode(Clock clock, Duration probeInterval, Supplier<Mono<Void>> ping, Supplier<Mono<Void>> reconnect) {
		this.clock = clock;
		this.probeInterval = probeInterval;
		this.ping = ping;
		this.reconnect = reconnect;
		this.status = ClusterStatus.local(clock.instant(), "not connected yet");
	}

	/**
	 * Return whether budgets and holds are shared now.
	 * @return {@code true} if shared through Redis, {@code false} if local
	 */
	boolean isShared() {
		return isShared(this.generation);
	}

	/**
	 * Return whether a generation is one of sharing.
	 * @param generation the generation
	 * @return {@code true} if budgets were shared in it
	 */
	static boolean isShared(long generation) {
		return (generation & 1) != 0;
	}

	/**
	 * Return the number of switches between shared and local so far: odd while shared.
	 * Read before an operation that may take from Redis or from the local budgets, it
	 * tells afterwards whether the mode has changed since.
	 * @return the generation
	 */
	long generation() {
		return this.generation;
	}

	/**
	 * Return the mode, since when, and why budgets are local.
	 * @return the status
	 */
	ClusterStatus status() {
		return this.status;
	}

	/**
	 * Switch to local budgets because Redis failed or was too slow. Logged once per
	 * outage.
	 * @param error what went wrong
	 */
	void unreachable(Throwable error) {
		String reason = reason(error);
		synchronized (this) {
			boolean wasShared = isShared();
			if (wasShared) {
				this.generation++;
			}
			this.status = ClusterStatus.local(wasShared ? this.clock.instant() : this.status.since(), reason);
			if (this.warned) {
				return;
			}
			this.warned = true;
		}
		logger.warn("Redis is unreachable (" + reason + "): rate and spend budgets are this replica's own, and"
				+ " rate-limit holds are not shared, until it answers again");
	}

	private void nowShared() {
		synchronized (this) {
			if (!isShared()) {
				this.generation++;
			}
			this.warned = false;
			this.status = ClusterStatus.shared(this.clock.instant());
		}
		logger.info("Rate budgets, spend budgets and rate-limit holds are shared through Redis");
	}

	private static String reason(Throwable error) {
		String reason = (error instanceof TimeoutException) ? "no answer within the timeout"
				: error.getClass().getSimpleName() + ((error.getMessage() != null) ? ": " + error.getMessage() : "");
		return (reason.length() > MAX_REASON_LENGTH) ? reason.substring(0, MAX_REASON_LENGTH) + "..." : reason;
	}

	/**
	 * Start the probe, at once and then at every interval, unless it runs.
	 */
	void start() {
		synchronized (this) {
			if (this.probe != null) {
				return;
			}
			Scheduler scheduler = Schedulers.newSingle("llm-redis-probe", true);
			this.probeScheduler = scheduler;
			this.probe = Flux.interval(Duration.ZERO, this.probeInterval, scheduler)
				.onBackpressureDrop()
				.concatMap((tick) -> probeOnce(), 1)
				.subscribe();
		}
	}

	private Mono<Void> probeOnce() {
		Mono<Void> probe = isShared() ? this.ping.get() : this.reconnect.get().then(Mono.fromRunnable(this::nowShared));
		return probe.onErrorResume((error) -> {
			unreachable(error);
			return Mono.empty();
		});
	}

	/**
	 * Stop the probe, cancelling a reconnection under way, and switch to local.
	 */
	void stop() {
		Disposable probe;
		Scheduler scheduler;
		synchronized (this) {
			probe = this.probe;
			scheduler = this.probeScheduler;
			this.probe = null;
			this.probeScheduler = null;
			if (isShared()) {
				this.generation++;
			}
			this.status = ClusterStatus.local(this.clock.instant(), "stopped");
		}
		if (probe != null) {
			probe.dispose();
		}
		if (scheduler != null) {
			scheduler.dispose();
		}
	}

	/**
	 * Return whether the probe runs.
	 * @return {@code true} between {@link #start()} and {@link #stop()}
	 */
	boolean isRunning() {
		return this.probe != null;
	}

}
