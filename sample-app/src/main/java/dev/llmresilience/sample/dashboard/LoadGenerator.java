package dev.llmresilience.sample.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmTemplate;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.DisposableBean;

/**
 * Sends requests through {@link LlmTemplate} at a steady rate for a limited time, so that
 * the dashboard has traffic to show. One run at a time: starting a run stops the one
 * before, and stopping a run cancels its unanswered requests.
 */
class LoadGenerator implements DisposableBean {

	/**
	 * Unanswered requests allowed at once. Past it, a request is dropped rather than
	 * queued behind the others, so a stalled chain cannot pile up unbounded work.
	 */
	static final int MAX_IN_FLIGHT = 512;

	private final LlmTemplate template;

	private final Clock clock;

	private Run run;

	LoadGenerator(LlmTemplate template, Clock clock) {
		this.template = template;
		this.clock = clock;
	}

	/**
	 * Start a run, stopping the current one.
	 * @param settings the rate, duration and kind of requests
	 * @return the new run's status
	 */
	synchronized LoadStatus start(LoadSettings settings) {
		stop();
		this.run = new Run(settings, this.clock.instant());
		this.run.start();
		return this.run.status();
	}

	/**
	 * Stop the current run, if any, cancelling its unanswered requests.
	 * @return the status of the run
	 */
	synchronized LoadStatus stop() {
		if (this.run != null) {
			this.run.stop();
		}
		return status();
	}

	synchronized LoadStatus status() {
		return (this.run != null) ? this.run.status() : LoadStatus.IDLE;
	}

	@Override
	public void destroy() {
		stop();
	}

	private final class Run {

		private final LoadSettings settings;

		private final Instant startedAt;

		private final AtomicLong sent = new AtomicLong();

		private final AtomicLong answered = new AtomicLong();

		private final AtomicLong fallbacks = new AtomicLong();

		private final AtomicLong failed = new AtomicLong();

		private final AtomicLong dropped = new AtomicLong();

		private volatile boolean running = true;

		private Disposable subscription;

		Run(LoadSettings settings, Instant startedAt) {
			this.settings = settings;
			this.startedAt = startedAt;
		}

		void start() {
			Duration period = Duration.ofNanos(Duration.ofSeconds(1).toNanos() / this.settings.requestsPerSecond());
			this.subscription = Flux.interval(Duration.ZERO, period)
				.take((long) this.settings.requestsPerSecond() * this.settings.seconds())
				.onBackpressureDrop((tick) -> this.dropped.incrementAndGet())
				.flatMap(this::send, MAX_IN_FLIGHT)
				.doFinally((signal) -> this.running = false)
				.subscribe();
		}

		private Mono<Void> send(long number) {
			this.sent.incrementAndGet();
			LlmRequest request = LlmRequest.ofPrompt("Load request " + number);
			Mono<LlmResponse> answer = this.settings.stream() ? LoadGenerator.this.template.stream(request)
				.ofType(LlmStreamEvent.Completion.class)
				.last()
				.map(LlmStreamEvent.Completion::response) : LoadGenerator.this.template.call(request);
			return answer.doOnNext((response) -> {
				this.answered.incrementAndGet();
				if (response.fallback()) {
					this.fallbacks.incrementAndGet();
				}
			}).doOnError((ex) -> this.failed.incrementAndGet()).onErrorComplete().then();
		}

		void stop() {
			this.subscription.dispose();
			this.running = false;
		}

		LoadStatus status() {
			return new LoadStatus(this.running, this.settings, this.startedAt, this.sent.get(), this.answered.get(),
					this.fallbacks.get(), this.failed.get(), this.dropped.get());
		}

	}

}
