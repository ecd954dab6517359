package dev.llmresilience.sample.dashboard;

import java.time.Duration;

import reactor.core.publisher.Flux;

import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The data of the dashboard page: one snapshot, or a snapshot every second as server-sent
 * events.
 */
@RestController
@RequestMapping("/api/dashboard")
class DashboardController {

	private static final Duration PERIOD = Duration.ofSeconds(1);

	private final DashboardSnapshots snapshots;

	DashboardController(DashboardSnapshots snapshots) {
		this.snapshots = snapshots;
	}

	@GetMapping
	DashboardSnapshot snapshot() {
		return this.snapshots.take();
	}

	/**
	 * Stream a {@code snapshot} event now and every second after, until the client
	 * leaves.
	 * @return the events
	 */
	@GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<DashboardSnapshot>> stream() {
		return Flux.interval(Duration.ZERO, PERIOD)
			// A client that reads slowly misses snapshots rather than failing the stream.
			.onBackpressureDrop()
			.map((tick) -> ServerSentEvent.builder(this.snapshots.take()).event("snapshot").build());
	}

}
