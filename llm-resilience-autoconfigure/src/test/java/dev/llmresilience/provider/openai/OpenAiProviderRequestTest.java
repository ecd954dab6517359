package dev.llmresilience.provider.openai;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.provider.ProviderHttpClient;
import dev.llmresilience.provider.ProviderSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * Tests for the requests that {@link OpenAiProvider} sends.
 */
class OpenAiProviderRequestTest {

	private static final LlmModel MODEL = new LlmModel("mini", "openai", "gpt-4o-mini", 1024, null);

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);

	private static final String PATH = "/v1/chat/completions";

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@RegisterExtension
	static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

	@BeforeEach
	void answerEveryCall() {
		wm.stubFor(post(PATH).willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"choices\":[{\"message\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}")));
	}

	@Test
	void callSendsSystemPromptTurnsAndSamplingFields() {
		LlmRequest request = LlmRequest.builder()
			.system("Be brief.")
			.user("Hi")
			.assistant("Hello")
			.user("Name a colour")
			.maxTokens(100)
			.temperature(0.2)
			.topP(0.9)
			.stopSequences(List.of("END", "\n\n"))
			.build();
		call(providerWithKey("sk-test"), request);
		wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
				{"model":"gpt-4o-mini",
				 "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},
				   {"role":"assistant","content":"Hello"},{"role":"user","content":"Name a colour"}],
				 "max_tokens":100,"temperature":0.2,"top_p":0.9,"stop":["END","\\n\\n"]}
				""")));
	}

	@Test
	void callLeavesOutUnsetFieldsAndSendsTheModelLimit() {
		call(providerWithKey("sk-test"), LlmRequest.ofPrompt("Hi"));
		wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
				{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"max_tokens":1024}
				""")));
	}

	@Test
	void requestedMaxTokensAboveTheModelLimitAreClamped() {
		call(providerWithKey("sk-test"), LlmRequest.builder().user("Hi").maxTokens(50_000).build());
		wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
				{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"max_tokens":1024}
				""")));
	}

	@Test
	void extraBodyIsMergedAtTheTopLevelAndOverridesNeutralFields() {
		LlmRequest request = LlmRequest.builder()
			.user("Hi")
			.temperature(0.2)
			.extraBody("temperature", 1.0)
			.extraBody("response_format", Map.of("type", "json_object"))
			.extraBody("seed", 7)
			.build();
		call(providerWithKey("sk-test"), request);
		wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
				{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"max_tokens":1024,
				 "temperature":1.0,"response_format":{"type":"json_object"},"seed":7}
				""")));
	}

	@Test
	void maxCompletionTokensInExtraBodyReplacesMaxTokens() {
		LlmRequest request = LlmRequest.builder().user("Hi").maxTokens(100).extraBody("max_completion_tokens", 500)
			.build();
		call(providerWithKey("sk-test"), request);
		wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
				{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"max_completion_tokens":500}
				""")));
	}

	@Test
	void streamAsksForAStreamWithUsage() {
		wm.stubFor(post(PATH).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
			.withBody("data: [DONE]\n\n")));
		StepVerifier.create(providerWithKey("sk-test").stream(MODEL, LlmRequest.ofPrompt("Hi")))
			.expectNextCount(1)
			.expectComplete()
			.verify(TIMEOUT);
		wm.verify(postRequestedFor(urlEqualTo(PATH)).withHeader("Accept", containing("text/event-stream"))
			.withRequestBody(equalToJson("""
					{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"max_tokens":1024,
					 "stream":true,"stream_options":{"include_usage":true}}
					""")));
	}

	@Test
	void apiKeyIsSentAsBearerTokenWithTheConfiguredHeaders() {
		ProviderSettings settings = new ProviderSettings("openai", URI.create(wm.baseUrl() + "/v1"),
				"sk-test", Map.of("OpenAI-Organization", "org-1"), Duration.ofSeconds(5), Duration.ofSeconds(5),
				Duration.ofSeconds(5));
		call(provider(settings), LlmRequest.ofPrompt("Hi"));
		wm.verify(postRequestedFor(urlEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer sk-test"))
			.withHeader("OpenAI-Organization", equalTo("org-1"))
			.withHeader("Content-Type", containing("application/json")));
	}

	@Test
	void noAuthorizationHeaderIsSentWithoutApiKey() {
		call(providerWithKey(null), LlmRequest.ofPrompt("Hi"));
		wm.verify(postRequestedFor(urlEqualTo(PATH)).withoutHeader("Authorization"));
	}

	@Test
	void baseUrlWithoutPathIsJoinedWithTheChatPath() {
		wm.stubFor(post("/chat/completions").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"choices\":[{\"message\":{\"content\":\"ok\"}}]}")));
		call(provider(ProviderSettings.of("openai", wm.baseUrl(), null)), LlmRequest.ofPrompt("Hi"));
		wm.verify(postRequestedFor(urlEqualTo("/chat/completions")));
	}

	private void call(OpenAiProvider provider, LlmRequest request) {
		StepVerifier.create(provider.call(MODEL, request)).expectNextCount(1).expectComplete().verify(TIMEOUT);
	}

	private OpenAiProvider providerWithKey(String apiKey) {
		return provider(ProviderSettings.of("openai", wm.baseUrl() + "/v1", apiKey));
	}

	private OpenAiProvider provider(ProviderSettings settings) {
		return new OpenAiProvider(settings,
				WebClient.builder().clientConnector(ProviderHttpClient.connector(settings, null)), new ObjectMapper(),
				CLOCK);
	}

}
