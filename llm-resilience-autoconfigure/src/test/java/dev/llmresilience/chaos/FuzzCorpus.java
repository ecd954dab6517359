package dev.llmresilience.chaos;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.llmresilience.test.WireFormat;

/**
 * A generated corpus of bad responses for the provider parsers: seeded random mutations
 * of valid Anthropic Messages and OpenAI Chat Completions bodies, whole and streamed.
 * Truncations, byte flips, invalid UTF-8, huge strings, deep nesting, missing fields,
 * wrong types, oversized and malformed events, odd statuses and content types, and bodies
 * sent in small chunks.
 */
final class FuzzCorpus {

	private static final ObjectMapper MAPPER = new ObjectMapper();

	private static final String DEEP = "__fuzz_deep__";

	private static final List<String> PIECES = List.of("Hello, ", "fuzz ", "world");

	private final WireFormat wire;

	private final boolean stream;

	private final int maxResponseSize;

	private final Random random;

	private FuzzCorpus(WireFormat wire, boolean stream, int maxResponseSize, long seed) {
		this.wire = wire;
		this.stream = stream;
		this.maxResponseSize = maxResponseSize;
		this.random = new Random(seed);
	}

	/**
	 * Generate cases.
	 * @param wire the wire format
	 * @param stream whether the cases answer streaming requests
	 * @param count how many
	 * @param maxResponseSize the client's limit, so that some bodies and events exceed it
	 * @param seed the seed of the mutations
	 * @param firstNumber the number of the first case
	 * @return the cases
	 */
	static List<FuzzCase> generate(WireFormat wire, boolean stream, int count, int maxResponseSize, long seed,
			int firstNumber) {
		FuzzCorpus corpus = new FuzzCorpus(wire, stream, maxResponseSize, seed);
		List<FuzzCase> cases = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			cases.add(corpus.next(firstNumber + i));
		}
		return cases;
	}

	private FuzzCase next(int number) {
		int dice = this.random.nextInt(100);
		if (dice < 12) {
			return errorStatus(number);
		}
		if (this.stream && dice < 20) {
			// a JSON body where events were asked for
			String body = mutateJson(base());
			return new FuzzCase(number, "json instead of events", 200, "application/json", bytes(body), chunks());
		}
		if (!this.stream && dice < 16) {
			String body = mutateJson(errorBody());
			return new FuzzCase(number, "error object in a 200", 200, "application/json", bytes(body), chunks());
		}
		if (this.stream) {
			return eventCase(number);
		}
		return jsonCase(number);
	}

	private FuzzCase jsonCase(int number) {
		String mutation = pick("truncated", "byte flips", "invalid utf-8", "huge string", "deep nesting",
				"missing field", "wrong type", "odd number", "garbage around", "empty", "odd content type");
		String body = base();
		byte[] bytes = switch (mutation) {
			case "truncated" -> truncate(bytes(body));
			case "byte flips" -> flip(bytes(body));
			case "invalid utf-8" -> invalidUtf8(bytes(body));
			case "huge string" -> bytes(hugeString(body));
			case "deep nesting" -> bytes(deepNesting(body));
			case "missing field" -> bytes(removeField(body));
			case "wrong type" -> bytes(wrongType(body));
			case "odd number" -> bytes(oddNumber(body));
			case "garbage around" -> bytes(garbage() + body + garbage());
			case "empty" -> bytes(pick("", " ", "null", "[]", "{}", "\"text\"", "0", "true"));
			default -> bytes(body);
		};
		String contentType = mutation.equals("odd content type")
				? pick("text/html", "text/plain", null, "text/event-stream", "application/json; charset=latin1")
				: "application/json";
		return new FuzzCase(number, mutation, 200, contentType, bytes, chunks());
	}

	private FuzzCase eventCase(int number) {
		String mutation = pick("truncated", "byte flips", "invalid utf-8", "no terminal event", "event json mutated",
				"oversized event", "events merged", "crlf", "cr only", "duplicated event", "shuffled",
				"multi-line data", "comments and unknown events", "error event", "huge total");
		List<String> events = new ArrayList<>(baseEvents());
		byte[] bytes = switch (mutation) {
			case "truncated" -> truncate(bytes(String.join("", events)));
			case "byte flips" -> flip(bytes(String.join("", events)));
			case "invalid utf-8" -> invalidUtf8(bytes(String.join("", events)));
			case "no terminal event" -> {
				events.remove(events.size() - 1);
				yield bytes(String.join("", events));
			}
			case "event json mutated" -> {
				int index = this.random.nextInt(events.size());
				events.set(index, mutateEventData(events.get(index)));
				yield bytes(String.join("", events));
			}
			case "oversized event" -> {
				int index = this.random.nextInt(events.size());
				events.add(index,
						event("content_block_delta",
								"{\"type\":\"content_block_delta\",\"index\":0,"
										+ "\"delta\":{\"type\":\"text_delta\",\"text\":\""
										+ "x".repeat(this.maxResponseSize + 10) + "\"}}"));
				yield bytes(String.join("", events));
			}
			case "events merged" -> bytes(String.join("", events).replace("\n\n", "\n"));
			case "crlf" -> bytes(String.join("", events).replace("\n", "\r\n"));
			case "cr only" -> bytes(String.join("", events).replace("\n", "\r"));
			case "duplicated event" -> {
				int index = this.random.nextInt(events.size());
				events.add(index, events.get(index));
				yield bytes(String.join("", events));
			}
			case "shuffled" -> {
				Collections.shuffle(events, this.random);
				yield bytes(String.join("", events));
			}
			case "multi-line data" -> bytes(String.join("", events).replace(",\"", ",\ndata: \""));
			case "comments and unknown events" -> {
				for (int i = 0; i < 3; i++) {
					events.add(this.random.nextInt(events.size()),
							pick(": keep-alive\n\n", "event: mystery\ndata: {}\n\n", "data:\n\n",
									"id: 7\nretry: 10\n\n", "event: ping\n\n", "data: \n\n", ":\n\n"));
				}
				yield bytes(String.join("", events));
			}
			case "error event" -> {
				events.add(this.random.nextInt(events.size()), event("error", mutateJson(errorBody())));
				yield bytes(String.join("", events));
			}
			default -> {
				// many small events, more than the limit in total but none over it
				List<String> many = new ArrayList<>(events.subList(0, 2));
				String piece = "y".repeat(1000);
				for (int i = 0; i < (2 * this.maxResponseSize) / 1000; i++) {
					many.add(delta(piece));
				}
				many.addAll(events.subList(events.size() - 3, events.size()));
				yield bytes(String.join("", many));
			}
		};
		String contentType = (this.random.nextInt(20) == 0)
				? pick("text/event-stream; charset=utf-8", "text/plain", null) : "text/event-stream";
		return new FuzzCase(number, mutation, 200, contentType, bytes, chunks());
	}

	private FuzzCase errorStatus(int number) {
		int status = pick(400, 401, 402, 403, 404, 408, 409, 413, 418, 422, 429, 500, 502, 503, 504, 529, 302, 307);
		String body = switch (this.random.nextInt(5)) {
			case 0 -> errorBody();
			case 1 -> mutateJson(errorBody());
			case 2 -> "<html><body>Bad gateway</body></html>";
			case 3 -> "x".repeat(this.maxResponseSize * 2);
			default -> new String(truncate(bytes(errorBody())), StandardCharsets.UTF_8);
		};
		String contentType = pick("application/json", "text/html", null);
		return new FuzzCase(number, "status " + status, status, contentType, bytes(body), chunks());
	}

	private String mutateJson(String json) {
		return switch (this.random.nextInt(7)) {
			case 0 -> new String(truncate(bytes(json)), StandardCharsets.UTF_8);
			case 1 -> removeField(json);
			case 2 -> wrongType(json);
			case 3 -> hugeString(json);
			case 4 -> deepNesting(json);
			case 5 -> oddNumber(json);
			default -> json;
		};
	}

	private String mutateEventData(String event) {
		int start = event.indexOf("data: ");
		if (start < 0) {
			return event;
		}
		int end = event.indexOf('\n', start);
		String data = event.substring(start + 6, end);
		if (!data.startsWith("{")) {
			return event;
		}
		return event.substring(0, start + 6) + mutateJson(data).replace("\n", "") + event.substring(end);
	}

	private byte[] truncate(byte[] body) {
		return Arrays.copyOf(body, (body.length > 1) ? this.random.nextInt(body.length) : 0);
	}

	private byte[] flip(byte[] body) {
		byte[] flipped = body.clone();
		int flips = 1 + this.random.nextInt(8);
		for (int i = 0; i < flips && flipped.length > 0; i++) {
			flipped[this.random.nextInt(flipped.length)] = (byte) this.random.nextInt(256);
		}
		return flipped;
	}

	private byte[] invalidUtf8(byte[] body) {
		byte[] sequence = pick(new byte[] { (byte) 0xC3, 0x28 }, new byte[] { (byte) 0xFF, (byte) 0xFE },
				new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, new byte[] { (byte) 0xF0, (byte) 0x9F },
				new byte[] { (byte) 0xC0, (byte) 0xAF }, new byte[] { 0 });
		int at = this.random.nextInt(body.length + 1);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(body, 0, at);
		out.writeBytes(sequence);
		out.write(body, at, body.length - at);
		return out.toByteArray();
	}

	private String hugeString(String json) {
		int size = pick(this.maxResponseSize / 2, this.maxResponseSize * 2, 1000);
		String huge = pick("a", "é", "\uD83D\uDE00", "\\\"", "\\u0000").repeat(size / 2);
		return replaceRandomNode(json, "\"" + huge + "\"");
	}

	private String deepNesting(String json) {
		int depth = pick(10, 200, 999, 1001, 5000);
		boolean arrays = this.random.nextBoolean();
		String open = arrays ? "[" : "{\"a\":";
		String close = arrays ? "]" : "}";
		return replaceRandomNode(json, open.repeat(depth) + "1" + close.repeat(depth));
	}

	private String oddNumber(String json) {
		return replaceRandomNode(json, pick("1e999", "-1", "99999999999999999999999999", "-0", "1.5", "NaN", "0x10",
				"01", "-9223372036854775809"));
	}

	/**
	 * Put the given JSON text in place of a randomly chosen node of the document.
	 */
	private String replaceRandomNode(String json, String replacement) {
		JsonNode root = read(json);
		List<Slot> slots = slots(root);
		if (slots.isEmpty()) {
			return replacement;
		}
		slots.get(this.random.nextInt(slots.size())).set(TextNode.valueOf(DEEP));
		return root.toString().replace("\"" + DEEP + "\"", replacement);
	}

	private String removeField(String json) {
		JsonNode root = read(json);
		List<Slot> slots = slots(root);
		if (!slots.isEmpty()) {
			slots.get(this.random.nextInt(slots.size())).remove();
		}
		return root.toString();
	}

	private String wrongType(String json) {
		JsonNode root = read(json);
		List<Slot> slots = slots(root);
		if (!slots.isEmpty()) {
			slots.get(this.random.nextInt(slots.size())).set(randomValue());
		}
		return root.toString();
	}

	private JsonNode randomValue() {
		JsonNodeFactory nodes = JsonNodeFactory.instance;
		return switch (this.random.nextInt(10)) {
			case 0 -> NullNode.getInstance();
			case 1 -> BooleanNode.valueOf(this.random.nextBoolean());
			case 2 -> IntNode.valueOf(this.random.nextInt());
			case 3 -> LongNode.valueOf(Long.MIN_VALUE);
			case 4 -> DoubleNode.valueOf(-1.5e300);
			case 5 -> TextNode.valueOf(pick("", "\u0000", "\uD83D\uDE00", "message_stop", "error", "[DONE]", "text"));
			case 6 -> nodes.arrayNode().add(nodes.objectNode());
			case 7 -> nodes.objectNode().put("type", pick("text", "error", "text_delta", "message"));
			case 8 -> BigIntegerNode.valueOf(new BigInteger("9".repeat(40)));
			default -> nodes.arrayNode();
		};
	}

	private String garbage() {
		return pick("", "\uFEFF", "\u0000", ")]}'\n", "<!-- -->", "   \n\t", "data: ");
	}

	private List<Integer> chunks() {
		// most bodies in one piece with a content-length, some in small chunks, which
		// splits
		// events and multi-byte characters across reads
		if (this.random.nextInt(4) != 0) {
			return List.of();
		}
		List<Integer> sizes = new ArrayList<>();
		for (int i = 0; i < 64; i++) {
			sizes.add(1 + this.random.nextInt(48));
		}
		return sizes;
	}

	private String base() {
		return this.wire.message(model(), PIECES, 9);
	}

	private String model() {
		return (this.wire == WireFormat.ANTHROPIC) ? "claude-fuzz" : "gpt-fuzz";
	}

	private String errorBody() {
		return switch (this.wire) {
			case ANTHROPIC -> "{\"type\":\"error\",\"error\":{\"type\":\"" + pick("overloaded_error", "api_error",
					"rate_limit_error", "invalid_request_error", "mystery_error") + "\",\"message\":\"Something\"},"
					+ "\"request_id\":\"req_fuzz\"}";
			case OPENAI -> "{\"error\":{\"message\":\"Something\",\"type\":\""
					+ pick("server_error", "requests", "invalid_request_error", "insufficient_quota")
					+ "\",\"param\":null,\"code\":"
					+ pick("null", "\"rate_limit_exceeded\"", "429", "\"context_length_exceeded\"") + "}}";
		};
	}

	private List<String> baseEvents() {
		return this.wire.stream(model(), PIECES, 9);
	}

	private String delta(String text) {
		return this.wire.streamDelta(model(), text);
	}

	private String event(String name, String data) {
		return this.wire.event(name, data);
	}

	private static JsonNode read(String json) {
		try {
			return MAPPER.readTree(json);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Every place in the tree that holds a node, the root excluded.
	 */
	private static List<Slot> slots(JsonNode node) {
		List<Slot> slots = new ArrayList<>();
		if (node instanceof ObjectNode object) {
			for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext();) {
				Map.Entry<String, JsonNode> field = fields.next();
				slots.add(new Slot(object, field.getKey(), -1));
				slots.addAll(slots(field.getValue()));
			}
		}
		else if (node instanceof ArrayNode array) {
			for (int i = 0; i < array.size(); i++) {
				slots.add(new Slot(array, null, i));
				slots.addAll(slots(array.get(i)));
			}
		}
		return slots;
	}

	@SafeVarargs
	private <T> T pick(T... choices) {
		return choices[this.random.nextInt(choices.length)];
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * One bad response.
	 *
	 * @param number the case number, which the request carries
	 * @param mutation what was done to the valid response
	 * @param status the HTTP status
	 * @param contentType the content type, or {@code null} for none
	 * @param body the body
	 * @param chunkSizes the sizes of the chunks to send the body in, empty to send it
	 * whole
	 */
	record FuzzCase(int number, String mutation, int status, String contentType, byte[] body,
			List<Integer> chunkSizes) {

	}

	/**
	 * A place in a JSON tree: a field of an object or an element of an array.
	 */
	private record Slot(JsonNode parent, String field, int index) {

		void set(JsonNode value) {
			if (this.parent instanceof ObjectNode object) {
				object.set(this.field, value);
			}
			else {
				((ArrayNode) this.parent).set(this.index, value);
			}
		}

		void remove() {
			if (this.parent instanceof ObjectNode object) {
				object.remove(this.field);
			}
			else {
				((ArrayNode) this.parent).remove(this.index);
			}
		}

	}

}
