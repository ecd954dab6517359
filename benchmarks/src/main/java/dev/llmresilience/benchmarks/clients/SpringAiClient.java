package dev.llmresilience.benchmarks.clients;

import java.net.URI;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.ai.anthropic.AnthropicChatModel;
import org.springframework.ai.anthropic.AnthropicChatOptions;
import org.springframework.ai.anthropic.api.AnthropicApi;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.retry.RetryUtils;

/**
 * Spring AI's {@link AnthropicChatModel} with its default retry template, pointed at the
 * stub. Its {@code call()} is blocking ({@code RestClient} under a
 * {@code RetryTemplate}), so each concurrent call needs a thread; its {@code stream()} is
 * reactive ({@code WebClient}) and, as Spring AI documents, is not retried.
 */
public final class SpringAiClient implements LlmClientUnderTest {

	private final AnthropicChatModel chatModel;

	/**
	 * Create a client.
	 * @param baseUrl the stub's root URL
	 */
	public SpringAiClient(URI baseUrl) {
		AnthropicApi api = AnthropicApi.builder()
			.baseUrl(baseUrl.toString())
			.apiKey(Workload.API_KEY)
			.anthropicVersion(Workload.ANTHROPIC_VERSION)
			.build();
		this.chatModel = AnthropicChatModel.builder()
			.anthropicApi(api)
			.defaultOptions(AnthropicChatOptions.builder().model(Workload.MODEL).maxTokens(Workload.MAX_TOKENS).build())
			.retryTemplate(RetryUtils.DEFAULT_RETRY_TEMPLATE)
			.build();
	}

	@Override
	public String name() {
		return "Spring AI";
	}

	@Override
	public Mono<String> call() {
		return Mono
			.fromCallable(() -> this.chatModel.call(new Prompt(Workload.PROMPT)).getResult().getOutput().getText());
	}

	@Override
	public Flux<String> stream() {
		return this.chatModel.stream(new Prompt(Workload.PROMPT)).mapNotNull(SpringAiClient::text);
	}

	private static String text(ChatResponse response) {
		return (response.getResult() != null) ? response.getResult().getOutput().getText() : null;
	}

	@Override
	public boolean blocksOnCall() {
		return true;
	}

}
