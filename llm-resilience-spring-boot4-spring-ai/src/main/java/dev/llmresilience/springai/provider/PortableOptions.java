package dev.llmresilience.springai.provider;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.util.ClassUtils;

/**
 * Builds the options of an attempt's prompt, with tools the model may call but that run
 * nowhere but in the caller's own loop. Spring AI 2.0's generation: its models no longer
 * run tools themselves (the chat client's advisor does), and a model takes only options
 * of its own type, so the options are the chat model's defaults, changed where the
 * request says, and marked as an attempt's for the OpenAI SDK's retry veto
 * ({@link OpenAiSdkAttemptRetryVeto}).
 */
final class PortableOptions {

	private static final boolean OPENAI_PRESENT = ClassUtils.isPresent(
			"org.springframework.ai.openai.http.okhttp.OpenAiHttpClientBuilderCustomizer",
			PortableOptions.class.getClassLoader());

	private PortableOptions() {
	}

	static ChatOptions withDeclaredTools(ChatModel chatModel, String model, @Nullable Integer maxTokens,
			@Nullable Double temperature, @Nullable Double topP, @Nullable List<String> stopSequences,
			List<ToolCallback> tools) {
		ChatOptions modelOptions = chatModel.getOptions();
		ChatOptions.Builder<?> options = modelOptions.mutate().model(model);
		if (maxTokens != null) {
			options.maxTokens(maxTokens);
		}
		if (temperature != null) {
			options.temperature(temperature);
		}
		if (topP != null) {
			options.topP(topP);
		}
		if (stopSequences != null) {
			options.stopSequences(stopSequences);
		}
		if (options instanceof ToolCallingChatOptions.Builder<?> toolOptions) {
			toolOptions.toolCallbacks(tools);
		}
		else if (!tools.isEmpty()) {
			throw new IllegalStateException("the chat model's options cannot declare tools");
		}
		if (OPENAI_PRESENT) {
			OpenAiSdkAttemptRetryVeto.markAttempt(options, modelOptions);
		}
		return options.build();
	}

}
