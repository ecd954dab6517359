package dev.llmresilience.provider.openai;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmMessage;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.MODEL;
import static dev.llmresilience.provider.openai.OpenAiProviderFixtures.json;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that what requests, answers and stream events mapped by {@link OpenAiProvider}
 * show in {@code toString()} never includes prompt text, tool input or media data: they
 * end up in logs.
 */
class OpenAiContentToStringTests {

	/** Each piece of content below carries one of these; none may show. */
	private static final List<String> SECRETS = List.of("s3cret-system", "s3cret-prompt", "S3cretImage", "S3cretPdf",
			"s3cret-document", "s3cret-result", "s3cret-input", "s3cret-reasoning", "s3cret-answer", "s3cret-refusal",
			"s3cret-arguments", "s3cret.example.com");

	private static final String ANSWER = """
			{"id":"chatcmpl-1","object":"chat.completion","created":1735689600,"model":"gpt-4o-mini",
			 "choices":[{"index":0,"message":{"role":"assistant","reasoning_content":"s3cret-reasoning",
			  "content":"s3cret-answer","refusal":"s3cret-refusal",
			  "annotations":[{"type":"url_citation","url_citation":{"start_index":0,"end_index":5,
			   "title":"s3cret-answer","url":"https://s3cret.example.com"}}],
			  "tool_calls":[{"id":"call_1","type":"function",
			   "function":{"name":"lookup","arguments":"{\\"q\\":\\"s3cret-arguments\\"}"}}]},
			  "finish_reason":"tool_calls"}]}""";

	private static final String STREAM = events(
			"{\"reasoning_content\":\"s3cret-reasoning\",\"content\":\"s3cret-answer\",\"refusal\":\"s3cret-refusal\"}",
			"{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"lookup\","
					+ "\"arguments\":\"{\\\"q\\\":\\\"s3cret-arguments\\\"}\"}}]}");

	@AutoClose
	static FakeProviderServer fake = FakeProviderServer.start();

	@Test
	void requestItsTurnsAndTheirBlocksShowNoContent() {
		LlmRequest request = LlmRequest.builder()
			.system("s3cret-system")
			.user(LlmContent.text("s3cret-prompt"), LlmContent.image("image/png", "S3cretImage"),
					LlmContent.pdf("S3cretPdf", null), LlmContent.plainText("s3cret-document", "title"))
			.message(LlmMessage.assistant(new LlmContent.Reasoning("s3cret-reasoning", null),
					new LlmContent.ToolCall("call_1", "lookup", json("{\"q\":\"s3cret-input\"}"))))
			.user(LlmContent.toolResult("call_1", "s3cret-result"))
			.build();
		List<Object> shown = new ArrayList<>(List.of(request));
		for (LlmMessage message : request.messages()) {
			shown.add(message);
			shown.addAll(message.content());
		}
		assertShowNoSecret(shown);
	}

	@Test
	void answerAndItsBlocksShowNoContent() {
		fake.respondWith((request) -> FakeReply.json(200, ANSWER));
		LlmResponse response = OpenAiProviderFixtures.create(fake.baseUrl())
			.call(MODEL, LlmRequest.ofPrompt("s3cret-prompt"))
			.block(TIMEOUT);
		assertThat(response.content()).hasSize(4);
		List<Object> shown = new ArrayList<>(List.of(response, response.toMessage()));
		shown.addAll(response.content());
		shown.addAll(response.blocks(LlmContent.Text.class).get(0).citations());
		assertShowNoSecret(shown);
	}

	@Test
	void streamEventsShowNoContent() {
		byte[] body = STREAM.getBytes(StandardCharsets.UTF_8);
		fake.respondWith((request) -> FakeReply.raw(200, "text/event-stream", body));
		List<LlmStreamEvent> events = OpenAiProviderFixtures.create(fake.baseUrl())
			.stream(MODEL, LlmRequest.ofPrompt("s3cret-prompt"))
			.collectList()
			.block(TIMEOUT);
		assertThat(events).extracting((event) -> event.getClass().getSimpleName())
			.containsExactly("ReasoningDelta", "TextDelta", "RefusalDelta", "ToolCallStart", "ToolInputDelta",
					"ToolCallEnd", "Completion");
		assertShowNoSecret(new ArrayList<>(events));
	}

	private static void assertShowNoSecret(List<Object> shown) {
		for (Object object : shown) {
			assertThat(object.toString()).as(object.getClass().getSimpleName()).doesNotContain(SECRETS);
		}
	}

	private static String events(String... deltas) {
		StringBuilder events = new StringBuilder();
		for (String delta : deltas) {
			events.append("data: {\"choices\":[{\"index\":0,\"delta\":").append(delta).append("}]}\n\n");
		}
		return events + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
				+ "data: [DONE]\n\n";
	}

}
