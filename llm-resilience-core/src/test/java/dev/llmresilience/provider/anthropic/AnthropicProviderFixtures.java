package dev.llmresilience.provider.anthropic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmCapability;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.provider.ProviderConnectors;
import dev.llmresilience.provider.ProviderErrorMapper;
import dev.llmresilience.provider.ProviderJson;
import dev.llmresilience.provider.ProviderSettings;
import dev.llmresilience.test.FakeReply;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Creates {@link AnthropicProvider} instances that talk to a local test server, and what
 * they are served: the events of a stream, and the files of {@code fixtures/anthropic}.
 */
final class AnthropicProviderFixtures {

	/** A key shaped like a real one, so that a leak of it is easy to spot. */
	static final String API_KEY = "sk-ant-api03-" + "Zq7xW2mK9pL4vR8t".repeat(5);

	static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);

	static final LlmModel MODEL = new LlmModel("haiku", "anthropic", "claude-haiku-4-5", 1024, 200000);

	static final String VERSION = "2023-06-01";

	/** The {@code message_start} event of a stream, usage 25 input tokens. */
	static final String MESSAGE_START = event("message_start", """
			{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant",\
			"model":"claude-haiku-4-5-20251001","content":[],"stop_reason":null,"stop_sequence":null,\
			"usage":{"input_tokens":25,"output_tokens":1}}}""");

	static final String MESSAGE_STOP = event("message_stop", "{\"type\":\"message_stop\"}");

	private AnthropicProviderFixtures() {
	}

	static AnthropicProvider create(String baseUrl) {
		return create(baseUrl, Duration.ofSeconds(2), Duration.ofMillis(300));
	}

	static AnthropicProvider create(String baseUrl, Duration firstByteTimeout, Duration streamIdleTimeout) {
		ProviderSettings settings = settings(baseUrl, firstByteTimeout, streamIdleTimeout);
		WebClient.Builder builder = WebClient.builder().clientConnector(ProviderConnectors.connector(settings, null));
		return new AnthropicProvider(settings, VERSION, builder, new ObjectMapper(), CLOCK);
	}

	/**
	 * Create a provider whose every call is answered, without a server, by a stream with
	 * the given body, so that a test decides when each piece of it arrives.
	 * @param body the body of the event stream
	 * @return the provider
	 */
	static AnthropicProvider answeringWith(Flux<DataBuffer> body) {
		ClientResponse response = ClientResponse.create(HttpStatus.OK)
			.header(HttpHeaders.CONTENT_TYPE, MediaType.TEXT_EVENT_STREAM_VALUE)
			.body(body)
			.build();
		WebClient.Builder builder = WebClient.builder().exchangeFunction((request) -> Mono.just(response));
		return new AnthropicProvider(settings("http://localhost", Duration.ofSeconds(2), Duration.ofMillis(300)),
				VERSION, builder, new ObjectMapper(), CLOCK);
	}

	private static ProviderSettings settings(String baseUrl, Duration firstByteTimeout, Duration streamIdleTimeout) {
		return new ProviderSettings("anthropic", URI.create(baseUrl), API_KEY, Map.of("anthropic-beta", "x"),
				Duration.ofSeconds(2), firstByteTimeout, streamIdleTimeout);
	}

	/**
	 * Return the reader of the answers to a request, as the provider creates it, for
	 * bodies that need no server.
	 * @param model the model that answers
	 * @param request the request
	 * @return the reader
	 */
	static AnthropicAnswer answer(LlmModel model, LlmRequest request) {
		ProviderSettings settings = settings("http://127.0.0.1", Duration.ofSeconds(2), Duration.ofSeconds(2));
		ProviderJson json = new ProviderJson(settings, new ObjectMapper());
		return new AnthropicAnswer(new ProviderErrorMapper(settings, new AnthropicProtocol(), json, CLOCK),
				settings.id(), model, request);
	}

	/**
	 * Return a model of {@link #MODEL}'s name with its capabilities configured.
	 * @param maxOutputTokens the largest output token limit sent to it
	 * @param capabilities the capabilities it is configured with, none for a model
	 * configured to take text only
	 * @return the model
	 */
	static LlmModel modelWith(int maxOutputTokens, LlmCapability... capabilities) {
		EnumSet<LlmCapability> declared = EnumSet.noneOf(LlmCapability.class);
		declared.addAll(List.of(capabilities));
		return new LlmModel(MODEL.id(), MODEL.provider(), MODEL.name(), maxOutputTokens, MODEL.contextWindow(),
				Map.of(), declared);
	}

	static JsonNode json(String text) {
		try {
			return new ObjectMapper().readTree(text);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	/**
	 * Return a file of {@code fixtures/anthropic} as a reply, a stream for a {@code .sse}
	 * file, a message otherwise, with the same request id for both.
	 * @param file the file's name
	 * @param chunks the sizes of the chunks to send it in, empty to send it whole
	 * @return the reply
	 */
	static FakeReply fixture(String file, List<Integer> chunks) {
		try {
			byte[] body = new ClassPathResource("fixtures/anthropic/" + file).getContentAsByteArray();
			String contentType = file.endsWith(".sse") ? "text/event-stream" : "application/json";
			FakeReply reply = FakeReply.raw(200, contentType, body).header("request-id", "req_fixture");
			return chunks.isEmpty() ? reply : reply.inChunks(chunks);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return a server-sent event of a Messages API stream.
	 * @param type the event type
	 * @param data the data, one line of JSON
	 * @return the event, with the blank line that ends it
	 */
	static String event(String type, String data) {
		return "event: " + type + "\ndata: " + data + "\n\n";
	}

	static String blockStart(int index, String block) {
		return event("content_block_start",
				"{\"type\":\"content_block_start\",\"index\":" + index + ",\"content_block\":" + block + "}");
	}

	static String blockDelta(int index, String delta) {
		return event("content_block_delta",
				"{\"type\":\"content_block_delta\",\"index\":" + index + ",\"delta\":" + delta + "}");
	}

	/**
	 * Return the event of a piece of a tool's input.
	 * @param index the block's index
	 * @param escapedPiece the piece, already escaped as the JSON string it travels in
	 * @return the event
	 */
	static String inputJsonDelta(int index, String escapedPiece) {
		return blockDelta(index, "{\"type\":\"input_json_delta\",\"partial_json\":\"" + escapedPiece + "\"}");
	}

	static String blockStop(int index) {
		return event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
	}

	/**
	 * Return a {@code message_delta} event.
	 * @param stopReason the stop reason, or {@code null}
	 * @param outputTokens the output tokens so far
	 * @return the event
	 */
	static String messageDelta(String stopReason, int outputTokens) {
		String reason = (stopReason != null) ? "\"" + stopReason + "\"" : "null";
		return event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":" + reason
				+ ",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + outputTokens + "}}");
	}

}
