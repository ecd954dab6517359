package dev.llmresilience.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * A request as the {@link FakeProviderServer} received it. The headers that carry
 * credentials ({@code x-api-key}, {@code api-key}, {@code authorization},
 * {@code proxy-authorization}) are {@value #REDACTED}; {@link #sentApiKey(String)} still
 * tells which key came, from a digest.
 */
public final class ReceivedRequest {

	/** What stands in the headers in place of a credential. */
	public static final String REDACTED = "[redacted]";

	private static final Set<String> CREDENTIAL_HEADERS = Set.of("x-api-key", "api-key", "authorization",
			"proxy-authorization");

	private static final JsonFactory JSON = new JsonFactory();

	private static final ObjectMapper MAPPER = new ObjectMapper();

	private final long number;

	private final long receivedAt;

	private final String method;

	private final String uri;

	private final WireFormat wireFormat;

	private final HttpHeaders headers;

	private final List<byte[]> credentialDigests;

	private final byte[] body;

	private final String model;

	private final boolean stream;

	private final String tag;

	private final int attempt;

	private volatile JsonNode parsedBody;

	private ReceivedRequest(long number, long receivedAt, String method, String uri, HttpHeaders headers,
			List<byte[]> credentialDigests, byte[] body, Summary summary, int attempt) {
		this.number = number;
		this.receivedAt = receivedAt;
		this.method = method;
		this.uri = uri;
		this.wireFormat = WireFormat.forPath(uri);
		this.headers = headers;
		this.credentialDigests = credentialDigests;
		this.body = body;
		this.model = summary.model();
		this.stream = summary.stream();
		this.tag = summary.tag();
		this.attempt = attempt;
	}

	/**
	 * Read a request, keeping a copy of its headers with the credentials redacted.
	 * @param number its number, from 1, in the order of arrival
	 * @param receivedAt when it arrived, in {@link System#nanoTime()}
	 * @param method the HTTP method
	 * @param uri the request URI, path and query
	 * @param headers the headers as received
	 * @param body the body
	 * @param attempts numbers a request among those with the same tag and model
	 * @return the request
	 */
	static ReceivedRequest read(long number, long receivedAt, String method, String uri, HttpHeaders headers,
			byte[] body, AttemptCounter attempts) {
		HttpHeaders redacted = new DefaultHttpHeaders();
		List<byte[]> digests = new ArrayList<>();
		for (Map.Entry<String, String> header : headers) {
			if (CREDENTIAL_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
				digests.add(digest(credential(header.getValue())));
				redacted.add(header.getKey(), REDACTED);
			}
			else {
				redacted.add(header.getKey(), header.getValue());
			}
		}
		Summary summary = Summary.of(body);
		int attempt = (summary.tag() != null) ? attempts.next(summary.tag(), summary.model()) : 0;
		return new ReceivedRequest(number, receivedAt, method, uri, redacted, List.copyOf(digests), body, summary,
				attempt);
	}

	private static String credential(String value) {
		String trimmed = value.trim();
		return trimmed.regionMatches(true, 0, "Bearer ", 0, 7) ? trimmed.substring(7).trim() : trimmed;
	}

	private static byte[] digest(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return the number of the request, from 1, in the order the server received them.
	 * @return the number
	 */
	public long number() {
		return this.number;
	}

	/**
	 * Return when the request arrived, its body read.
	 * @return the time in {@link System#nanoTime()}
	 */
	public long receivedAt() {
		return this.receivedAt;
	}

	public String method() {
		return this.method;
	}

	/**
	 * Return the request URI as received, path and query.
	 * @return the URI
	 */
	public String uri() {
		return this.uri;
	}

	/**
	 * Return the wire format of the path the request was posted to.
	 * @return the format, or {@code null} for a path of neither
	 */
	public WireFormat wireFormat() {
		return this.wireFormat;
	}

	/**
	 * Return the headers, the credentials among them {@value #REDACTED}.
	 * @return a copy of the headers
	 */
	public HttpHeaders headers() {
		return this.headers;
	}

	/**
	 * Return whether a credential header carried exactly this key: {@code x-api-key} or
	 * {@code api-key} as it is, {@code authorization} with or without {@code Bearer}.
	 * @param key the key
	 * @return {@code true} if one of them did
	 */
	public boolean sentApiKey(String key) {
		byte[] digest = digest(key);
		return this.credentialDigests.stream().anyMatch((candidate) -> Arrays.equals(candidate, digest));
	}

	/**
	 * Return the body as text.
	 * @return the body, UTF-8 decoded
	 */
	public String bodyText() {
		return new String(this.body, StandardCharsets.UTF_8);
	}

	/**
	 * Return the body as JSON.
	 * @return the body, a missing node if it is not JSON
	 */
	public JsonNode body() {
		JsonNode parsed = this.parsedBody;
		if (parsed == null) {
			parsed = parse(this.body);
			this.parsedBody = parsed;
		}
		return parsed;
	}

	private static JsonNode parse(byte[] body) {
		try {
			JsonNode node = MAPPER.readTree(body);
			return (node != null) ? node : MissingNode.getInstance();
		}
		catch (IOException ex) {
			return MissingNode.getInstance();
		}
	}

	/**
	 * Return the turns of the body: its {@code messages}, which in OpenAI's format also
	 * hold the system prompt and the tool results.
	 * @return the array, a missing node if there is none
	 */
	public JsonNode messages() {
		return body().path("messages");
	}

	/**
	 * Return the role of each turn, in order: {@code user} and {@code assistant}, and in
	 * OpenAI's format {@code system} and {@code tool}.
	 * @return the roles
	 */
	public List<String> roles() {
		List<String> roles = new ArrayList<>();
		messages().forEach((message) -> roles.add(message.path("role").asText()));
		return roles;
	}

	/**
	 * Return the names of the tools offered, in either wire format.
	 * @return the names, in order, empty for none
	 */
	public List<String> toolNames() {
		List<String> names = new ArrayList<>();
		for (JsonNode tool : body().path("tools")) {
			JsonNode name = (this.wireFormat == WireFormat.OPENAI) ? tool.path("function").path("name")
					: tool.path("name");
			names.add(name.asText());
		}
		return names;
	}

	/**
	 * Return the ids of the tool calls the assistant turns hold, in either wire format:
	 * Anthropic's {@code tool_use} blocks, OpenAI's {@code tool_calls}.
	 * @return the ids, in order, empty for none
	 */
	public List<String> toolCallIds() {
		List<String> ids = new ArrayList<>();
		for (JsonNode message : messages()) {
			if (this.wireFormat == WireFormat.OPENAI) {
				message.path("tool_calls").forEach((call) -> ids.add(call.path("id").asText()));
			}
			else {
				blocks(message, "tool_use").forEach((block) -> ids.add(block.path("id").asText()));
			}
		}
		return ids;
	}

	/**
	 * Return the ids of the calls that the tool results sent answer, in either wire
	 * format: Anthropic's {@code tool_result} blocks, OpenAI's {@code role: tool}
	 * messages.
	 * @return the ids, in order, empty for none
	 */
	public List<String> toolResultIds() {
		List<String> ids = new ArrayList<>();
		for (JsonNode message : messages()) {
			if (this.wireFormat == WireFormat.OPENAI) {
				if ("tool".equals(message.path("role").asText())) {
					ids.add(message.path("tool_call_id").asText());
				}
			}
			else {
				blocks(message, "tool_result").forEach((block) -> ids.add(block.path("tool_use_id").asText()));
			}
		}
		return ids;
	}

	private static List<JsonNode> blocks(JsonNode message, String type) {
		List<JsonNode> blocks = new ArrayList<>();
		message.path("content").forEach((block) -> {
			if (type.equals(block.path("type").asText())) {
				blocks.add(block);
			}
		});
		return blocks;
	}

	/**
	 * Return the {@code model} of the body.
	 * @return the model name, empty if there is none
	 */
	public String model() {
		return this.model;
	}

	/**
	 * Return whether the body asks for a stream.
	 * @return {@code true} if its {@code stream} is {@code true}
	 */
	public boolean stream() {
		return this.stream;
	}

	/**
	 * Return the logical request this one belongs to, by the {@code metadata.user_id} of
	 * its body, which tests set to tell the upstream calls of one logical request (its
	 * retries and fallbacks) apart from the others.
	 * @return the tag, or {@code null} if there is none
	 */
	public String tag() {
		return this.tag;
	}

	/**
	 * Return the number of this request among those with the same tag and model.
	 * @return the number, from 1; 0 for a request without a tag
	 */
	public int attempt() {
		return this.attempt;
	}

	@Override
	public String toString() {
		return "#" + this.number + " " + this.method + " " + this.uri + " model=" + this.model
				+ (this.stream ? " stream" : "") + ((this.tag != null) ? " tag=" + this.tag : "");
	}

	/**
	 * Counts the requests of each tag and model.
	 */
	@FunctionalInterface
	interface AttemptCounter {

		int next(String tag, String model);

	}

	/**
	 * The fields the server itself needs, read with Jackson's streaming parser so that a
	 * busy fake (the benchmarks') spends little CPU on them.
	 */
	private record Summary(String model, boolean stream, String tag) {

		static Summary of(byte[] body) {
			String model = "";
			boolean stream = false;
			String tag = null;
			try (JsonParser parser = JSON.createParser(body)) {
				if (parser.nextToken() != JsonToken.START_OBJECT) {
					return new Summary(model, false, null);
				}
				while (parser.nextToken() == JsonToken.FIELD_NAME) {
					String name = parser.currentName();
					JsonToken value = parser.nextToken();
					if (name.equals("model") && value == JsonToken.VALUE_STRING) {
						model = parser.getText();
					}
					else if (name.equals("stream")) {
						stream = value == JsonToken.VALUE_TRUE;
					}
					else if (name.equals("metadata") && value == JsonToken.START_OBJECT) {
						tag = userId(parser);
					}
					else {
						parser.skipChildren();
					}
				}
			}
			catch (IOException ex) {
				// not JSON, or not all of it: what was read so far stands
			}
			return new Summary(model, stream, tag);
		}

		private static String userId(JsonParser parser) throws IOException {
			String userId = null;
			while (parser.nextToken() == JsonToken.FIELD_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if (name.equals("user_id") && value == JsonToken.VALUE_STRING) {
					userId = parser.getText();
				}
				else {
					parser.skipChildren();
				}
			}
			return userId;
		}

	}

}
