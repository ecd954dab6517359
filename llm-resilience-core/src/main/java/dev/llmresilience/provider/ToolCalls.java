package dev.llmresilience.provider;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.llmresilience.LlmContent;

import org.springframework.lang.Nullable;
import org.springframework.util.DigestUtils;
import org.springframework.util.StringUtils;

/**
 * What both wire formats do alike with tool calls: ids that every provider accepts, and
 * arguments read as JSON where they are JSON.
 */
public final class ToolCalls {

	/** Reads arguments only; it has no settings the application could change. */
	private static final ObjectMapper ARGUMENTS = new ObjectMapper()
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

	/** The bytes of the hash a replaced id ends with: 8 characters in Base64. */
	private static final int HASH_BYTES = 6;

	/**
	 * The longest id written with a hash: OpenAI rejects a {@code tool_calls} id of more
	 * than 40 characters.
	 */
	private static final int MAX_REPLACED_LENGTH = 40;

	private ToolCalls() {
	}

	/**
	 * Return an id every provider accepts for a call: Anthropic takes letters, digits,
	 * {@code _} and {@code -} only, some OpenAI-compatible servers write ids with others
	 * ({@code functions.get_weather:0}). An id of those characters only is kept as it is.
	 * In any other id each other character becomes {@code _}, and a hash of the whole id
	 * follows, so that ids that differ only in the characters replaced ({@code a.b} and
	 * {@code a:b}), or an id replaced and one that needed nothing ({@code a.b} and
	 * {@code a_b}), stay apart; what comes before the hash is cut so that the id has at
	 * most 40 characters, as OpenAI takes them. The same id always gives the same result,
	 * so a call and its result, mapped apart, keep matching.
	 * @param id the id the call came with
	 * @return the id to send
	 */
	public static String portableId(String id) {
		StringBuilder portable = null;
		for (int i = 0; i < id.length(); i++) {
			char c = id.charAt(i);
			boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
					|| c == '-';
			if (!allowed && portable == null) {
				portable = new StringBuilder(id.substring(0, i));
			}
			if (portable != null) {
				portable.append(allowed ? c : '_');
			}
		}
		if (portable == null) {
			return id;
		}
		String hash = hash(id);
		portable.setLength(Math.min(portable.length(), MAX_REPLACED_LENGTH - hash.length() - 1));
		return portable.append('_').append(hash).toString();
	}

	/**
	 * Return 48 bits of the id's MD5 digest in URL-safe Base64, whose characters every
	 * provider accepts in an id. It tells ids apart, it protects nothing.
	 */
	private static String hash(String id) {
		byte[] digest = DigestUtils.md5Digest(id.getBytes(StandardCharsets.UTF_8));
		return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, HASH_BYTES));
	}

	/**
	 * Return an id for a call that came without one, as some OpenAI-compatible servers
	 * send them: its result needs an id to refer to.
	 * @return a new id
	 */
	public static String newId() {
		return "call_" + UUID.randomUUID().toString().replace("-", "");
	}

	/**
	 * Return the id a call came with, or a new one if it came without.
	 * @param id the id, possibly empty
	 * @return the id to use
	 */
	public static String idOrNew(@Nullable String id) {
		return StringUtils.hasText(id) ? id : newId();
	}

	/**
	 * Read a call's arguments as a JSON object.
	 * @param arguments the arguments as the model wrote them
	 * @return the object, or {@code null} if they are not one (cut off, or not JSON); an
	 * empty text is an empty object, as a tool without parameters gets it
	 */
	@Nullable
	public static JsonNode parseArguments(String arguments) {
		if (arguments.isBlank()) {
			return JsonNodeFactory.instance.objectNode();
		}
		try {
			JsonNode node = ARGUMENTS.readTree(arguments);
			return (node != null && node.isObject()) ? node : null;
		}
		catch (JsonProcessingException ex) {
			return null;
		}
	}

	/**
	 * Create a call from what the model wrote, its arguments parsed where they are JSON.
	 * @param id the id
	 * @param name the tool's name
	 * @param arguments the arguments as written
	 * @return the call
	 */
	public static LlmContent.ToolCall read(String id, String name, String arguments) {
		return new LlmContent.ToolCall(id, name, parseArguments(arguments), arguments);
	}

	/**
	 * Return a call's input as the JSON object a wire format needs, such as Anthropic's
	 * {@code tool_use.input}: its input, or an empty object for a call whose arguments
	 * are not a JSON object (cut off, or not JSON), which such a format cannot carry.
	 * @param call the call
	 * @return the object
	 */
	public static JsonNode inputObject(LlmContent.ToolCall call) {
		return (call.input() != null) ? call.input() : JsonNodeFactory.instance.objectNode();
	}

}
