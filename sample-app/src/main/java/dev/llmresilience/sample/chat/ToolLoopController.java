package dev.llmresilience.sample.chat;

import java.util.ArrayList;
import java.util.List;

import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmTemplate;
import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A tool loop on top of {@link LlmTemplate}: the model is offered the
 * {@link WeatherTool}; each answer that calls it goes back into the conversation with the
 * tool's results, until the model answers with text. Every turn goes through the chain on
 * its own, so that a turn may be served by a fallback model, which gets the whole
 * conversation so far.
 */
@RestController
@RequestMapping("/api/chat")
class ToolLoopController {

	/** Turns after which the loop ends, whatever the model asks for. */
	static final int MAX_TURNS = 5;

	private final LlmTemplate template;

	ToolLoopController(LlmTemplate template) {
		this.template = template;
	}

	@PostMapping("/tools")
	Mono<ToolLoopResponse> chatWithTools(@RequestBody ChatRequest request) {
		return turn(request.toLlmRequest().mutate().tool(WeatherTool.definition()).build(), new ArrayList<>());
	}

	private Mono<ToolLoopResponse> turn(LlmRequest request, List<ToolLoopResponse.Turn> turns) {
		return this.template.call(request).flatMap((response) -> {
			turns.add(ToolLoopResponse.Turn.from(response));
			if (response.toolCalls().isEmpty() || turns.size() == MAX_TURNS) {
				return Mono.just(new ToolLoopResponse(ChatResponse.from(response), List.copyOf(turns)));
			}
			LlmContent[] results = response.toolCalls().stream().map(WeatherTool::run).toArray(LlmContent[]::new);
			return turn(request.mutate().message(response.toMessage()).user(results).build(), turns);
		});
	}

}
