package dev.llmresilience.benchmarks.clients;

import java.net.URI;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The baseline: the least an application must do to call the Messages API with a bare
 * {@link WebClient} — build the same JSON body, POST it, decode the JSON answer (or the
 * events and the JSON of each text delta) and take the text. No retry, breaker, fallback,
 * queue, deadline or typed errors.
 */
public final class RawWebClient implements LlmClientUnderTest {

	private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENTS = new ParameterizedTypeReference<>() {
	};

	private final WebClient webClient;

	private final ObjectMapper objectMapper;

	/**
	 * Create a client.
	 * @param webClientBuilder the builder to clone, with the application's codecs and
	 * connector
	 * @param baseUrl the stub's root URL
	 * @param objectMapper builds request bodies and reads events
	 */
	public RawWebClient(WebClient.Builder webClientBuilder, URI baseUrl, ObjectMapper objectMapper) {
		this.webClient = webClientBuilder.clone()
			.baseUrl(baseUrl.toString())
			.defaultHeader("x-api-key", Workload.API_KEY)
			.defaultHeader("anthropic-version", Workload.ANTHROPIC_VERSION)
			.build();
		this.objectMapper = objectMapper;
	}

	@Override
	public String name() {
		return "raw WebClient";
	}

	@Override
	public Mono<String> call() {
		return this.webClient.post()
			.uri("/v1/messages")
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.bodyValue(body(false))
			.retrieve()
			.bodyToMono(JsonNode.class)
			.map((message) -> message.path("content").path(0).path("text").asText());
	}

	@Override
	public Flux<String> stream() {
		return this.webClient.post()
			.uri("/v1/messages")
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.bodyValue(body(true))
			.retrieve()
			// read to the end of the body, as the template does: cut off at message_stop,
			// the connection would be closed rather than pooled
			.bodyToFlux(EVENTS)
			.handle((event, sink) -> {
				if ("content_block_delta".equals(event.event())) {
					sink.next(readTree(event.data()).path("delta").path("text").asText());
				}
			});
	}

	private ObjectNode body(boolean stream) {
		ObjectNode body = this.objectMapper.createObjectNode()
			.put("model", Workload.MODEL)
			.put("max_tokens", Workload.MAX_TOKENS);
		body.putArray("messages").addObject().put("role", "user").put("content", Workload.PROMPT);
		if (stream) {
			body.put("stream", true);
		}
		return body;
	}

	private JsonNode readTree(String json) {
		try {
			return this.objectMapper.readTree(json);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException("The stub sent an event that is not JSON", ex);
		}
	}

}
