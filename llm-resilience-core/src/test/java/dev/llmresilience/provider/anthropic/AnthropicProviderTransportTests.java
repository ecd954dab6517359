package dev.llmresilience.provider.anthropic;

import java.time.Duration;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.error.LlmInvalidResponseException;
import dev.llmresilience.error.LlmServerException;
import dev.llmresilience.error.LlmTimeoutException;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the transport rules every provider shares: how a stream's time limits split
 * between its first and later events, redirects, and error bodies over the buffer limit.
 * The timing tests use the {@link FakeProviderServer}, which, unlike WireMock, can send
 * headers long before the first event.
 */
class AnthropicProviderTransportTests {

	@RegisterExtension
	static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

	private final FakeProviderServer fake = FakeProviderServer.start();

	@AfterEach
	void stopServer() {
		this.fake.close();
	}

	@Test
	void slowFirstEventAfterPromptHeadersFailsWithFirstByteTimeout() {
		this.fake.defaults().pieces("Hi").reply(FakeReply.answer().bodyAfter(Duration.ofSeconds(3)));
		AnthropicProvider provider = AnthropicProviderFixtures.create(this.fake.baseUrl(), Duration.ofMillis(400),
				Duration.ofSeconds(5));
		StepVerifier.create(provider.stream(AnthropicProviderFixtures.MODEL, LlmRequest.ofPrompt("Hi")))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(LlmTimeoutException.class,
					(timeout) -> assertThat(timeout.getPhase()).isEqualTo(LlmTimeoutException.Phase.FIRST_BYTE)))
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void firstEventMayTakeLongerThanTheIdleLimit() {
		this.fake.defaults().pieces("Hi").reply(FakeReply.answer().bodyAfter(Duration.ofMillis(600)));
		AnthropicProvider provider = AnthropicProviderFixtures.create(this.fake.baseUrl(), Duration.ofSeconds(5),
				Duration.ofMillis(300));
		StepVerifier.create(provider.stream(AnthropicProviderFixtures.MODEL, LlmRequest.ofPrompt("Hi")))
			.expectNext(new LlmStreamEvent.TextDelta("Hi"))
			.assertNext((event) -> assertThat(event).isInstanceOf(LlmStreamEvent.Completion.class))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void silenceAfterTheFirstEventFailsWithStreamIdleTimeout() {
		this.fake.defaults().pieces("Hi", "Hi").chunkInterval(Duration.ofSeconds(3));
		AnthropicProvider provider = AnthropicProviderFixtures.create(this.fake.baseUrl(), Duration.ofSeconds(5),
				Duration.ofMillis(300));
		StepVerifier.create(provider.stream(AnthropicProviderFixtures.MODEL, LlmRequest.ofPrompt("Hi")))
			.expectNext(new LlmStreamEvent.TextDelta("Hi"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(LlmTimeoutException.class,
					(timeout) -> assertThat(timeout.getPhase()).isEqualTo(LlmTimeoutException.Phase.STREAM_IDLE)))
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void streamsReadTheirBodyToTheEndAndLeaveTheConnectionOpenForTheNext() {
		this.fake.defaults().pieces("Hel", "lo");
		AnthropicProvider provider = AnthropicProviderFixtures.create(this.fake.baseUrl());
		for (int i = 0; i < 5; i++) {
			StepVerifier.create(provider.stream(AnthropicProviderFixtures.MODEL, LlmRequest.ofPrompt("Hi")))
				.expectNext(new LlmStreamEvent.TextDelta("Hel"), new LlmStreamEvent.TextDelta("lo"))
				.assertNext((event) -> assertThat(event).isInstanceOf(LlmStreamEvent.Completion.class))
				.expectComplete()
				.verify(Duration.ofSeconds(5));
		}
		// a connection closed at the terminal event would make five; the next stream may
		// start while the connection before it is still on its way back to the pool
		assertThat(this.fake.requests().connectionsOpened()).isBetween(1, 2);
	}

	@Test
	void redirectIsNotFollowedAndSaysSo() {
		wm.stubFor(post("/v1/messages")
			.willReturn(aResponse().withStatus(307).withHeader("Location", "https://elsewhere.example/v1/messages")));
		AnthropicProvider provider = AnthropicProviderFixtures.create(wm.baseUrl());
		StepVerifier.create(provider.call(AnthropicProviderFixtures.MODEL, LlmRequest.ofPrompt("Hi")))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(LlmInvalidResponseException.class)
				.hasMessageContaining("redirect (HTTP 307)")
				.hasMessageContaining("base-url"))
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void errorPageOverTheBufferLimitKeepsItsStatus() {
		wm.stubFor(post("/v1/messages").willReturn(
				aResponse().withStatus(500).withHeader("Content-Type", "text/html").withBody("x".repeat(300_000))));
		AnthropicProvider provider = AnthropicProviderFixtures.create(wm.baseUrl(), Duration.ofSeconds(4),
				Duration.ofSeconds(4));
		StepVerifier.create(provider.call(AnthropicProviderFixtures.MODEL, LlmRequest.ofPrompt("Hi")))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(LlmServerException.class,
					(server) -> assertThat(server.getStatusCode()).isEqualTo(500)))
			.verify(Duration.ofSeconds(10));
	}

}
