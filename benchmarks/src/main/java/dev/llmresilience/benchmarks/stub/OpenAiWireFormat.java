package dev.llmresilience.benchmarks.stub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenAI Chat Completions: a {@code chat.completion} object, or {@code chat.completion.chunk}
 * events (a role chunk, one content chunk per text chunk, a finish chunk, a usage chunk) ended by
 * {@code data: [DONE]}.
 */
final class OpenAiWireFormat implements WireFormat {

	private static final int PROMPT_TOKENS = 12;

	private final ObjectMapper objectMapper;

	OpenAiWireFormat(ObjectMapper objectMapper) {
		this.objectMapper = objectMapper;
	}

	@Override
	public CannedAnswer answer(String model, int chunks) {
		ObjectNode completion = envelope(model, "chat.completion");
		ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
		choice.putObject("message").put("role", "assistant").put("content", CannedText.whole(chunks));
		choice.put("finish_reason", "stop");
		usage(completion, chunks);

		ObjectNode roleChunk = envelope(model, "chat.completion.chunk");
		ObjectNode roleChoice = roleChunk.putArray("choices").addObject().put("index", 0);
		roleChoice.putObject("delta").put("role", "assistant").put("content", "");
		roleChoice.putNull("finish_reason");

		List<byte[]> deltas = new ArrayList<>(chunks);
		for (int i = 0; i < chunks; i++) {
			ObjectNode chunk = envelope(model, "chat.completion.chunk");
			ObjectNode chunkChoice = chunk.putArray("choices").addObject().put("index", 0);
			chunkChoice.putObject("delta").put("content", CannedText.chunk(i));
			chunkChoice.putNull("finish_reason");
			deltas.add(bytes(data(chunk.toString())));
		}

		ObjectNode finish = envelope(model, "chat.completion.chunk");
		ObjectNode finishChoice = finish.putArray("choices").addObject().put("index", 0);
		finishChoice.putObject("delta");
		finishChoice.put("finish_reason", "stop");
		ObjectNode usage = envelope(model, "chat.completion.chunk");
		usage.putArray("choices");
		usage(usage, chunks);
		String tail = data(finish.toString()) + data(usage.toString()) + data("[DONE]");
		return new CannedAnswer(bytes(completion.toString()), bytes(data(roleChunk.toString())), List.copyOf(deltas),
				bytes(tail));
	}

	private ObjectNode envelope(String model, String object) {
		return this.objectMapper.createObjectNode()
			.put("id", "chatcmpl-stub")
			.put("object", object)
			.put("created", 1_700_000_000L)
			.put("model", model);
	}

	private static void usage(ObjectNode node, int chunks) {
		node.putObject("usage")
			.put("prompt_tokens", PROMPT_TOKENS)
			.put("completion_tokens", chunks)
			.put("total_tokens", PROMPT_TOKENS + chunks);
	}

	private static String data(String data) {
		return "data: " + data + "\n\n";
	}

	@Override
	public byte[] error(int status) {
		ObjectNode body = this.objectMapper.createObjectNode();
		body.putObject("error")
			.put("message", "Injected fault " + status)
			.put("type", (status == 429) ? "rate_limit_exceeded" : "server_error")
			.putNull("param")
			.putNull("code");
		return bytes(body.toString());
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
