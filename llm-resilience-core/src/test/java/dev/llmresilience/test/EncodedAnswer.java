package dev.llmresilience.test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bytes of one answer in one wire format, whole and as a stream: the events before
 * the content, one element per delta (of reasoning, text or tool input), and the events
 * after it. Kept for the answers sent most recently, so that a fake answering the same
 * text many times over (a benchmark's) encodes it once.
 *
 * @param json the body of the whole answer
 * @param streamStart the events before the first delta
 * @param deltas one element per delta, with the events that open its block
 * @param streamEnd the events after the last delta, the terminal event last
 */
record EncodedAnswer(byte[] json, byte[] streamStart, List<byte[]> deltas, byte[] streamEnd) {

	private static final int CACHED = 256;

	private static final Map<Key, EncodedAnswer> cache = new ConcurrentHashMap<>();

	static EncodedAnswer of(WireFormat format, String model, AnswerContent content, int inputTokens) {
		Key key = new Key(format, model, content, inputTokens);
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
		WireEncoder encoder = key.format().encoder();
		AnswerContent content = key.content();
		return new EncodedAnswer(bytes(encoder.message(key.model(), content, key.inputTokens())),
				bytes(String.join("", encoder.streamStart(key.model(), content, key.inputTokens()))),
				encoder.streamDeltas(key.model(), content).stream().map(EncodedAnswer::bytes).toList(), bytes(String
					.join("", encoder.streamEnd(key.model(), content, key.inputTokens(), content.deltaCount()))));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private record Key(WireFormat format, String model, AnswerContent content, int inputTokens) {

	}

}
