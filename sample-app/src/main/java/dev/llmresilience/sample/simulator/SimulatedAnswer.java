package dev.llmresilience.sample.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.lang.Nullable;

/**
 * The deterministic answer the simulator gives, one of:
 * <ul>
 * <li>a call of a tool, when the request offers tools and its last user turn holds no
 * tool result yet (or names the tool to call), its input the smallest that fits the
 * tool's schema;</li>
 * <li>the smallest JSON that fits the output schema ({@code output_config.format} of the
 * Messages API, {@code response_format} of Chat Completions);</li>
 * <li>a short text that names the model and echoes the start of the last user turn and
 * the images it holds, or once tool results are in, what the tools said.</li>
 * </ul>
 * Text comes in one chunk per word, JSON in chunks of {@value #JSON_CHUNK} characters.
 * Each chunk counts as one output token, so {@code max_tokens} cuts a text or JSON answer
 * exactly as it cuts a real one. The ids of tool calls are left to each wire format,
 * which has its own style of them.
 *
 * @param chunks the text, or the tool's input, in the pieces a stream sends, in order
 * @param stopReason {@code end_turn}, {@code tool_use}, or {@code max_tokens} if the
 * answer was cut, as the Messages API names them
 * @param tool the name of the tool called, or {@code null} for a text answer
 */
record SimulatedAnswer(List<String> chunks, String stopReason, @Nullable String tool) {

	private static final int MAX_ECHO_LENGTH = 60;

	private static final int JSON_CHUNK = 8;

	SimulatedAnswer {
		chunks = List.copyOf(chunks);
	}

	static SimulatedAnswer of(SimulatedRequest request) {
		String tool = toolToCall(request);
		if (tool != null) {
			JsonNode input = MinimalJson.fitting(request.inputSchemaOf(tool));
			String json = (input.isObject() ? input : JsonNodeFactory.instance.objectNode()).toString();
			return new SimulatedAnswer(split(json), "tool_use", tool);
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
	private static String toolToCall(SimulatedRequest request) {
		List<SimulatedRequest.Tool> tools = request.tools();
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

	private static String text(SimulatedRequest request) {
		if (!request.toolResults().isEmpty()) {
			return "Hello from " + request.model() + ". The tool said: \""
					+ echo(String.join(" ", request.toolResults())) + "\". This is a simulated answer.";
		}
		int images = request.lastUserImages();
		return "Hello from " + request.model() + ". You said: \"" + echo(request.lastUserText()) + "\""
				+ ((images > 0) ? " and sent " + images + ((images == 1) ? " image" : " images") : "")
				+ ". This is a simulated answer.";
	}

	private static SimulatedAnswer cut(List<String> chunks, SimulatedRequest request) {
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
	 * Return the chunks a stream sends: all of them, or the first half (at least one) if
	 * it breaks off.
	 * @param breaksOff whether the stream breaks off
	 * @return the chunks, in order
	 */
	List<String> chunksSent(boolean breaksOff) {
		return breaksOff ? this.chunks.subList(0, Math.max(1, this.chunks.size() / 2)) : this.chunks;
	}

	/**
	 * Return chunks spaced like a model generating them: each one after the chunk
	 * interval.
	 * @param chunks the chunks
	 * @param chunkInterval the time before each chunk
	 * @return the chunks, in order
	 */
	static Flux<String> paced(List<String> chunks, Duration chunkInterval) {
		Mono<Long> pause = chunkInterval.isZero() ? Mono.empty() : Mono.delay(chunkInterval);
		return Flux.fromIterable(chunks).concatMap((chunk) -> pause.thenReturn(chunk));
	}

}
