package dev.llmresilience;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the {@code toString()} of requests, messages, every content block, tools,
 * output schemas, responses and stream events shows no prompt text, tool input, schema or
 * media data: they end up in logs, and may hold personal data.
 */
class ContentToStringTests {

	/** Put into every field that must not show; none of the other values contain it. */
	private static final String SECRET = "s3cr3t";

	private static final JsonNode SECRET_JSON = JsonNodeFactory.instance.objectNode()
		.put("type", "object")
		.put("description", SECRET);

	@ParameterizedTest(name = "{0}")
	@MethodSource("valuesHoldingSecrets")
	void toStringShowsNoTextInputSchemaOrData(String name, Object value) {
		assertThat(value.toString()).startsWith(name).doesNotContain(SECRET);
	}

	@Test
	void toStringStillTellsWhatThereIs() {
		assertThat(message().toString()).isEqualTo("LlmMessage{role=USER, content=[Text{length=12, citations=0}, "
				+ "Image{mediaType=image/png, url=false}, Document{mediaType=application/pdf, url=true}, "
				+ "ToolResult{callId=call_1, blocks=1, error=false}]}");
		assertThat(new LlmStreamEvent.ToolCallEnd(toolCall()).toString())
			.isEqualTo("ToolCallEnd[call=ToolCall{id=call_1, name=get_weather, complete=true}]");
	}

	static Stream<Arguments> valuesHoldingSecrets() {
		LlmResponse response = response();
		return Stream.of(Arguments.of("Text", new LlmContent.Text(SECRET, List.of(citation()))),
				Arguments.of("Citation", citation()), Arguments.of("Image", LlmContent.image("image/png", SECRET)),
				Arguments.of("Image", LlmContent.image(URI.create("https://example.com/cat.png?token=" + SECRET))),
				Arguments.of("Document", LlmContent.pdf(SECRET, SECRET)),
				Arguments.of("Document", LlmContent.pdf(URI.create("https://example.com/" + SECRET + ".pdf"), SECRET)),
				Arguments.of("Document", LlmContent.plainText(SECRET, SECRET)), Arguments.of("ToolCall", toolCall()),
				Arguments.of("ToolCall",
						new LlmContent.ToolCall("call_2", "get_weather", null, "{\"city\":\"" + SECRET)),
				Arguments.of("ToolResult", LlmContent.toolResult("call_1", SECRET)),
				Arguments.of("ToolResult", LlmContent.toolError("call_1", SECRET)),
				Arguments.of("Reasoning", new LlmContent.Reasoning(SECRET, SECRET)),
				Arguments.of("RedactedReasoning", new LlmContent.RedactedReasoning(SECRET)),
				Arguments.of("Refusal", new LlmContent.Refusal(SECRET)),
				Arguments.of("ProviderBlock",
						new LlmContent.ProviderBlock("anthropic", "server_tool_use", SECRET_JSON)),
				Arguments.of("LlmTool", tool()),
				Arguments.of("LlmOutputSchema", new LlmOutputSchema("weather_report", SECRET_JSON, true)),
				Arguments.of("LlmMessage", message()),
				Arguments.of("LlmMessage", LlmMessage.assistant(new LlmContent.Reasoning(SECRET, SECRET), toolCall())),
				Arguments.of("LlmRequest", request()), Arguments.of("LlmResponse", response),
				Arguments.of("TextDelta", new LlmStreamEvent.TextDelta(SECRET)),
				Arguments.of("ReasoningDelta", new LlmStreamEvent.ReasoningDelta(SECRET)),
				Arguments.of("RefusalDelta", new LlmStreamEvent.RefusalDelta(SECRET)),
				Arguments.of("ToolCallStart", new LlmStreamEvent.ToolCallStart("call_1", "get_weather")),
				Arguments.of("ToolInputDelta", new LlmStreamEvent.ToolInputDelta("call_1", SECRET)),
				Arguments.of("ToolCallEnd", new LlmStreamEvent.ToolCallEnd(toolCall())),
				Arguments.of("Completion", new LlmStreamEvent.Completion(response)));
	}

	private static LlmContent.Citation citation() {
		return new LlmContent.Citation("char_location", SECRET, "Report", null, SECRET_JSON);
	}

	private static LlmContent.ToolCall toolCall() {
		ObjectNode input = JsonNodeFactory.instance.objectNode().put("city", SECRET);
		return new LlmContent.ToolCall("call_1", "get_weather", input);
	}

	private static LlmTool tool() {
		return new LlmTool("get_weather", SECRET, SECRET_JSON);
	}

	private static LlmMessage message() {
		return LlmMessage.user(LlmContent.text("Look: " + SECRET), LlmContent.image("image/png", SECRET),
				LlmContent.pdf(URI.create("https://example.com/" + SECRET + ".pdf"), null),
				LlmContent.toolResult("call_1", SECRET));
	}

	private static LlmRequest request() {
		return LlmRequest.builder()
			.system(SECRET)
			.message(message())
			.message(LlmMessage.assistant(toolCall()))
			.user(LlmContent.toolResult("call_1", SECRET))
			.stopSequences(List.of(SECRET))
			.tool(tool())
			.outputSchema(new LlmOutputSchema("weather_report", SECRET_JSON, true))
			.reasoning(LlmReasoning.of(LlmReasoning.Effort.LOW).asOptional())
			.extraBody(Map.of("metadata", Map.of("user_id", SECRET)))
			.build();
	}

	private static LlmResponse response() {
		return new LlmResponse(
				List.of(new LlmContent.Reasoning(SECRET, SECRET), LlmContent.text(SECRET), toolCall(),
						new LlmContent.Refusal(SECRET)),
				SECRET_JSON, "claude", "claude-fake", "anthropic", StopReason.TOOL_USE, "tool_use", LlmUsage.NONE,
				"req_1", RateLimitStatus.NONE, false, List.of(), SECRET_JSON);
	}

}
