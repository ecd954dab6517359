package dev.llmresilience.test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bytes of one answer in one wire format, whole and as a stream: the events before
 * the text, one per text delta, and the events after it. Kept for the answers sent most
 * recently, so that a fake answering the same text many times over (a benchmark's)
 * encodes it once.
 *
 * @param json the body of the whole answer
 * @param streamStart the events before the first delta
 * @param deltas one event per text delta
 * @param streamEnd the events after the last delta, the terminal event last
 */
record EncodedAnswer(byte[] json, byte[] streamStart, List<byte[]> deltas, byte[] streamEnd) {

	private static final int CACHED = 256;

	private static final Map<Key, EncodedAnswer> cache = new ConcurrentHashMap<>();

	static EncodedAnswer of(WireFormat format, String model, List<String> pieces, int inputTokens) {
		Key key = new Key(format, model, List.copyOf(pieces), inputTokens);
		EncodedAnswer answer = cache.get(key);
		if (answer == null) {
			answer = encode(key);
			if (cache.size() >= CACHED) {
				cache.clear();
			}
			cache.put(key, answer);
		}
		return answer;
	}

	private static EncodedAnswer encode(Key key) {
		WireFormat format = key.format();
		return new EncodedAnswer(bytes(format.message(key.model(), key.pieces(), key.inputTokens())),
				bytes(String.join("", format.streamStart(key.model(), key.inputTokens()))),
				key.pieces().stream().map((piece) -> bytes(format.streamDelta(key.model(), piece))).toList(),
				bytes(String.join("", format.streamEnd(key.model(), key.inputTokens(), key.pieces().size()))));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private record Key(WireFormat format, String model, List<String> pieces, int inputTokens) {

	}

}
