package dev.llmresilience.benchmarks.stub;

/**
 * The text of the stub's answers, the same in every wire format, so that a harness can
 * check that a client read the whole answer.
 */
public final class CannedText {

	private CannedText() {
	}

	/**
	 * Return the text of one chunk.
	 * @param index the chunk's index, from 0
	 * @return the text
	 */
	public static String chunk(int index) {
		return "chunk-" + index + " of a canned answer. ";
	}

	/**
	 * Return the text of a whole answer.
	 * @param chunks the number of chunks
	 * @return the chunks' text joined
	 */
	public static String whole(int chunks) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < chunks; i++) {
			text.append(chunk(i));
		}
		return text.toString();
	}

}
