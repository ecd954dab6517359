package dev.llmresilience.sample.simulator;

import java.util.List;

/**
 * What the request log shows of one request the simulator received: through which API,
 * and what it read from it.
 *
 * @param api the API the request came through
 * @param model the model name
 * @param stream whether the answer was asked for as a stream
 * @param inputTokens the estimate of the prompt's tokens
 * @param lastUserText the text of the last user turn
 * @param lastUserImages the images of the last user turn
 * @param toolResults the text of each tool result given since the model's last turn
 * @param tools the names of the tools offered
 */
record ReceivedRequest(SimulatedApi api, String model, boolean stream, long inputTokens, String lastUserText,
		int lastUserImages, List<String> toolResults, List<String> tools) {

	static ReceivedRequest of(SimulatedApi api, SimulatedRequest request) {
		return new ReceivedRequest(api, request.model(), request.stream(), request.inputTokens(),
				request.lastUserText(), request.lastUserImages(), request.toolResults(),
				request.tools().stream().map(SimulatedRequest.Tool::name).toList());
	}

}
