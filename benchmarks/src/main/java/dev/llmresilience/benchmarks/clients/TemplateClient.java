package dev.llmresilience.benchmarks.clients;

import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * llm-resilience: the auto-configured {@link LlmTemplate}, with its queue, retry, circuit
 * breaker, fallback chain and observation, as an application gets it from the starter.
 */
public final class TemplateClient implements LlmClientUnderTest {

	private final String name;

	private final LlmTemplate template;

	/**
	 * Create a client named {@code llm-resilience}.
	 * @param template the template to call
	 */
	public TemplateClient(LlmTemplate template) {
		this("llm-resilience", template);
	}

	/**
	 * Create a client.
	 * @param name the name the report uses, for a template configured differently
	 * @param template the template to call
	 */
	public TemplateClient(String name, LlmTemplate template) {
		this.name = name;
		this.template = template;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public Mono<String> call() {
		return this.template.call(request()).map(LlmResponse::text);
	}

	@Override
	public Flux<String> stream() {
		return this.template.stream(request())
			.ofType(LlmStreamEvent.TextDelta.class)
			.map(LlmStreamEvent.TextDelta::text);
	}

	private static LlmRequest request() {
		return LlmRequest.builder().user(Workload.PROMPT).maxTokens(Workload.MAX_TOKENS).build();
	}

}
