package dev.llmresilience.benchmarks.clients;

import java.net.URI;
import java.util.Optional;

import com.anthropic.client.AnthropicClientAsync;
import com.anthropic.client.okhttp.AnthropicOkHttpClientAsync;
import com.anthropic.core.http.AsyncStreamResponse;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.TextDelta;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The official Anthropic Java SDK's asynchronous client (OkHttp, its default of two
 * retries), pointed at the stub with {@code baseUrl}.
 */
public final class AnthropicSdkClient implements LlmClientUnderTest, AutoCloseable {

	private final AnthropicClientAsync client;

	/**
	 * Create a client.
	 * @param baseUrl the stub's root URL
	 */
	public AnthropicSdkClient(URI baseUrl) {
		this.client = AnthropicOkHttpClientAsync.builder().baseUrl(baseUrl.toString()).apiKey(Workload.API_KEY).build();
	}

	@Override
	public String name() {
		return "Anthropic SDK";
	}

	@Override
	public Mono<String> call() {
		return Mono.fromFuture(() -> this.client.messages().create(params()))
			.map((message) -> message.content().get(0).asText().text());
	}

	@Override
	public Flux<String> stream() {
		return Flux.create((sink) -> {
			AsyncStreamResponse<RawMessageStreamEvent> response = this.client.messages().createStreaming(params());
			sink.onCancel(response::close);
			response.subscribe(new AsyncStreamResponse.Handler<>() {

				@Override
				public void onNext(RawMessageStreamEvent event) {
					event.contentBlockDelta()
						.flatMap((delta) -> delta.delta().text())
						.map(TextDelta::text)
						.ifPresent(sink::next);
				}

				@Override
				public void onComplete(Optional<Throwable> error) {
					error.ifPresentOrElse(sink::error, sink::complete);
				}

			});
		});
	}

	private static MessageCreateParams params() {
		return MessageCreateParams.builder()
			.model(Workload.MODEL)
			.maxTokens(Workload.MAX_TOKENS)
			.addUserMessage(Workload.PROMPT)
			.build();
	}

	@Override
	public void close() {
		this.client.close();
	}

}
