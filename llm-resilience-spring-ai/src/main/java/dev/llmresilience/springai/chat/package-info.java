/**
 * A Spring AI {@link org.springframework.ai.chat.model.ChatModel} served by
 * {@link dev.llmresilience.LlmTemplate}: Spring AI's prompts mapped to the neutral
 * content model and its answers back, with tool calling both ways Spring AI offers it.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.springai.chat;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
