package dev.llmresilience.provider;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.StopReason;

import org.springframework.lang.Nullable;

/**
 * Reads the answer to a request with an output schema as the JSON it must be.
 */
public final class StructuredOutput {

	/** Reads answers only; it has no settings the application could change. */
	private static final ObjectMapper ANSWERS = new ObjectMapper()
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

	private StructuredOutput() {
	}

	/**
	 * Parse an answer's text when its request asked for an output schema and the model
	 * finished it.
	 * @param content the answer's blocks
	 * @param stopReason why the model stopped
	 * @param request the request
	 * @param errors creates the error for an answer that is not JSON
	 * @param model the model that answered
	 * @return the parsed answer; {@code null} without an output schema, and for an answer
	 * that was cut off, refused or filtered, whose text cannot be whole
	 * @throws dev.llmresilience.error.LlmInvalidResponseException if a finished answer is
	 * not JSON
	 */
	@Nullable
	public static JsonNode parse(List<LlmContent> content, StopReason stopReason, LlmRequest request,
			ProviderErrorMapper errors, LlmModel model) {
		if (request.outputSchema() == null) {
			// the common case: no text to join
			return null;
		}
		StringBuilder text = new StringBuilder();
		for (LlmContent block : content) {
			if (block instanceof LlmContent.Text part) {
				text.append(part.text());
			}
		}
		return parse(text.toString(), stopReason, request, errors, model);
	}

	/**
	 * Parse an answer given apart from its text blocks, such as the input of the
	 * {@link AnswerTool answer tool}, when its request asked for an output schema and the
	 * model finished it.
	 * @param answer the answer
	 * @param stopReason why the model stopped
	 * @param request the request
	 * @param errors creates the error for an answer that is not JSON
	 * @param model the model that answered
	 * @return the parsed answer; {@code null} without an output schema, and for an answer
	 * that was cut off, refused or filtered, whose text cannot be whole
	 * @throws dev.llmresilience.error.LlmInvalidResponseException if a finished answer is
	 * not JSON
	 */
	@Nullable
	public static JsonNode parse(String answer, StopReason stopReason, LlmRequest request, ProviderErrorMapper errors,
			LlmModel model) {
		if (request.outputSchema() == null
				|| (stopReason != StopReason.END_TURN && stopReason != StopReason.STOP_SEQUENCE)) {
			return null;
		}
		try {
			JsonNode parsed = ANSWERS.readTree(answer);
			if (parsed == null || parsed.isMissingNode()) {
				throw errors.invalidResponse(model, "the answer is empty, not the JSON its output schema asks for",
						null);
			}
			return parsed;
		}
		catch (JsonProcessingException ex) {
			throw errors.invalidResponse(model, "the answer is not the JSON its output schema asks for", ex);
		}
	}

}
