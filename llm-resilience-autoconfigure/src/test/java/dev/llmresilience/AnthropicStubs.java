package dev.llmresilience;

import java.util.Arrays;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;

/**
 * WireMock responses in the Anthropic Messages wire format, and a way to serve them in
 * turn.
 */
final class AnthropicStubs {

	static final String MESSAGES = "/v1/messages";

	private AnthropicStubs() {
	}

	/**
	 * A whole message whose text is the given one.
	 */
	static ResponseDefinitionBuilder message(String text) {
		return aResponse().withHeader("Content-Type", "application/json").withBody("""
				{"id":"msg_1","type":"message","role":"assistant","model":"claude-test",
				 "content":[{"type":"text","text":"%s"}],"stop_reason":"end_turn",
				 "usage":{"input_tokens":5,"output_tokens":2}}""".formatted(text));
	}

	/**
	 * An error response with the given status and Anthropic error type.
	 */
	static ResponseDefinitionBuilder error(int status, String type) {
		return aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + type + " (test)\"}}");
	}

	/**
	 * A 529 overloaded error.
	 */
	static ResponseDefinitionBuilder overloaded() {
		return error(529, "overloaded_error");
	}

	/**
	 * A complete event stream whose text deltas are the given ones.
	 */
	static ResponseDefinitionBuilder stream(String... deltas) {
		return events(messageStart() + deltas(deltas) + """
				event: message_delta
				data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}

				event: message_stop
				data: {"type":"message_stop"}

				""");
	}

	/**
	 * An event stream that sends the given text deltas, then an overloaded error event.
	 */
	static ResponseDefinitionBuilder streamFailingAfter(String... deltas) {
		return events(messageStart() + deltas(deltas) + """
				event: error
				data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}

				""");
	}

	private static ResponseDefinitionBuilder events(String body) {
		return aResponse().withHeader("Content-Type", "text/event-stream").withBody(body);
	}

	private static String messageStart() {
		return """
				event: message_start
				data: {"type":"message_start","message":{"id":"msg_2","type":"message","role":"assistant","model":"claude-test","content":[],"usage":{"input_tokens":5,"output_tokens":1}}}

				event: content_block_start
				data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

				""";
	}

	private static String deltas(String... deltas) {
		return Arrays.stream(deltas).map((text) -> """
				event: content_block_delta
				data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"%s"}}

				""".formatted(text)).collect(Collectors.joining());
	}

	/**
	 * Serve the responses to successive requests in turn, the last one to every later
	 * request.
	 */
	static void respondInTurn(WireMockServer server, ResponseDefinitionBuilder... responses) {
		for (int i = 0; i < responses.length; i++) {
			ScenarioMappingBuilder stub = post(MESSAGES).inScenario("in turn")
				.whenScenarioStateIs((i == 0) ? Scenario.STARTED : "request " + (i + 1))
				.willReturn(responses[i]);
			if (i + 1 < responses.length) {
				stub = stub.willSetStateTo("request " + (i + 2));
			}
			server.stubFor(stub);
		}
	}

}
