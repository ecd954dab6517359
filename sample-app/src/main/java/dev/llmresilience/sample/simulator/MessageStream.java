package dev.llmresilience.sample.simulator;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import reactor.core.publisher.Flux;

/**
 * The server-sent events of a streamed answer, in the order the Messages API sends them,
 * with the deltas (of text, or of a tool call's input) spaced like a model generating
 * them.
 */
final class MessageStream {

	/**
	 * Real streams carry an occasional ping; one after every few deltas keeps clients
	 * honest.
	 */
	private static final int DELTAS_PER_PING = 5;

	private MessageStream() {
	}

	/**
	 * Return the events of a complete answer.
	 * @param id the message id
	 * @param request the request
	 * @param answer the answer
	 * @param chunkInterval the time before each text delta
	 * @return the events, ending with {@code message_stop}
	 */
	static Flux<Event> complete(String id, SimulatedRequest request, SimulatedAnswer answer, Duration chunkInterval) {
		return Flux.concat(head(id, request, answer), deltas(answer, answer.chunksSent(false), chunkInterval),
				Flux.just(new Event(MessagesWireFormat.contentBlockStop()),
						new Event(MessagesWireFormat.messageDelta(answer.stopReason(), answer.outputTokens())),
						new Event(MessagesWireFormat.messageStop())));
	}

	/**
	 * Return the events of an answer that breaks off: the first half of the text, then an
	 * {@code overloaded_error} event.
	 * @param id the message id
	 * @param request the request
	 * @param answer the answer
	 * @param chunkInterval the time before each text delta
	 * @return the events, ending with {@code error}
	 */
	static Flux<Event> brokenOff(String id, SimulatedRequest request, SimulatedAnswer answer, Duration chunkInterval) {
		return Flux.concat(head(id, request, answer), deltas(answer, answer.chunksSent(true), chunkInterval),
				Flux.just(new Event(MessagesWireFormat.error(SimulatedFailure.OVERLOADED.errorType(),
						SimulatedFailure.OVERLOADED.message()))));
	}

	private static Flux<Event> head(String id, SimulatedRequest request, SimulatedAnswer answer) {
		return Flux.just(new Event(MessagesWireFormat.messageStart(id, request.model(), request.inputTokens())),
				new Event(MessagesWireFormat.contentBlockStart(answer)), new Event(MessagesWireFormat.ping()));
	}

	private static Flux<Event> deltas(SimulatedAnswer answer, List<String> chunks, Duration chunkInterval) {
		return SimulatedAnswer.paced(chunks, chunkInterval).index().concatMap((indexed) -> {
			Event delta = new Event(MessagesWireFormat.delta(answer, indexed.getT2()));
			long index = indexed.getT1();
			boolean ping = (index + 1) % DELTAS_PER_PING == 0 && index < chunks.size() - 1;
			return ping ? Flux.just(delta, new Event(MessagesWireFormat.ping())) : Flux.just(delta);
		});
	}

	/**
	 * One server-sent event; its name is the {@code type} of its data, as in the real
	 * API.
	 *
	 * @param data the JSON data
	 */
	record Event(JsonNode data) {

		String name() {
			return this.data.path("type").asText();
		}

		/**
		 * Return the event in the SSE wire format.
		 * @return the {@code event:} and {@code data:} lines and the blank line after
		 * them
		 */
		String toSse() {
			return "event: " + name() + "\ndata: " + this.data + "\n\n";
		}

	}

}
