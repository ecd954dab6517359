package dev.llmresilience.provider;

import reactor.core.publisher.SynchronousSink;

import org.springframework.http.codec.ServerSentEvent;

/**
 * Reads one streamed response: turns its server-sent events into elements and, once the
 * stream has ended, gives the final element. One instance serves one response, so it may
 * keep state.
 *
 * @param <T> the element type
 */
public interface EventStreamReader<T> {

	/**
	 * Read one event: emit any number of elements, complete the sink at the provider's
	 * terminal event, or fail it on an error event.
	 * @param event the event; its data is {@code null} for comments
	 * @param sink where to emit
	 */
	void accept(ServerSentEvent<String> event, SynchronousSink<T> sink);

	/**
	 * Return the final element, after the events are read.
	 * @return the element
	 * @throws dev.llmresilience.error.LlmException if the stream ended before its
	 * terminal event
	 */
	T complete();

}
