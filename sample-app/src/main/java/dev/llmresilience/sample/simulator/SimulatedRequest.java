package dev.llmresilience.sample.simulator;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import org.springframework.lang.Nullable;

/**
 * What the simulator reads from a request, whichever API it came through: the same
 * request gets the same {@link SimulatedAnswer} from both.
 *
 * @param model the model name
 * @param maxTokens the output token limit
 * @param stream whether the answer is streamed
 * @param inputTokens an estimate of the prompt's tokens: about four characters each of
 * text, tool definitions, tool inputs and results, and {@value #IMAGE_TOKENS} an image
 * @param lastUserText the text of the last user turn, empty if there is none
 * @param lastUserImages the images of the last user turn
 * @param toolResults the text of each tool result given since the model's last turn,
 * empty if there is none
 * @param tools the tools offered, empty for none
 * @param toolChoice {@code auto}, {@code any}, {@code tool} or {@code none}
 * @param chosenTool the tool that must be called with {@code tool_choice} {@code tool},
 * or {@code null}
 * @param outputSchema the schema the answer must fit, or {@code null}
 */
record SimulatedRequest(String model, int maxTokens, boolean stream, long inputTokens, String lastUserText,
		int lastUserImages, List<String> toolResults, List<Tool> tools, String toolChoice, @Nullable String chosenTool,
		@Nullable JsonNode outputSchema) {

	/** The tokens an image is counted as: what a picture of about a megapixel costs. */
	static final int IMAGE_TOKENS = 1600;

	SimulatedRequest {
		toolResults = List.copyOf(toolResults);
		tools = List.copyOf(tools);
	}

	/**
	 * Return the estimate of a prompt's tokens.
	 * @param characters the characters of its text, tool definitions, tool inputs and
	 * results
	 * @param images its images
	 * @return the tokens, at least one
	 */
	static long inputTokens(long characters, long images) {
		return Math.max(1, (characters + 3) / 4) + images * IMAGE_TOKENS;
	}

	/**
	 * Return the input schema of a tool offered.
	 * @param name the tool's name
	 * @return the schema, an empty one if no such tool is offered
	 */
	JsonNode inputSchemaOf(String name) {
		return this.tools.stream()
			.filter((tool) -> tool.name().equals(name))
			.map(Tool::inputSchema)
			.findFirst()
			.orElseGet(MissingNode::getInstance);
	}

	/**
	 * A tool offered.
	 *
	 * @param name its name
	 * @param inputSchema the JSON Schema of its input
	 */
	record Tool(String name, JsonNode inputSchema) {

	}

}
