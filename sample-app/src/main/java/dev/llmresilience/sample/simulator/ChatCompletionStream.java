package dev.llmresilience.sample.simulator;

import java.time.Duration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import reactor.core.publisher.Flux;

import org.springframework.lang.Nullable;

/**
 * The server-sent events of a streamed Chat Completions answer: {@code data:} lines
 * without event names, a {@code chat.completion.chunk} each, spaced like a model
 * generating them. The first chunk gives the role (and the tool call's id and name), each
 * further one a piece of the text or of the call's arguments, the last one of the choice
 * its finish reason; then, if asked for, a chunk with the usage; then
 * {@code data: [DONE]}.
 */
final class ChatCompletionStream {

	/** The data of the event that ends a stream that did not fail. */
	static final String DONE = "[DONE]";

	private final String id;

	private final long created;

	private final ChatCompletionsRequest request;

	private final SimulatedAnswer answer;

	private ChatCompletionStream(String id, long created, ChatCompletionsRequest request, SimulatedAnswer answer) {
		this.id = id;
		this.created = created;
		this.request = request;
		this.answer = answer;
	}

	/**
	 * Return the events of a complete answer.
	 * @param id the completion's id
	 * @param created when it was created, in seconds since the epoch
	 * @param request the request
	 * @param answer the answer
	 * @param chunkInterval the time before each piece
	 * @return the events, each in the SSE wire format, ending with {@code [DONE]}
	 */
	static Flux<String> complete(String id, long created, ChatCompletionsRequest request, SimulatedAnswer answer,
			Duration chunkInterval) {
		ChatCompletionStream stream = new ChatCompletionStream(id, created, request, answer);
		String finish = stream.chunk(ChatCompletionsWireFormat.lastDelta(),
				ChatCompletionsWireFormat.finishReason(answer));
		Flux<String> usage = request.includeUsage() ? Flux.just(stream.usage()) : Flux.empty();
		return Flux.concat(stream.pieces(false, chunkInterval), Flux.just(finish), usage, Flux.just(event(DONE)));
	}

	/**
	 * Return the events of an answer that breaks off: the first half of its pieces, then
	 * an error, without {@code [DONE]}.
	 * @param id the completion's id
	 * @param created when it was created, in seconds since the epoch
	 * @param request the request
	 * @param answer the answer
	 * @param chunkInterval the time before each piece
	 * @return the events, each in the SSE wire format, ending with the error
	 */
	static Flux<String> brokenOff(String id, long created, ChatCompletionsRequest request, SimulatedAnswer answer,
			Duration chunkInterval) {
		ChatCompletionStream stream = new ChatCompletionStream(id, created, request, answer);
		return Flux.concat(stream.pieces(true, chunkInterval), Flux.just(event(
				ChatCompletionsWireFormat.error(SimulatedFailure.OVERLOADED.message(), "server_error", null, null))));
	}

	private Flux<String> pieces(boolean breaksOff, Duration chunkInterval) {
		return Flux.concat(Flux.just(chunk(ChatCompletionsWireFormat.firstDelta(this.answer), null)),
				SimulatedAnswer.paced(this.answer.chunksSent(breaksOff), chunkInterval)
					.map((piece) -> chunk(ChatCompletionsWireFormat.delta(this.answer, piece), null)));
	}

	private String chunk(ObjectNode delta, @Nullable String finishReason) {
		return event(ChatCompletionsWireFormat.chunk(this.id, this.created, this.request.request().model(), delta,
				finishReason, this.request.includeUsage()));
	}

	private String usage() {
		SimulatedRequest request = this.request.request();
		return event(ChatCompletionsWireFormat.usageChunk(this.id, this.created, request.model(), request.inputTokens(),
				this.answer.outputTokens()));
	}

	private static String event(Object data) {
		return "data: " + data + "\n\n";
	}

}
