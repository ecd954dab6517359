package dev.llmresilience.sample.chat;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.error.LlmException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Chat endpoints on top of {@link LlmTemplate}: one answer as JSON, or a stream of text
 * deltas as server-sent events.
 */
@RestController
@RequestMapping("/api/chat")
class ChatController {

	private static final Log logger = LogFactory.getLog(ChatController.class);

	private final LlmTemplate template;

	ChatController(LlmTemplate template) {
		this.template = template;
	}

	@PostMapping
	Mono<ChatResponse> chat(@RequestBody ChatRequest request) {
		return this.template.call(request.toLlmRequest()).map(ChatResponse::from);
	}

	/**
	 * Stream an answer: a {@code delta} event per piece of text, then a {@code done}
	 * event with the {@link ChatResponse}. A failure before the first event is an HTTP
	 * error like that of {@link #chat}; a failure after it can only end the stream, with
	 * an {@code error} event that carries the problem detail.
	 * @param request the question, from query parameters
	 * @return the events
	 */
	@GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<Object>> stream(ChatRequest request) {
		LlmRequest llmRequest = request.toLlmRequest();
		return Flux.defer(() -> {
			AtomicBoolean started = new AtomicBoolean();
			return this.template.stream(llmRequest)
				.map(ChatController::toEvent)
				.doOnNext((event) -> started.set(true))
				.onErrorResume(LlmException.class,
						(ex) -> started.get() ? Flux.just(toErrorEvent(ex)) : Flux.error(ex));
		});
	}

	private static ServerSentEvent<Object> toEvent(LlmStreamEvent event) {
		if (event instanceof LlmStreamEvent.TextDelta delta) {
			return ServerSentEvent.builder((Object) new Delta(delta.text())).event("delta").build();
		}
		LlmStreamEvent.Completion completion = (LlmStreamEvent.Completion) event;
		return ServerSentEvent.builder((Object) ChatResponse.from(completion.response())).event("done").build();
	}

	private static ServerSentEvent<Object> toErrorEvent(LlmException ex) {
		logger.warn("Stream broke off: " + ex.getMessage());
		return ServerSentEvent.builder((Object) LlmProblemDetails.of(ex)).event("error").build();
	}

	/**
	 * The data of a {@code delta} event. JSON rather than bare text, because SSE clients
	 * strip the first space after {@code data:}, and model deltas often start with one.
	 *
	 * @param text the new text
	 */
	record Delta(String text) {

	}

}
