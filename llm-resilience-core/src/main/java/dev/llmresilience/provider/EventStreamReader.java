package dev.llmresilience.provider;

import java.util.function.Consumer;

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
	 * Read one event. An event may make any number of elements: one chunk of a Chat
	 * Completions stream may hold reasoning, text and the pieces of several tool calls.
	 * @param event the event; its data is {@code null} for comments
	 * @param emit takes the elements the event makes, in order
	 * @return whether this was the provider's terminal event, after which nothing more is
	 * read
	 * @throws dev.llmresilience.error.LlmException for an error event or an event that
	 * cannot be read
	 */
	boolean read(ServerSentEvent<String> event, Consumer<T> emit);

	/**
	 * Return the final element, after the events are read.
	 * @return the element
	 * @throws dev.llmresilience.error.LlmException if the stream ended before its
	 * terminal event
	 */
	T complete();

}
