package dev.llmresilience.provider.anthropic;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.error.LlmInvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the requests {@link AnthropicProvider} sends: headers and the JSON body of
 * {@code POST /v1/messages}.
 */
class AnthropicProviderRequestTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final String MESSAGE = """
			{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001",
			"content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","stop_sequence":null,
			"usage":{"input_tokens":3,"output_tokens":1}}""";

	private static final String STREAM = """
			event: message_start
			data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}

			event: message_delta
			data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":1}}

			event: message_stop
			data: {"type":"message_stop"}

			""";

	@RegisterExtension
	static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

	private final AnthropicProvider provider = AnthropicProviderFixtures.create(wm.baseUrl());

	@Test
	void callSendsAuthenticationVersionExtraAndContentHeaders() {
		stubMessage();
		call(LlmRequest.ofPrompt("Hi"));
		wm.verify(1,
				postRequestedFor(urlEqualTo("/v1/messages"))
					.withHeader("x-api-key", equalTo(AnthropicProviderFixtures.API_KEY))
					.withHeader("anthropic-version", equalTo("2023-06-01"))
					.withHeader("anthropic-beta", equalTo("x"))
					.withHeader("Content-Type", equalTo("application/json"))
					.withHeader("Accept", equalTo("application/json"))
					.withoutHeader("Authorization"));
	}

	@Test
	void callSendsMinimalBodyWithModelMaximumAsMaxTokens() {
		stubMessage();
		call(LlmRequest.ofPrompt("Hi"));
		wm.verify(postRequestedFor(urlEqualTo("/v1/messages")).withRequestBody(equalToJson("""
				{"model":"claude-haiku-4-5","max_tokens":1024,"messages":[{"role":"user","content":"Hi"}]}""")));
	}

	@Test
	void callSendsEveryNeutralField() {
		stubMessage();
		LlmRequest request = LlmRequest.builder()
			.system("Be brief.")
			.user("What is 2+2?")
			.assistant("4")
			.user("And 3+3?")
			.maxTokens(100)
			.temperature(0.2)
			.topP(0.9)
			.stopSequences(List.of("\n\nHuman:", "END"))
			.build();
		call(request);
		wm.verify(postRequestedFor(urlEqualTo("/v1/messages")).withRequestBody(equalToJson("""
				{"model":"claude-haiku-4-5","max_tokens":100,"system":"Be brief.",
				"messages":[{"role":"user","content":"What is 2+2?"},{"role":"assistant","content":"4"},
				{"role":"user","content":"And 3+3?"}],
				"temperature":0.2,"top_p":0.9,"stop_sequences":["\\n\\nHuman:","END"]}""")));
	}

	@Test
	void maxTokensAboveTheModelMaximumIsClamped() {
		stubMessage();
		call(LlmRequest.builder().user("Hi").maxTokens(50_000).build());
		wm.verify(postRequestedFor(urlEqualTo("/v1/messages"))
			.withRequestBody(WireMock.matchingJsonPath("$.max_tokens", equalTo("1024"))));
	}

	@Test
	void extraBodyIsMergedAtTheTopLevel() {
		stubMessage();
		Map<String, Object> tool = Map.of("name", "get_weather", "description", "Weather of a city", "input_schema",
				Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"))));
		LlmRequest request = LlmRequest.builder()
			.user("Weather in Paris?")
			.extraBody("tools", List.of(tool))
			.extraBody("thinking", Map.of("type", "enabled", "budget_tokens", 512))
			.extraBody("metadata", Map.of("user_id", "u-42"))
			.build();
		call(request);
		wm.verify(postRequestedFor(urlEqualTo("/v1/messages")).withRequestBody(equalToJson("""
				{"model":"claude-haiku-4-5","max_tokens":1024,
				"messages":[{"role":"user","content":"Weather in Paris?"}],
				"tools":[{"name":"get_weather","description":"Weather of a city",
				"input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
				"thinking":{"type":"enabled","budget_tokens":512},
				"metadata":{"user_id":"u-42"}}""")));
	}

	@Test
	void modelExtraBodyValueThatCannotBeWrittenAsJsonFailsBeforeAnythingIsSent() {
		stubMessage();
		LlmModel model = new LlmModel("haiku", "anthropic", "claude-haiku-4-5", 1024, 200000,
				Map.of("metadata", new Object()));
		StepVerifier.create(this.provider.call(model, LlmRequest.ofPrompt("Hi")))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(LlmInvalidRequestException.class)
				.hasMessageContaining("extra-body field 'metadata' of model 'haiku' cannot be written as JSON")
				.hasNoCause())
			.verify(TIMEOUT);
		StepVerifier.create(this.provider.stream(model, LlmRequest.ofPrompt("Hi")))
			.expectError(LlmInvalidRequestException.class)
			.verify(TIMEOUT);
		wm.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void streamAddsStreamTrueAndAcceptsEventStream() {
		wm.stubFor(post("/v1/messages")
			.willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(STREAM)));
		StepVerifier.create(this.provider.stream(AnthropicProviderFixtures.MODEL, LlmRequest.ofPrompt("Hi")))
			.expectNextCount(1)
			.expectComplete()
			.verify(TIMEOUT);
		wm.verify(1,
				postRequestedFor(urlEqualTo("/v1/messages"))
					.withHeader("x-api-key", equalTo(AnthropicProviderFixtures.API_KEY))
					.withHeader("anthropic-version", equalTo("2023-06-01"))
					.withHeader("anthropic-beta", equalTo("x"))
					.withHeader("Content-Type", equalTo("application/json"))
					.withHeader("Accept", equalTo("text/event-stream"))
					.withRequestBody(equalToJson("""
							{"model":"claude-haiku-4-5","max_tokens":1024,"messages":[{"role":"user","content":"Hi"}],
							"stream":true}""")));
	}

	@Test
	void eachSubscriptionSendsExactlyOneRequest() {
		stubMessage();
		call(LlmRequest.ofPrompt("Hi"));
		call(LlmRequest.ofPrompt("Hi"));
		wm.verify(2, postRequestedFor(urlEqualTo("/v1/messages")));
	}

	private void stubMessage() {
		wm.stubFor(post("/v1/messages")
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(MESSAGE)));
	}

	private void call(LlmRequest request) {
		StepVerifier.create(this.provider.call(AnthropicProviderFixtures.MODEL, request))
			.assertNext((response) -> assertThat(response).extracting(LlmResponse::text).isEqualTo("ok"))
			.expectComplete()
			.verify(TIMEOUT);
	}

}
