package dev.llmresilience.sample.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ChatCompletionsRequest}.
 */
class ChatCompletionsRequestTests {

	private static final ObjectMapper objectMapper = new ObjectMapper();

	private static final String TOOLS = """
			"tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}},
			          {"type": "function", "function": {"name": "get_time"}}]""";

	@Test
	void readsTheResultsOfTheToolsTheLastAssistantMessageCalled() {
		SimulatedRequest request = read("""
				{"model": "m", %s, "messages": [
				  {"role": "system", "content": "Be brief."},
				  {"role": "user", "content": "Weather in Paris?"},
				  {"role": "assistant", "content": null, "tool_calls": [
				    {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}},
				    {"id": "c2", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}]},
				  {"role": "tool", "tool_call_id": "c2", "content": "Noon"},
				  {"role": "tool", "tool_call_id": "c1", "content": [{"type": "text", "text": "Sunny"}]}]}
				""".formatted(TOOLS)).request();
		assertThat(request.toolResults()).containsExactly("Noon", "Sunny");
		assertThat(request.lastUserText()).isEqualTo("Weather in Paris?");
		assertThat(request.tools()).extracting(SimulatedRequest.Tool::name).containsExactly("get_weather", "get_time");
		assertThat(request.maxTokens()).isEqualTo(Integer.MAX_VALUE);
		assertThat(request.stream()).isFalse();
	}

	@Test
	void forgetsToolResultsOnceTheModelAnsweredThem() {
		SimulatedRequest request = read("""
				{"model": "m", %s, "messages": [
				  {"role": "user", "content": "Weather in Paris?"},
				  {"role": "assistant", "tool_calls": [
				    {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
				  {"role": "tool", "tool_call_id": "c1", "content": "Sunny"},
				  {"role": "assistant", "content": "It is sunny."},
				  {"role": "user", "content": "And in Rome?"}]}
				""".formatted(TOOLS)).request();
		assertThat(request.toolResults()).isEmpty();
		assertThat(request.lastUserText()).isEqualTo("And in Rome?");
	}

	@Test
	void refusesToolCallIdsLongerThanOpenAiTakes() {
		String body = """
				{"model": "m", %s, "messages": [
				  {"role": "user", "content": "Weather in Paris?"},
				  {"role": "assistant", "tool_calls": [
				    {"id": "%s", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
				  {"role": "tool", "tool_call_id": "%2$s", "content": "Sunny"}]}""";
		assertThat(read(body.formatted(TOOLS, "c".repeat(40))).request().toolResults()).containsExactly("Sunny");
		assertThatExceptionOfType(InvalidRequestException.class)
			.isThrownBy(() -> read(body.formatted(TOOLS, "c".repeat(41))))
			.withMessageContaining("longer than 40 characters")
			.satisfies((ex) -> assertThat(ex.param()).isEqualTo("messages"));
	}

	@Test
	void countsTextToolCallsResultsToolsAndImagesAsInputTokens() {
		// 4 + 12 characters of text, 2 of arguments, 5 of a result: 23, 6 tokens of
		// about 4 characters; and 2 images
		SimulatedRequest request = read("""
				{"model": "m", "messages": [
				  {"role": "developer", "content": "Abcd"},
				  {"role": "user", "content": [{"type": "text", "text": "Weather now?"},
				    {"type": "image_url", "image_url": {"url": "https://example.invalid/a.png"}},
				    {"type": "image_url", "image_url": {"url": "https://example.invalid/b.png"}}]},
				  {"role": "assistant", "tool_calls": [
				    {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
				  {"role": "tool", "tool_call_id": "c1", "content": "Sunny"}]}
				""").request();
		assertThat(request.inputTokens()).isEqualTo(6 + 2 * SimulatedRequest.IMAGE_TOKENS);
		assertThat(request.lastUserImages()).isEqualTo(2);
	}

	@Test
	void mapsToolChoiceToTheSimulatorsModes() {
		String body = """
				{"model": "m", "messages": [{"role": "user", "content": "hi"}], %s, "tool_choice": %s}""";
		assertThat(read(body.formatted(TOOLS, "\"required\"")).request().toolChoice()).isEqualTo("any");
		assertThat(read(body.formatted(TOOLS, "\"none\"")).request().toolChoice()).isEqualTo("none");
		SimulatedRequest named = read(body.formatted(TOOLS, """
				{"type": "function", "function": {"name": "get_time"}}""")).request();
		assertThat(named.toolChoice()).isEqualTo("tool");
		assertThat(named.chosenTool()).isEqualTo("get_time");
		assertThatExceptionOfType(InvalidRequestException.class).isThrownBy(() -> read(body.formatted(TOOLS, """
				{"type": "function", "function": {"name": "get_date"}}""")))
			.satisfies((ex) -> assertThat(ex.param()).isEqualTo("tool_choice"));
	}

	@Test
	void readsTheNewerOutputLimitBeforeTheOlderOne() {
		assertThat(
				read("""
						{"model": "m", "max_completion_tokens": 5, "max_tokens": 9, "messages": [{"role": "user", "content": "hi"}]}
						""")
					.request()
					.maxTokens())
			.isEqualTo(5);
		assertThatExceptionOfType(InvalidRequestException.class).isThrownBy(() -> read("""
				{"model": "m", "max_tokens": 0, "messages": [{"role": "user", "content": "hi"}]}"""))
			.satisfies((ex) -> assertThat(ex.param()).isEqualTo("max_tokens"));
	}

	@Test
	void readsTheSchemaOfResponseFormatAndAnObjectForJsonObject() {
		JsonNode schema = json("{\"type\": \"object\", \"required\": [\"a\"]}");
		assertThat(read("""
				{"model": "m", "messages": [{"role": "user", "content": "hi"}],
				 "response_format": {"type": "json_schema", "json_schema": {"name": "r", "schema": %s, "strict": true}}}
				""".formatted(schema)).request().outputSchema()).isEqualTo(schema);
		assertThat(read("""
				{"model": "m", "messages": [{"role": "user", "content": "hi"}],
				 "response_format": {"type": "json_object"}}""").request().outputSchema())
			.isEqualTo(json("{\"type\": \"object\"}"));
		assertThat(read("""
				{"model": "m", "messages": [{"role": "user", "content": "hi"}],
				 "response_format": {"type": "text"}}""").request().outputSchema()).isNull();
	}

	@Test
	void readsWhetherAStreamEndsWithItsUsage() {
		assertThat(read("""
				{"model": "m", "stream": true, "stream_options": {"include_usage": true},
				 "messages": [{"role": "user", "content": "hi"}]}""").includeUsage()).isTrue();
		assertThatExceptionOfType(InvalidRequestException.class).isThrownBy(() -> read("""
				{"model": "m", "stream_options": {"include_usage": true},
				 "messages": [{"role": "user", "content": "hi"}]}"""))
			.satisfies((ex) -> assertThat(ex.param()).isEqualTo("stream_options"));
	}

	private static ChatCompletionsRequest read(String body) {
		return ChatCompletionsRequest.read(json(body));
	}

	private static JsonNode json(String json) {
		try {
			return objectMapper.readTree(json);
		}
		catch (Exception ex) {
			throw new IllegalArgumentException(ex);
		}
	}

}
