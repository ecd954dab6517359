package dev.llmresilience.sample.simulator;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import org.springframework.lang.Nullable;

/**
 * The deterministic answer the simulator gives, one of:
 * <ul>
 * <li>a call of a tool, when the request offers tools and its last user turn holds no
 * tool result yet (or names the tool to call), its input the smallest that fits the
 * tool's schema;</li>
 * <li>the smallest JSON that fits the schema of {@code output_config.format};</li>
 * <li>a short text that names the model and echoes the start of the last user turn and
 * the images it holds, or once tool results are in, what the tools said.</li>
 * </ul>
 * Text comes in one chunk per word, JSON in chunks of {@value #JSON_CHUNK} characters.
 * Each chunk counts as one output token, so {@code max_tokens} cuts a text or JSON answer
 * exactly as it cuts a real one.
 *
 * @param chunks the text, or the tool's input, in the pieces a stream sends, in order
 * @param stopReason {@code end_turn}, {@code tool_use}, or {@code max_tokens} if the
 * answer was cut
 * @param toolUse the tool call, or {@code null} for a text answer
 */
record SimulatedAnswer(List<String> chunks, String stopReason, @Nullable ToolUse toolUse) {

	private static final int MAX_ECHO_LENGTH = 60;

	private static final int JSON_CHUNK = 8;

	SimulatedAnswer {
		chunks = List.copyOf(chunks);
	}

	static SimulatedAnswer of(MessagesRequest request) {
		String tool = toolToCall(request);
		if (tool != null) {
			JsonNode input = MinimalJson.fitting(request.inputSchemaOf(tool));
			String json = (input.isObject() ? input : JsonNodeFactory.instance.objectNode()).toString();
			return new SimulatedAnswer(split(json), "tool_use", new ToolUse(MessagesHandler.newId("toolu_sim_"), tool));
		}
		if (request.outputSchema() != null) {
			return cut(split(MinimalJson.fitting(request.outputSchema()).toString()), request);
		}
		List<String> chunks = new ArrayList<>();
		String[] words = text(request).split(" ");
		for (int i = 0; i < words.length; i++) {
			chunks.add((i < words.length - 1) ? words[i] + " " : words[i]);
		}
		return cut(chunks, request);
	}

	/**
	 * Return the tool the answer calls: the one {@code tool_choice} names; else, with
	 * tools offered and no tool result in, the first one; else, when a tool must be
	 * called ({@code any}), the last one, where a client puts the tool of a structured
	 * answer; else none.
	 */
	@Nullable
	private static String toolToCall(MessagesRequest request) {
		List<MessagesRequest.Tool> tools = request.tools();
		if (tools.isEmpty() || request.toolChoice().equals("none")) {
			return null;
		}
		if (request.toolChoice().equals("tool")) {
			return request.chosenTool();
		}
		if (request.toolResults().isEmpty()) {
			return tools.get(0).name();
		}
		return request.toolChoice().equals("any") ? tools.get(tools.size() - 1).name() : null;
	}

	private static String text(MessagesRequest request) {
		if (!request.toolResults().isEmpty()) {
			return "Hello from " + request.model() + ". The tool said: \""
					+ echo(String.join(" ", request.toolResults())) + "\". This is a simulated answer.";
		}
		int images = request.lastUserImages();
		return "Hello from " + request.model() + ". You said: \"" + echo(request.lastUserText()) + "\""
				+ ((images > 0) ? " and sent " + images + ((images == 1) ? " image" : " images") : "")
				+ ". This is a simulated answer.";
	}

	private static SimulatedAnswer cut(List<String> chunks, MessagesRequest request) {
		if (chunks.size() > request.maxTokens()) {
			return new SimulatedAnswer(chunks.subList(0, request.maxTokens()), "max_tokens", null);
		}
		return new SimulatedAnswer(chunks, "end_turn", null);
	}

	private static List<String> split(String json) {
		List<String> chunks = new ArrayList<>();
		for (int from = 0; from < json.length(); from += JSON_CHUNK) {
			chunks.add(json.substring(from, Math.min(json.length(), from + JSON_CHUNK)));
		}
		return chunks;
	}

	private static String echo(String text) {
		String echo = text.strip().replaceAll("\\s+", " ");
		return (echo.length() > MAX_ECHO_LENGTH) ? echo.substring(0, MAX_ECHO_LENGTH - 3) + "..." : echo;
	}

	String text() {
		return String.join("", this.chunks);
	}

	long outputTokens() {
		return this.chunks.size();
	}

	/**
	 * A call of a tool.
	 *
	 * @param id the call's id
	 * @param name the tool's name
	 */
	record ToolUse(String id, String name) {

	}

}
