package dev.llmresilience.benchmarks.clients;

import java.net.URI;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.ai.anthropic.AnthropicChatModel;
import org.springframework.ai.anthropic.AnthropicChatOptions;
import org.springframework.ai.anthropic.api.AnthropicApi;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.retry.RetryUtils;

/**
 * A Spring AI {@link ChatModel} asked for the benchmark's prompt. Spring AI's
 * {@code call()} is blocking, so each concurrent call needs a thread; {@code stream()} is
 * reactive.
 */
public final class SpringAiClient implements LlmClientUnderTest {

	private final String name;

	private final ChatModel chatModel;

	private final Prompt prompt;

	private SpringAiClient(String name, ChatModel chatModel, Prompt prompt) {
		this.name = name;
		this.chatModel = chatModel;
		this.prompt = prompt;
	}

	/**
	 * Return Spring AI's {@link AnthropicChatModel} with its default retry template,
	 * pointed at the stub: {@code RestClient} under a {@code RetryTemplate} for calls,
	 * {@code WebClient} for streams, which, as Spring AI documents, are not retried.
	 * @param baseUrl the stub's root URL
	 * @return the client
	 */
	public static SpringAiClient anthropic(URI baseUrl) {
		AnthropicApi api = AnthropicApi.builder()
			.baseUrl(baseUrl.toString())
			.apiKey(Workload.API_KEY)
			.anthropicVersion(Workload.ANTHROPIC_VERSION)
			.build();
		return new SpringAiClient("Spring AI", AnthropicChatModel.builder()
			.anthropicApi(api)
			.defaultOptions(AnthropicChatOptions.builder().model(Workload.MODEL).maxTokens(Workload.MAX_TOKENS).build())
			.retryTemplate(RetryUtils.DEFAULT_RETRY_TEMPLATE)
			.build(), new Prompt(Workload.PROMPT));
	}

	/**
	 * Return a chat model of the application's, such as the bridge's
	 * {@code llmResilienceChatModel}, asked with portable options.
	 * @param name the name the report uses
	 * @param chatModel the chat model
	 * @return the client
	 */
	public static SpringAiClient of(String name, ChatModel chatModel) {
		return new SpringAiClient(name, chatModel,
				new Prompt(Workload.PROMPT, ChatOptions.builder().maxTokens(Workload.MAX_TOKENS).build()));
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public Mono<String> call() {
		return Mono.fromCallable(() -> this.chatModel.call(this.prompt).getResult().getOutput().getText());
	}

	@Override
	public Flux<String> stream() {
		return this.chatModel.stream(this.prompt).mapNotNull(SpringAiClient::text);
	}

	private static String text(ChatResponse response) {
		return (response.getResult() != null) ? response.getResult().getOutput().getText() : null;
	}

	@Override
	public boolean blocksOnCall() {
		return true;
	}

}
