package dev.llmresilience.provider.anthropic;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmMessage;
import dev.llmresilience.LlmOutputSchema;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmTool;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.provider.ResponseMetadata;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.MESSAGE_START;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.MESSAGE_STOP;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.MODEL;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.blockDelta;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.blockStart;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.blockStop;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.inputJsonDelta;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.json;
import static dev.llmresilience.provider.anthropic.AnthropicProviderFixtures.messageDelta;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that what the Anthropic mapping gives, the answer, its blocks, the stream's
 * events and the turn that sends an answer back, print no prompt text, tool input,
 * reasoning or media data: every such value below holds {@value #SECRET}.
 */
class AnthropicContentToStringTests {

	private static final String SECRET = "Geheimnis7f3a";

	@AutoClose
	static FakeProviderServer fake = FakeProviderServer.start();

	@Test
	void answerItsBlocksAndItsTurnPrintNoContent() {
		LlmResponse response = AnthropicProviderFixtures.answer(MODEL, LlmRequest.ofPrompt(SECRET))
			.read(json(
					"""
							{"id":"msg_01","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001",
							"content":[
							{"type":"compaction","content":"%1$s summary","encrypted_content":"%1$s"},
							{"type":"thinking","thinking":"%1$s thought","signature":"%1$s"},
							{"type":"redacted_thinking","data":"%1$s"},
							{"type":"server_tool_use","id":"srvtoolu_01","name":"web_search","input":{"query":"%1$s"}},
							{"type":"web_search_tool_result","tool_use_id":"srvtoolu_01","content":[
							{"type":"web_search_result","title":"%1$s","url":"https://%1$s.example","encrypted_content":"%1$s"}]},
							{"type":"text","text":"%1$s text","citations":[{"type":"web_search_result_location",
							"cited_text":"%1$s cited","url":"https://%1$s.example","title":"%1$s","encrypted_index":"%1$s"}]},
							{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"%1$s"}}],
							"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}"""
						.formatted(SECRET)),
					new ResponseMetadata(200, HttpHeaders.EMPTY, null, RateLimitStatus.NONE));
		assertThat(response.content()).hasSize(7);
		assertPrintsNoContent(response);
		response.content().forEach(AnthropicContentToStringTests::assertPrintsNoContent);
		response.blocks(LlmContent.Text.class)
			.get(0)
			.citations()
			.forEach(AnthropicContentToStringTests::assertPrintsNoContent);
		assertPrintsNoContent(response.toMessage());
	}

	@Test
	void streamEventsAndTheirCompletionPrintNoContent() {
		String stream = String.join("", MESSAGE_START, blockStart(0, "{\"type\":\"thinking\",\"thinking\":\"\"}"),
				blockDelta(0, "{\"type\":\"thinking_delta\",\"thinking\":\"" + SECRET + "\"}"), blockStop(0),
				blockStart(1, "{\"type\":\"text\",\"text\":\"\"}"),
				blockDelta(1, "{\"type\":\"text_delta\",\"text\":\"" + SECRET + "\"}"), blockStop(1),
				blockStart(2, "{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"get_weather\",\"input\":{}}"),
				inputJsonDelta(2, "{\\\"city\\\": \\\"" + SECRET + "\\\"}"), blockStop(2), messageDelta("tool_use", 9),
				MESSAGE_STOP);
		fake.respondWith((request) -> FakeReply.raw(200, "text/event-stream", stream.getBytes(StandardCharsets.UTF_8)));
		List<LlmStreamEvent> events = AnthropicProviderFixtures.create(fake.baseUrl())
			.stream(MODEL, LlmRequest.ofPrompt(SECRET))
			.collectList()
			.block(TIMEOUT);
		assertThat(events).hasSize(6);
		events.forEach(AnthropicContentToStringTests::assertPrintsNoContent);
	}

	@Test
	void requestOfEveryBlockTypePrintsNoContent() {
		LlmRequest request = LlmRequest.builder()
			.system(SECRET)
			.user(LlmContent.text(SECRET), LlmContent.image("image/png", SECRET),
					LlmContent.image(URI.create("https://" + SECRET + ".example/cat.png")),
					LlmContent.pdf(SECRET, SECRET),
					LlmContent.pdf(URI.create("https://" + SECRET + ".example/a.pdf"), SECRET),
					LlmContent.plainText(SECRET, SECRET))
			.message(LlmMessage.assistant(new LlmContent.Reasoning(SECRET, SECRET),
					new LlmContent.RedactedReasoning(SECRET), new LlmContent.Refusal(SECRET),
					new LlmContent.ToolCall("toolu_01", "get_weather", json("{\"city\":\"" + SECRET + "\"}")),
					new LlmContent.ProviderBlock("anthropic", "compaction", json("{\"content\":\"" + SECRET + "\"}"))))
			.user(new LlmContent.ToolResult("toolu_01",
					List.of(LlmContent.text(SECRET), LlmContent.image("image/png", SECRET)), true))
			.tool(new LlmTool("get_weather", SECRET, json("{\"type\":\"object\",\"description\":\"" + SECRET + "\"}")))
			.outputSchema(
					new LlmOutputSchema("report", json("{\"type\":\"object\",\"title\":\"" + SECRET + "\"}"), true))
			.build();
		assertPrintsNoContent(request);
		request.messages().forEach((message) -> {
			assertPrintsNoContent(message);
			message.content().forEach(AnthropicContentToStringTests::assertPrintsNoContent);
		});
		request.tools().forEach(AnthropicContentToStringTests::assertPrintsNoContent);
		assertPrintsNoContent(request.outputSchema());
	}

	private static void assertPrintsNoContent(Object printed) {
		assertThat(printed.toString()).doesNotContain(SECRET);
	}

}
