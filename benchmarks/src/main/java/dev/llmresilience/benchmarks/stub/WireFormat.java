package dev.llmresilience.benchmarks.stub;

/**
 * A provider API's response format, as the stub writes it.
 */
interface WireFormat {

	/**
	 * Build the canned answer of a model.
	 * @param model the model name the request asked for
	 * @param chunks the number of text chunks
	 * @return the answer's bytes
	 */
	CannedAnswer answer(String model, int chunks);

	/**
	 * Build the error body of an injected fault.
	 * @param status the HTTP status
	 * @return the body, JSON
	 */
	byte[] error(int status);

}
