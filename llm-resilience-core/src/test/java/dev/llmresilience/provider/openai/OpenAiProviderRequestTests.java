package dev.llmresilience.provider.openai;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.provider.ProviderSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.API_KEY;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.MODEL;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.PATH;

/**
 * Tests for the requests that {@link OpenAiProvider} sends.
 */
class OpenAiProviderRequestTests {

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
		call(provider(), request);
		wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
				{"model":"gpt-4o-mini",
				 "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},
				   {"role":"assistant","content":"Hello"},{"role":"user","content":"Name a colour"}],
				 "max_tokens":100,"temperature":0.2,"top_p":0.9,"stop":["END","\\n\\n"]}
				""")));
	}

	@Test
	void callLeavesOutUnsetFieldsAndSendsTheModelLimit() {
		call(provider(), LlmRequest.ofPrompt("Hi"));
		wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
				{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"max_tokens":1024}
				""")));
	}

	@Test
	void requestedMaxTokensAboveTheModelLimitAreClamped() {
		call(provider(), LlmRequest.builder().user("Hi").maxTokens(50_000).build());
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
		call(provider(), request);
		wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
				{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"max_tokens":1024,
				 "temperature":1.0,"response_format":{"type":"json_object"},"seed":7}
				""")));
	}

	@Test
	void maxCompletionTokensInExtraBodyReplacesMaxTokens() {
		LlmRequest request = LlmRequest.builder()
			.user("Hi")
			.maxTokens(100)
			.extraBody("max_completion_tokens", 500)
			.build();
		call(provider(), request);
		wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
				{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"max_completion_tokens":500}
				""")));
	}

	@Test
	void streamAsksForAStreamWithUsage() {
		wm.stubFor(post(PATH).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
			.withBody(
					"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")));
		StepVerifier.create(provider().stream(MODEL, LlmRequest.ofPrompt("Hi")))
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
		ProviderSettings settings = new ProviderSettings("openai", URI.create(wm.baseUrl() + "/v1"), API_KEY,
				Map.of("OpenAI-Organization", "org-1"), Duration.ofSeconds(5), Duration.ofSeconds(5),
				Duration.ofSeconds(5));
		call(OpenAiProviderFixtures.create(settings), LlmRequest.ofPrompt("Hi"));
		wm.verify(postRequestedFor(urlEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer " + API_KEY))
			.withHeader("OpenAI-Organization", equalTo("org-1"))
			.withHeader("Content-Type", containing("application/json")));
	}

	@Test
	void noAuthorizationHeaderIsSentWithoutApiKey() {
		call(OpenAiProviderFixtures.create(wm.baseUrl(), null), LlmRequest.ofPrompt("Hi"));
		wm.verify(postRequestedFor(urlEqualTo(PATH)).withoutHeader("Authorization"));
	}

	@Test
	void baseUrlWithoutPathIsJoinedWithTheChatPath() {
		wm.stubFor(post("/chat/completions").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"choices\":[{\"message\":{\"content\":\"ok\"}}]}")));
		ProviderSettings settings = OpenAiProviderFixtures.settings(wm.baseUrl(), null, Duration.ofSeconds(5));
		call(OpenAiProviderFixtures.create(settings), LlmRequest.ofPrompt("Hi"));
		wm.verify(postRequestedFor(urlEqualTo("/chat/completions")));
	}

	private static void call(OpenAiProvider provider, LlmRequest request) {
		StepVerifier.create(provider.call(MODEL, request)).expectNextCount(1).expectComplete().verify(TIMEOUT);
	}

	private static OpenAiProvider provider() {
		return OpenAiProviderFixtures.create(wm.baseUrl());
	}

}
