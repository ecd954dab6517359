package dev.llmresilience.sample.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic answer the simulator gives: a short text that names the model and
 * echoes the start of the last user turn, cut into one chunk per word. Each chunk counts
 * as one output token, so {@code max_tokens} cuts the answer exactly as it cuts a real
 * one.
 *
 * @param chunks the text in the pieces a stream sends, in order
 * @param stopReason {@code end_turn}, or {@code max_tokens} if the answer was cut
 */
record SimulatedAnswer(List<String> chunks, String stopReason) {

	private static final int MAX_ECHO_LENGTH = 60;

	SimulatedAnswer {
		chunks = List.copyOf(chunks);
	}

	static SimulatedAnswer of(MessagesRequest request) {
		String text = "Hello from " + request.model() + ". You said: \"" + echo(request.lastUserText())
				+ "\". This is a simulated answer.";
		List<String> chunks = new ArrayList<>();
		String[] words = text.split(" ");
		for (int i = 0; i < words.length; i++) {
			chunks.add((i < words.length - 1) ? words[i] + " " : words[i]);
		}
		if (chunks.size() > request.maxTokens()) {
			return new SimulatedAnswer(chunks.subList(0, request.maxTokens()), "max_tokens");
		}
		return new SimulatedAnswer(chunks, "end_turn");
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

}
