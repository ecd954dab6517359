package dev.llmresilience.provider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.error.LlmInvalidRequestException;
import dev.llmresilience.error.LlmInvalidResponseException;

import org.springframework.lang.Nullable;

/**
 * The JSON of one provider's bodies, written and read with the application's mapper. What
 * cannot be written or read fails as a typed exception whose message never quotes the
 * content, which may hold secrets or the API key.
 */
public final class ProviderJson {

	private final ProviderSettings settings;

	private final ObjectMapper objectMapper;

	/**
	 * Create a new instance.
	 * @param settings the provider's settings
	 * @param objectMapper the mapper that writes request fields and reads response bodies
	 */
	public ProviderJson(ProviderSettings settings, ObjectMapper objectMapper) {
		this.settings = settings;
		this.objectMapper = objectMapper;
	}

	/**
	 * Merge the provider-specific fields into a request body, as the JSON trees of their
	 * values: the request's {@link LlmRequest#extraBody()}, then the model's
	 * {@link LlmModel#extraBody()} over them.
	 * @param model the model the request is for
	 * @param request the request
	 * @param body the body to add the fields to
	 * @throws LlmInvalidRequestException if a value cannot be written as JSON: the
	 * request is not sent, and the message names the field and the value's type but not
	 * the value, which may hold secrets (the mapper's own error may quote it, so it is
	 * not kept as the cause)
	 */
	public void mergeExtraBody(LlmModel model, LlmRequest request, ObjectNode body) {
		merge(model, request.extraBody(), body, (name) -> "extraBody field '" + name + "' of the request");
		merge(model, model.extraBody(), body,
				(name) -> "extra-body field '" + name + "' of model '" + model.id() + "'");
	}

	private void merge(LlmModel model, Map<String, Object> fields, ObjectNode body,
			Function<String, String> description) {
		fields.forEach((name, value) -> {
			JsonNode json;
			try {
				json = this.objectMapper.valueToTree(value);
			}
			catch (RuntimeException ex) {
				String type = (value != null) ? value.getClass().getName() : "null";
				Throwable problem = (ex.getCause() != null) ? ex.getCause() : ex;
				throw new LlmInvalidRequestException(this.settings.id(), model.id(), description.apply(name)
						+ " cannot be written as JSON (a " + type + ", " + problem.getClass().getSimpleName() + ")");
			}
			body.set(name, json);
		});
	}

	/**
	 * Write a request body as JSON bytes with this library's mapper, not the codecs of
	 * the application's {@code WebClient}: on Spring Boot 4 those are Jackson 3's, which
	 * would write a Jackson 2 tree as a bean.
	 * @param model the model the request is for
	 * @param body the body, a JSON tree or a value the mapper can write
	 * @return the bytes
	 * @throws LlmInvalidRequestException if the body cannot be written: the request is
	 * not sent, and the message names neither the content nor the mapper's error, which
	 * may quote it
	 */
	public byte[] writeJson(LlmModel model, Object body) {
		try {
			return this.objectMapper.writeValueAsBytes(body);
		}
		catch (JsonProcessingException ex) {
			throw new LlmInvalidRequestException(this.settings.id(), model.id(),
					"the request body cannot be written as JSON (" + ex.getClass().getSimpleName() + ")");
		}
	}

	/**
	 * Read a JSON body as the bytes it came in, without making a string of it first. A
	 * body the parser refuses is read again as text, so that bytes that are not UTF-8 are
	 * replaced, as they would be in a string, rather than failing the answer.
	 * @param model the model the body came from
	 * @param body the body's bytes
	 * @return the JSON tree
	 * @throws LlmInvalidResponseException if the body is empty or not JSON
	 */
	public JsonNode readJson(LlmModel model, byte[] body) {
		JsonNode json;
		try {
			json = this.objectMapper.readTree(body);
		}
		catch (IOException ex) {
			return readJson(model, new String(body, StandardCharsets.UTF_8));
		}
		if (json == null || json.isMissingNode()) {
			throw invalidResponse(model, "the body is empty");
		}
		return json;
	}

	/**
	 * Read a JSON text.
	 * @param model the model the text came from
	 * @param text the text
	 * @return the JSON tree
	 * @throws LlmInvalidResponseException if the text is not JSON
	 */
	public JsonNode readJson(LlmModel model, String text) {
		try {
			JsonNode json = this.objectMapper.readTree(text);
			if (json == null || json.isMissingNode()) {
				throw invalidResponse(model, "the body is empty");
			}
			return json;
		}
		catch (JsonProcessingException ex) {
			// The parser's message quotes the content, so it stays out of ours.
			throw invalidResponse(model, "the body is not valid JSON");
		}
	}

	/**
	 * Read a JSON object that a stream delivered in pieces, such as the input of a tool
	 * call. Stricter than {@link #readJson}: anything after the object is an error too,
	 * so that a garbled concatenation cannot pass for its first part.
	 * @param model the model the text came from
	 * @param text the text, not blank
	 * @param problem what to report if the text is not a JSON object, without its content
	 * @return the object
	 * @throws LlmInvalidResponseException if the text is not exactly one JSON object
	 */
	public ObjectNode readJsonObject(LlmModel model, String text, String problem) {
		try {
			JsonNode json = this.objectMapper.reader()
				.with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
				.readTree(text);
			if (json instanceof ObjectNode object) {
				return object;
			}
		}
		catch (JsonProcessingException ex) {
			// The parser's message quotes the content, so it stays out of ours.
		}
		throw invalidResponse(model, problem);
	}

	/**
	 * Read a text that may or may not be JSON, such as the body of an error status.
	 * @param text the text
	 * @return the JSON tree, or {@code null} if the text is not JSON
	 */
	@Nullable
	JsonNode readJsonIfAny(String text) {
		try {
			return this.objectMapper.readTree(text);
		}
		catch (JsonProcessingException ex) {
			return null;
		}
	}

	private LlmInvalidResponseException invalidResponse(LlmModel model, String problem) {
		return new LlmInvalidResponseException(this.settings.id(), model.id(), problem, null);
	}

}
