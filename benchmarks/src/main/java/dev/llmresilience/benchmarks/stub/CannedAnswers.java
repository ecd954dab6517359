package dev.llmresilience.benchmarks.stub;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The answers of one wire format, built once per model name and then only sent.
 */
final class CannedAnswers {

	private final WireFormat format;

	private final int chunks;

	private final Map<String, CannedAnswer> byModel = new ConcurrentHashMap<>();

	CannedAnswers(WireFormat format, int chunks) {
		this.format = format;
		this.chunks = chunks;
	}

	CannedAnswer answer(String model) {
		return this.byModel.computeIfAbsent(model, (name) -> this.format.answer(name, this.chunks));
	}

	byte[] error(int status) {
		return this.format.error(status);
	}

}
