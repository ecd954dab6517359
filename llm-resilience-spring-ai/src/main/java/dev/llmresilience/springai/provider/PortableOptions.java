package dev.llmresilience.springai.provider;

import java.util.List;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.lang.Nullable;

/**
 * Builds the portable options of an attempt's prompt, with tools the model may call but
 * that run nowhere but in the caller's own loop. Spring AI 1.1's generation: its models
 * run the tools themselves unless told not to, and take portable options, which they
 * merge with their own defaults.
 */
final class PortableOptions {

	private PortableOptions() {
	}

	static ChatOptions withDeclaredTools(ChatModel chatModel, String model, @Nullable Integer maxTokens,
			@Nullable Double temperature, @Nullable Double topP, @Nullable List<String> stopSequences,
			List<ToolCallback> tools) {
		return ToolCallingChatOptions.builder()
			.model(model)
			.maxTokens(maxTokens)
			.temperature(temperature)
			.topP(topP)
			.stopSequences(stopSequences)
			.toolCallbacks(tools)
			// the tool calls are the caller's to run, in its own loop
			.internalToolExecutionEnabled(false)
			.build();
	}

}
