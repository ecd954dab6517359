package dev.llmresilience.benchmarks.stub;

import java.util.List;

/**
 * The bytes of one model's answer in one wire format, built once and sent many times: the whole
 * answer as JSON, and as a stream the events before the text, one event per text chunk, and the
 * events after it.
 *
 * @param json the non-streaming response body
 * @param streamHead the events before the first text chunk
 * @param streamChunks one event per text chunk
 * @param streamTail the events after the last text chunk, the terminal event included
 */
record CannedAnswer(byte[] json, byte[] streamHead, List<byte[]> streamChunks, byte[] streamTail) {

}
