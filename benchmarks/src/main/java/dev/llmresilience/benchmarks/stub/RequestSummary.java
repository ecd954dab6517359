package dev.llmresilience.benchmarks.stub;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The two fields of a request body the stub cares about, read with Jackson's streaming parser so
 * that the stub spends as little CPU as it can (it shares the machine with the client measured).
 *
 * @param model the requested model, or {@code "unknown"}
 * @param stream whether the request asks for a stream
 */
record RequestSummary(String model, boolean stream) {

	private static final JsonFactory JSON = new JsonFactory();

	/**
	 * Read the top-level {@code model} and {@code stream} fields of a JSON body.
	 * @param body the body
	 * @return the summary
	 * @throws IOException if the body is not JSON
	 */
	static RequestSummary read(byte[] body) throws IOException {
		String model = "unknown";
		boolean stream = false;
		try (JsonParser parser = JSON.createParser(body)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return new RequestSummary(model, false);
			}
			while (parser.nextToken() == JsonToken.FIELD_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if ("model".equals(name) && value == JsonToken.VALUE_STRING) {
					model = parser.getText();
				}
				else if ("stream".equals(name)) {
					stream = value == JsonToken.VALUE_TRUE;
				}
				else {
					parser.skipChildren();
				}
			}
		}
		return new RequestSummary(model, stream);
	}

}
